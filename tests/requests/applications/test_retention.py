"""The retention job (security.md PII-05): past the retention period, applicants' personal data
is gone, the statistics fields stay, and every purge is audited."""

import asyncio
import base64
import datetime as dt

import httpx
import pytest
from sqlmodel import select
from typer.testing import CliRunner

from gongkai.cli import cli
from services.common.db import Database
from services.requests.applications.models import Attachment, AuditEntry, InfoRequest
from services.requests.applications.retention import ANONYMISED_NAME, PERSON_FIELDS, purge_all
from services.requests.settings import RequestsSettings
from tests.requests.applications.test_protection import PNG, assert_no_pii
from tests.requests.conftest import Agencies
from tests.requests.flow import Flow
from tests.support.requests import BASE, officer, paper_body
from tests.support.tokens import TokenMinter

D = dt.date
CLOSED = D(2025, 3, 20)
STATISTICS = (
    "agency_id", "applicant_kind", "organisation_type", "channel", "arrived_on", "received_on",
    "due_on", "closed_on", "state", "reply_type", "refusal_ground", "tracking_number",
    "delivery_form", "delivery_way",
)  # fmt: skip


async def _closed(client: httpx.AsyncClient, headers: dict[str, str], agency: str) -> Flow:
    attachment = {"filename": "身份证.png", "content_base64": base64.b64encode(PNG).decode()}
    flow = await Flow.start(
        client, headers, paper_body(agency, D(2025, 3, 3), attachments=[attachment])
    )
    await flow.act("accept", D(2025, 3, 4))
    await flow.finish(CLOSED, reply_type="not_held", reply_text="经检索，本机关未制作该信息。")
    return flow


async def _rows(settings: RequestsSettings) -> tuple[dict[str, InfoRequest], list, list]:
    database = Database(settings.database_url)
    try:
        async with database.sessions() as session:
            requests = {str(r.id): r for r in await session.exec(select(InfoRequest))}
            attachments = list(await session.exec(select(Attachment)))
            audit = list(await session.exec(select(AuditEntry)))
    finally:
        await database.dispose()
    return requests, attachments, audit


async def test_personal_data_is_purged_after_the_retention_period(
    client: httpx.AsyncClient,
    tokens: TokenMinter,
    agencies: Agencies,
    requests_settings: RequestsSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PII-05."""
    staff = officer(tokens, agencies.a, reveal=True)
    old = await _closed(client, staff, agencies.a)
    still_open = await Flow.start(client, staff, paper_body(agencies.a, D(2025, 3, 3)))
    before, attachments, _ = await _rows(requests_settings)
    assert len(attachments) == 1
    kept = {name: getattr(before[old.id], name) for name in STATISTICS}
    assert kept["closed_on"] == CLOSED
    read_before = (await client.get(f"{BASE}/{old.id}", headers=staff)).json()

    days = requests_settings.requests_pii_retention_days
    database = Database(requests_settings.database_url)
    try:
        # One day short of the period: nothing happens.
        early = await purge_all(
            database, today=CLOSED + dt.timedelta(days=days - 1), retention_days=days
        )
        assert early.count == 0
    finally:
        await database.dispose()

    # The command, with a clock past the retention date.
    monkeypatch.setenv("GONGKAI_REQUESTS_DATABASE_URL", requests_settings.database_url)
    past = (CLOSED + dt.timedelta(days=days + 1)).isoformat()
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["purge-pii", "--today", past])
    assert result.exit_code == 0, result.output
    assert "已删除 1 件" in result.output

    after, attachments, audit = await _rows(requests_settings)
    purged = after[old.id]
    for name in ("name_enc", *PERSON_FIELDS):
        assert getattr(purged, name) is None, name
    assert purged.name_masked == ANONYMISED_NAME
    assert purged.pii_purged_at is not None
    assert attachments == []
    assert {name: getattr(purged, name) for name in STATISTICS} == kept
    # The open request is untouched.
    assert after[still_open.id].name_enc is not None
    assert after[still_open.id].pii_purged_at is None

    entries = [e for e in audit if e.action == "purge-pii"]
    assert len(entries) == 1
    assert str(entries[0].request_id) == old.id
    assert entries[0].actor == "system:retention"
    assert str(entries[0].agency_id) == agencies.a
    for entry in audit:
        assert_no_pii(" ".join(str(v) for v in entry.model_dump().values()))

    # The API still serves the request, with its statistics and without the person.
    read = await client.get(f"{BASE}/{old.id}", headers=staff)
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["applicant"]["name"] == ANONYMISED_NAME
    assert body["applicant"]["id_number"] is None
    assert body["applicant"]["phone"] is None
    assert body["attachments"] == []
    assert body["annual_report_column"] == read_before["annual_report_column"]
    assert body["annual_report_rows"] == read_before["annual_report_rows"]
    assert_no_pii(read.text)
    revealed = await client.post(
        f"{BASE}/{old.id}/reveal", json={"reason": "核实申请人身份"}, headers=staff
    )
    assert revealed.status_code == 410, revealed.text
    assert revealed.json()["type"].endswith("personal-data-purged")
    tracked = await old.track()
    assert tracked.status_code == 200
    assert tracked.json()["applicant_name"] == ANONYMISED_NAME

    # Running again purges nothing more and writes no second entry.
    again = await asyncio.to_thread(CliRunner().invoke, cli, ["purge-pii", "--today", past])
    assert "已删除 0 件" in again.output
    _, _, audit = await _rows(requests_settings)
    assert len([e for e in audit if e.action == "purge-pii"]) == 1
    wrong = await asyncio.to_thread(CliRunner().invoke, cli, ["purge-pii", "--today", "tomorrow"])
    assert wrong.exit_code == 2
