"""The retention job: applicants' personal data is removed once a closed request has been kept
for the retention period (个人信息保护法 §19, §47: keep no longer than needed).

What stays is what the annual report and the statistics need: the applicant's kind and
organisation type, the agency, the channel, the dates, the state, the reply and its grounds.
What goes: every ciphertext and HMAC of the applicant, the masked copies (a masked name still
carries the surname), the postcode, and the identity-proof attachments. Each purge writes an
audit entry without any personal value.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.db import Database, utcnow
from services.requests.applications.models import (
    ApplicantKind,
    Attachment,
    AuditEntry,
    InfoRequest,
)

ACTOR = "system:retention"
ACTION = "purge-pii"
ANONYMISED_NAME = "（已匿名）"
# An organisation's name is not personal information; its people's details are.
PERSON_FIELDS = (
    "id_number_enc",
    "id_number_hmac",
    "id_number_masked",
    "legal_representative_enc",
    "contact_person_enc",
    "phone_enc",
    "phone_masked",
    "email_enc",
    "email_masked",
    "address_enc",
    "address_masked",
    "postcode",
)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: dt.date
    request_ids: list[uuid.UUID]

    @property
    def count(self) -> int:
        return len(self.request_ids)


def cutoff_for(today: dt.date, retention_days: int) -> dt.date:
    """Requests closed on or before this day are past their retention period."""
    return today - dt.timedelta(days=retention_days)


async def purge(
    session: AsyncSession, *, today: dt.date, retention_days: int, batch: int = 500
) -> PurgeResult:
    """Anonymise the applicants of requests closed ``retention_days`` or more before ``today``.

    Idempotent: purged requests are skipped. Flushes; the caller commits.
    """
    cutoff = cutoff_for(today, retention_days)
    rows = await session.exec(
        select(InfoRequest)
        .where(col(InfoRequest.closed_on).is_not(None))
        .where(col(InfoRequest.closed_on) <= cutoff)
        .where(col(InfoRequest.pii_purged_at).is_(None))
        .order_by(col(InfoRequest.closed_on), col(InfoRequest.id))
        .limit(batch)
    )
    purged: list[uuid.UUID] = []
    now = utcnow()
    for request in rows.all():
        anonymise(request, at=now)
        session.add(request)
        session.add(
            AuditEntry(
                actor=ACTOR,
                action=ACTION,
                request_id=request.id,
                agency_id=request.agency_id,
                reason=f"办结满 {retention_days} 天，已过个人信息保存期限",
                detail="申请人个人信息和身份证明材料已删除，统计字段保留",
            )
        )
        purged.append(request.id)
    if purged:
        await session.exec(delete(Attachment).where(col(Attachment.request_id).in_(purged)))
    await session.flush()
    return PurgeResult(cutoff=cutoff, request_ids=purged)


def anonymise(request: InfoRequest, *, at: dt.datetime) -> None:
    if request.applicant_kind == ApplicantKind.NATURAL_PERSON:
        request.name_masked = ANONYMISED_NAME
    request.name_enc = None
    for name in PERSON_FIELDS:
        setattr(request, name, None)
    request.pii_purged_at = at
    request.updated_at = at
    request.version += 1


async def purge_all(database: Database, *, today: dt.date, retention_days: int) -> PurgeResult:
    """Purge in batches, one write transaction each, until nothing is left."""
    ids: list[uuid.UUID] = []
    while True:
        async with database.write_sessions() as session:
            result = await purge(session, today=today, retention_days=retention_days)
            await session.commit()
        ids.extend(result.request_ids)
        if not result.request_ids:
            return PurgeResult(cutoff=result.cutoff, request_ids=ids)
