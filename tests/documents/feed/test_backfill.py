"""Upgrading a database with documents: what is public already gets its create event."""

import datetime as dt
import uuid

from alembic import command
from sqlalchemy import Connection
from sqlmodel import col, select

from services.common.db import Database
from services.common.migrations import alembic_config, upgrade
from services.documents.feed.models import FeedEvent, FeedFacet, FeedState
from services.documents.outbox import repository as outbox
from services.documents.outbox.models import OutboxEntry
from services.documents.records.models import Document, DocumentAgency
from tests.conftest import FreshDatabase

BEFORE_FEED = "documents_0005"


async def downgrade(url: str, revision: str) -> None:
    database = Database(url)
    try:
        async with database.write_sessions() as session:
            connection = await session.connection()

            def run(sync_conn: Connection) -> None:
                config = alembic_config("documents", database.url)
                config.attributes["connection"] = sync_conn
                command.downgrade(config, revision)

            await connection.run_sync(run)
            await session.commit()
    finally:
        await database.dispose()


def document(agency: uuid.UUID, number: int, **fields: object) -> Document:
    values: dict[str, object] = {
        "index_number": f"ZY-2020-{number:04d}", "agency_id": agency, "agency_name": "市政府办",
        "title": f"通知{number}", "type_code": "normative", "subject_code": "0201",
        "written_on": dt.date(2020, 9, 1), "publish_due_on": dt.date(2020, 9, 29),
        "status": "published", "disclosure": "public", **fields,
    }  # fmt: skip
    return Document.model_validate(values)


async def test_existing_public_records_get_a_create_event(fresh_database: FreshDatabase) -> None:
    url = await fresh_database("documents")
    await downgrade(url, BEFORE_FEED)
    agency = uuid.uuid4()
    shown = document(agency, 1)
    withheld = document(agency, 2, disclosure="withheld")
    draft = document(agency, 3, status="draft")
    database = Database(url)
    try:
        async with database.write_sessions() as session:
            for row in (shown, withheld, draft):
                session.add(row)
                await session.flush()
                session.add(
                    DocumentAgency(
                        document_id=row.id, agency_id=agency, position=0, name="市政府办"
                    )
                )
            for row in (shown, withheld, draft, shown):
                session.add(OutboxEntry(entity="document", entity_id=row.id, kind="updated"))
                await session.flush()
            await session.commit()

        await upgrade("documents", url)

        async with database.write_sessions() as session:
            events = list(await session.exec(select(FeedEvent)))
            assert [(e.entity_id, e.action, e.outbox_sequence) for e in events] == [
                (shown.id, "create", 4)
            ]
            facets = await session.exec(
                select(FeedFacet.name, FeedFacet.value).where(
                    col(FeedFacet.sequence) == events[0].sequence
                )
            )
            assert set(facets) == {("agency", str(agency)), ("type", "normative"),
                                   ("category", "0201")}  # fmt: skip
            # The backfilled state is what the next change is compared with: a tombstone.
            row = await session.get(Document, shown.id)
            assert row is not None
            row.disclosure = "withheld"
            session.add(row)
            await outbox.append(session, entity="document", entity_id=shown.id, kind="reclassified")
            await session.commit()
            last = (
                await session.exec(select(FeedEvent).order_by(col(FeedEvent.sequence).desc()))
            ).first()
            assert last is not None
            assert (last.entity_id, last.action) == (shown.id, "withdraw")
            state = await session.get(FeedState, ("document", shown.id))
            assert state is not None
            assert state.public is False
    finally:
        await database.dispose()
