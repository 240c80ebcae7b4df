"""Tables of information requests (政府信息公开申请): the request, its events and attachments,
the audit log, tracking throttles and idempotency records.

Personal data of the applicant is stored only as ciphertext (``*_enc``), next to a masked form
for display and an HMAC for lookups; nothing here holds a clear ID number, phone or name.
"""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.requests.db import RequestsTable


class ApplicantKind(StrEnum):
    """申请人类型."""

    NATURAL_PERSON = "natural_person"
    ORGANISATION = "organisation"


APPLICANT_KIND_LABELS = {
    ApplicantKind.NATURAL_PERSON: "公民（自然人）",
    ApplicantKind.ORGANISATION: "法人或者其他组织",
}


class OrganisationType(StrEnum):
    """法人或其他组织的类别 (the columns of the annual report)."""

    COMMERCIAL = "commercial"
    RESEARCH = "research"
    PUBLIC_WELFARE = "public_welfare"
    LEGAL_SERVICE = "legal_service"
    OTHER = "other"


class IdType(StrEnum):
    """身份证件类型."""

    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"
    OTHER = "other"


ID_TYPE_LABELS = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.PASSPORT: "护照",
    IdType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdType.FOREIGN_PERMANENT_RESIDENT: "外国人永久居留身份证",
    IdType.OTHER: "其他有效身份证件",
}


class DeliveryForm(StrEnum):
    """指定的提供形式."""

    PAPER = "paper"
    EMAIL = "email"
    ELECTRONIC = "electronic"
    ON_SITE = "on_site"


DELIVERY_FORM_LABELS = {
    DeliveryForm.PAPER: "纸质",
    DeliveryForm.EMAIL: "电子邮件",
    DeliveryForm.ELECTRONIC: "光盘、磁盘等电子数据",
    DeliveryForm.ON_SITE: "当场阅读、抄录",
}


class DeliveryWay(StrEnum):
    """获取信息的方式."""

    POST = "post"
    COLLECT = "collect"
    ONLINE = "online"
    EMAIL = "email"
    FAX = "fax"


DELIVERY_WAY_LABELS = {
    DeliveryWay.POST: "邮寄",
    DeliveryWay.COLLECT: "自行领取",
    DeliveryWay.ONLINE: "网上获取",
    DeliveryWay.EMAIL: "电子邮件",
    DeliveryWay.FAX: "传真",
}


class InfoRequest(RequestsTable, table=True):
    """一件政府信息公开申请."""

    __tablename__ = "info_request"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    tracking_number: str = Field(max_length=32, unique=True)
    query_code_hash: str = Field(max_length=64)
    agency_id: uuid.UUID = Field(index=True)
    state: str = Field(sa_type=sa.String(32), index=True)
    version: int = Field(default=1)

    applicant_kind: str = Field(sa_type=sa.String(32))
    organisation_type: str | None = Field(default=None, sa_type=sa.String(32))
    # Null once the retention job has removed the applicant's personal data (pii_purged_at).
    name_enc: str | None = Field(default=None, sa_type=sa.Text)
    name_masked: str = Field(max_length=200)
    id_type: str | None = Field(default=None, sa_type=sa.String(32))
    id_number_enc: str | None = Field(default=None, sa_type=sa.Text)
    id_number_hmac: str | None = Field(default=None, max_length=64, index=True)
    id_number_masked: str | None = Field(default=None, max_length=64)
    credit_code: str | None = Field(default=None, max_length=18, index=True)
    legal_representative_enc: str | None = Field(default=None, sa_type=sa.Text)
    contact_person_enc: str | None = Field(default=None, sa_type=sa.Text)
    phone_enc: str | None = Field(default=None, sa_type=sa.Text)
    phone_masked: str | None = Field(default=None, max_length=64)
    email_enc: str | None = Field(default=None, sa_type=sa.Text)
    email_masked: str | None = Field(default=None, max_length=200)
    address_enc: str | None = Field(default=None, sa_type=sa.Text)
    address_masked: str | None = Field(default=None, max_length=64)
    postcode: str | None = Field(default=None, max_length=6)

    title: str | None = Field(default=None, max_length=200)
    description: str = Field(sa_type=sa.Text)
    document_number: str | None = Field(default=None, max_length=100)
    delivery_form: str = Field(sa_type=sa.String(32))
    delivery_way: str = Field(sa_type=sa.String(32))

    channel: str = Field(sa_type=sa.String(32))
    filled_by_staff: bool = Field(default=False)
    registered_by: str | None = Field(default=None, max_length=200)
    submitted_by: str | None = Field(default=None, max_length=200)
    arrived_on: dt.date
    confirmed_on: dt.date | None = Field(default=None)
    received_on: dt.date | None = Field(default=None, index=True)
    assignee: str | None = Field(default=None, max_length=200, index=True)

    # Derived by services.requests.deadlines from the events; stored for the queues.
    due_on: dt.date | None = Field(default=None, index=True)
    due_provisional: bool = Field(default=False)
    clock_stopped: str | None = Field(default=None, max_length=200)

    reply_type: str | None = Field(default=None, sa_type=sa.String(32))
    refusal_ground: str | None = Field(default=None, sa_type=sa.String(32))
    reply_text: str | None = Field(default=None, sa_type=sa.Text)
    responsible_agency_id: uuid.UUID | None = Field(default=None)
    responsible_agency_name: str | None = Field(default=None, max_length=200)
    responsible_agency_contact: str | None = Field(default=None, max_length=500)
    disclosed_files: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    fee_amount: int | None = Field(default=None)
    closed_on: dt.date | None = Field(default=None, index=True)
    pii_purged_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RequestEvent(RequestsTable, table=True):
    """One step of the handling: who did what, when, why, with which documents."""

    __tablename__ = "request_event"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    request_id: uuid.UUID = Field(foreign_key="info_request.id", index=True)
    sequence: int
    action: str = Field(sa_type=sa.String(40))
    from_state: str | None = Field(default=None, sa_type=sa.String(32))
    to_state: str = Field(sa_type=sa.String(32))
    actor: str = Field(max_length=200)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    effective_on: dt.date | None = Field(default=None)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    documents: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class Attachment(RequestsTable, table=True):
    """An identity-proof file; name and content are encrypted at rest."""

    __tablename__ = "request_attachment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    request_id: uuid.UUID = Field(foreign_key="info_request.id", index=True)
    kind: str = Field(sa_type=sa.String(32))
    filename_enc: str = Field(sa_type=sa.Text)
    media_type: str = Field(max_length=100)
    size: int
    content_enc: bytes = Field(sa_type=sa.LargeBinary)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEntry(RequestsTable, table=True):
    """Who read or changed what; never a personal value."""

    __tablename__ = "request_audit"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=200)
    action: str = Field(sa_type=sa.String(40))
    request_id: uuid.UUID | None = Field(default=None, index=True)
    agency_id: uuid.UUID | None = Field(default=None, index=True)
    reason: str | None = Field(default=None, max_length=500)
    detail: str | None = Field(default=None, max_length=500)


class TrackFailure(RequestsTable, table=True):
    """A wrong tracking attempt, keyed by an HMAC of the number or of the client address."""

    __tablename__ = "track_failure"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    key: str = Field(max_length=80, index=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class IdempotencyRecord(RequestsTable, table=True):
    """The answer to a creation with an ``Idempotency-Key``, replayed for a retry."""

    __tablename__ = "request_idempotency"

    key: str = Field(max_length=64, primary_key=True)
    fingerprint: str = Field(max_length=64)
    status: int
    response_enc: str = Field(sa_type=sa.Text)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
