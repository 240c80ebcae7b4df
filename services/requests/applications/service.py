"""Intake, staff reads, personal-data reveals, queues and tracking of information requests."""

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal, Role
from services.common.client import ServiceClient
from services.common.db import utcnow
from services.common.errors import (
    Forbidden,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
    Unprocessable,
    UnsupportedMediaType,
)
from services.common.pagination import PageParams, decode_cursor, encode_cursor
from services.common.workdays import CalendarRangeError, WorkdayCalendar
from services.requests.applications import clock, repository, views
from services.requests.applications.models import (
    ApplicantKind,
    Attachment,
    AuditEntry,
    InfoRequest,
    RequestEvent,
)
from services.requests.applications.schemas import (
    ApplicantRevealed,
    AttachmentIn,
    AuditRead,
    QueueItem,
    RequestCreate,
    RequestRead,
    TrackRead,
)
from services.requests.columns import column
from services.requests.deadlines import DueDate
from services.requests.errors import PersonalDataPurged
from services.requests.holidays import service as holidays
from services.requests.pii import (
    PiiCipher,
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
)
from services.requests.receipt import confirmation_problem, receipt_date
from services.requests.settings import RequestsSettings
from services.requests.workflow import OPEN_STATES, Action, RequestState, allowed_actions

HANDLERS = (Role.REQUEST_OFFICER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN)
# Unambiguous characters for numbers people copy by hand (no 0/O, 1/I/L).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
NUMBER_PATTERN = re.compile(r"^\d{8}-[2-9A-HJKMNP-Z]{6}$")
CODE_PATTERN = re.compile(r"^[2-9A-HJKMNP-Z]{8}$")
MEDIA_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}
NOT_FOUND_TRACK = "查询号或查询码不正确，请核对回执上的查询号和查询码。"


@dataclass(frozen=True)
class Context:
    """What the service needs from the running app."""

    cipher: PiiCipher
    settings: RequestsSettings
    catalog: ServiceClient | None = None
    record_failures: Callable[[list[str]], Awaitable[None]] | None = None


def is_handler(caller: Principal, agency_id: uuid.UUID) -> bool:
    return caller.has_role(*HANDLERS) and caller.acts_for(agency_id)


async def check_agency(ctx: Context, agency_id: uuid.UUID, field: str) -> dict[str, object]:
    """The catalog's record of the agency; a missing one is the caller's error, naming the field."""
    if ctx.catalog is None:
        raise ServiceUnavailable("目录服务未配置，无法核对机关。")
    response = await ctx.catalog.get(f"/api/v1/catalog/agencies/{agency_id}")
    if response.status == 404:
        raise Unprocessable(
            f"{field}：机关 {agency_id} 不存在，请从机关目录中选择。", code="agency-not-found"
        )
    if not response.ok or not isinstance(response.body, dict):
        raise ServiceUnavailable("目录服务暂时无法核对机关，请稍后重试。")
    return response.body


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def code_hash(cipher: PiiCipher, number: str, code: str) -> str:
    return cipher.lookup(f"track|{number}|{code}")


def _media_type(content: bytes) -> str:
    for magic, media_type in MEDIA_TYPES.items():
        if content.startswith(magic):
            return media_type
    raise UnsupportedMediaType(
        "身份证明材料只接受 PDF、JPEG 或 PNG 文件（按文件内容识别，而非扩展名）。",
        code="attachment-type",
    )


def _decode(attachment: AttachmentIn) -> bytes:
    try:
        return base64.b64decode(attachment.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Unprocessable(
            f"附件 {attachment.filename} 的内容不是有效的 base64 编码。", code="attachment-base64"
        ) from None


def _check_intake_fields(caller: Principal, data: RequestCreate, today: dt.date) -> None:
    staff = is_handler(caller, data.agency_id)
    if not staff:
        paper = data.channel.value != "online"
        if paper or data.filled_by_staff or data.arrived_on or data.confirmed_on:
            raise Unprocessable(
                "网上申请只能选择互联网渠道；当面、邮寄、传真申请和代为填写由受理机关工作人员登记，"
                "到达和确认日期也由工作人员填写。",
                code="staff-only-fields",
            )
    for label, day in (("到达日期", data.arrived_on), ("确认日期", data.confirmed_on)):
        if day is not None and day > today:
            raise Unprocessable(f"{label}不能晚于今天（{today}）。", code="date-in-future")
    arrived = data.arrived_on or today
    problem = confirmation_problem(arrived, data.confirmed_on)
    if problem:
        raise Unprocessable(problem + "。", code="confirmation-before-arrival")


async def create(
    session: AsyncSession, ctx: Context, *, caller: Principal, data: RequestCreate
) -> tuple[InfoRequest, str]:
    """Register a request; returns it with its query code (shown to the applicant once)."""
    today = clock.china_today()
    _check_intake_fields(caller, data, today)
    await check_agency(ctx, data.agency_id, "agency_id")
    files = [(a, _decode(a)) for a in data.attachments]
    media_types = [_media_type(content) for _, content in files]
    cipher, applicant = ctx.cipher, data.applicant
    number = f"{today:%Y%m%d}-{_random(6)}"
    query_code = _random(8)
    arrived = data.arrived_on or today
    staff = is_handler(caller, data.agency_id)
    request = InfoRequest(
        tracking_number=number,
        query_code_hash=code_hash(cipher, number, query_code),
        agency_id=data.agency_id,
        state=RequestState.REGISTERED,
        applicant_kind=applicant.kind,
        organisation_type=applicant.organisation_type,
        name_enc=_enc(cipher, applicant.name, "name"),
        name_masked=mask_name(applicant.name)
        if applicant.kind is ApplicantKind.NATURAL_PERSON
        else applicant.name,
        id_type=applicant.id_type,
        id_number_enc=cipher.encrypt(applicant.id_number, purpose="id_number"),
        id_number_hmac=cipher.lookup(applicant.id_number) if applicant.id_number else None,
        id_number_masked=mask_id_number(applicant.id_number) if applicant.id_number else None,
        credit_code=applicant.credit_code,
        legal_representative_enc=cipher.encrypt(
            applicant.legal_representative, purpose="legal_representative"
        ),
        contact_person_enc=cipher.encrypt(applicant.contact_person, purpose="contact_person"),
        phone_enc=cipher.encrypt(applicant.phone, purpose="phone"),
        phone_masked=mask_phone(applicant.phone) if applicant.phone else None,
        email_enc=cipher.encrypt(applicant.email, purpose="email"),
        email_masked=mask_email(applicant.email) if applicant.email else None,
        address_enc=cipher.encrypt(applicant.address, purpose="address"),
        address_masked=mask_text(applicant.address) if applicant.address else None,
        postcode=applicant.postcode,
        title=data.title,
        description=data.description,
        document_number=data.document_number,
        delivery_form=data.delivery_form,
        delivery_way=data.delivery_way,
        channel=data.channel,
        filled_by_staff=data.filled_by_staff,
        registered_by=caller.subject if staff else None,
        submitted_by=None if staff else caller.subject,
        arrived_on=arrived,
        confirmed_on=data.confirmed_on,
        received_on=receipt_date(data.channel, arrived_on=arrived, confirmed_on=data.confirmed_on),
    )
    session.add(request)
    await session.flush()
    for (attachment, content), media_type in zip(files, media_types, strict=True):
        session.add(
            Attachment(
                request_id=request.id,
                kind="identity_proof",
                filename_enc=_enc(cipher, attachment.filename, f"attachment-name:{request.id}"),
                media_type=media_type,
                size=len(content),
                content_enc=cipher.encrypt_bytes(content, purpose=f"attachment:{request.id}"),
            )
        )
    event = RequestEvent(
        request_id=request.id,
        sequence=1,
        action=Action.REGISTER,
        from_state=None,
        to_state=RequestState.REGISTERED,
        actor=actor_of(caller),
        effective_on=arrived,
        data={"channel": data.channel.value, "filled_by_staff": data.filled_by_staff},
    )
    session.add(event)
    calendar = await holidays.calendar(session)
    clock.store(request, _compute(request, [event], calendar, ctx))
    audit(session, caller, "create", request)
    await session.flush()
    return request, query_code


def _enc(cipher: PiiCipher, value: str, purpose: str) -> str:
    token = cipher.encrypt(value, purpose=purpose)
    assert token is not None
    return token


def actor_of(caller: Principal) -> str:
    return caller.subject or "anonymous"


def audit(
    session: AsyncSession,
    caller: Principal,
    action: str,
    request: InfoRequest | None,
    *,
    reason: str | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor=actor_of(caller),
            action=action,
            request_id=request.id if request else None,
            agency_id=request.agency_id if request else None,
            reason=reason,
            detail=detail,
        )
    )


def _compute(
    request: InfoRequest,
    events: Sequence[RequestEvent],
    calendar: WorkdayCalendar,
    ctx: Context,
) -> DueDate:
    try:
        return clock.compute(request, events, calendar=calendar, rules=ctx.settings.clock_rules)
    except CalendarRangeError as exc:
        raise Unprocessable(str(exc), code="date-out-of-range") from None


async def for_staff(session: AsyncSession, caller: Principal, request_id: uuid.UUID) -> InfoRequest:
    """The request, if the caller handles its agency; others learn nothing (404)."""
    request = await repository.get(session, request_id)
    if request is None or not is_handler(caller, request.agency_id):
        raise NotFound("未找到该申请，或您无权查看。", code="request-not-found")
    return request


async def read(
    session: AsyncSession, ctx: Context, *, caller: Principal, request_id: uuid.UUID
) -> RequestRead:
    request = await for_staff(session, caller, request_id)
    audit(session, caller, "read", request)
    return await build_read(session, ctx, request)


async def build_read(session: AsyncSession, ctx: Context, request: InfoRequest) -> RequestRead:
    events = await repository.events(session, request.id)
    calendar = await holidays.calendar(session)
    return views.request_read(
        request,
        clock=_compute(request, events, calendar, ctx),
        events=events,
        attachments=await repository.attachments(session, request.id),
        allowed=allowed_actions(RequestState(request.state)),
    )


async def reveal(
    session: AsyncSession,
    ctx: Context,
    *,
    caller: Principal,
    request_id: uuid.UUID,
    reason: str,
) -> ApplicantRevealed:
    """The applicant's personal data in clear, for the handling agency, audited with the reason."""
    request = await repository.get(session, request_id)
    if request is None:
        raise NotFound("未找到该申请，或您无权查看。", code="request-not-found")
    if not is_handler(caller, request.agency_id):
        raise Forbidden("只有承办机关的工作人员可以查看申请人的个人信息。")
    if request.pii_purged_at is not None:
        raise PersonalDataPurged("该申请已过个人信息保存期限，申请人的个人信息已删除，无法查看。")
    audit(session, caller, "reveal", request, reason=reason)
    c = ctx.cipher
    return ApplicantRevealed(
        kind=ApplicantKind(request.applicant_kind),
        name=c.decrypt(request.name_enc, purpose="name") or "",
        id_type=request.id_type,
        id_number=c.decrypt(request.id_number_enc, purpose="id_number"),
        credit_code=request.credit_code,
        legal_representative=c.decrypt(
            request.legal_representative_enc, purpose="legal_representative"
        ),
        contact_person=c.decrypt(request.contact_person_enc, purpose="contact_person"),
        phone=c.decrypt(request.phone_enc, purpose="phone"),
        email=c.decrypt(request.email_enc, purpose="email"),
        address=c.decrypt(request.address_enc, purpose="address"),
        postcode=request.postcode,
    )


async def attachment_content(
    session: AsyncSession,
    ctx: Context,
    *,
    caller: Principal,
    request_id: uuid.UUID,
    attachment_id: uuid.UUID,
) -> tuple[str, str, bytes]:
    """An identity-proof file (name, media type, content), decrypted for the handling agency."""
    request = await for_staff(session, caller, request_id)
    found = await repository.attachment(session, request.id, attachment_id)
    if found is None:
        raise NotFound("未找到该附件。", code="attachment-not-found")
    audit(session, caller, "attachment", request, detail=f"attachment {found.id}")
    name = ctx.cipher.decrypt(found.filename_enc, purpose=f"attachment-name:{request.id}") or ""
    content = ctx.cipher.decrypt_bytes(found.content_enc, purpose=f"attachment:{request.id}")
    return name, found.media_type, content


async def queue(
    session: AsyncSession,
    *,
    caller: Principal,
    agency_id: uuid.UUID | None,
    states: Sequence[RequestState],
    assignee: str | None,
    due: str | None,
    page: PageParams,
) -> tuple[list[QueueItem], str | None]:
    """Staff queues: by state, assignee, due soon (≤ 3 working days) or overdue; per agency."""
    if agency_id is not None and not is_handler(caller, agency_id):
        raise Forbidden("您无权查看该机关的申请。")
    agencies: list[uuid.UUID] | None
    if agency_id is not None:
        agencies = [agency_id]
    elif caller.is_platform_admin:
        agencies = None
    else:
        agencies = [uuid.UUID(a) for a in caller.agency_ids if _is_uuid(a)]
    today = clock.china_today()
    due_from = due_until = None
    chosen = [s.value for s in states]
    if due is not None:
        chosen = [s.value for s in OPEN_STATES if not states or s in states]
        if due == "soon":
            calendar = await holidays.calendar(session)
            due_from, due_until = today, calendar.add_working_days(today, 3).date
        else:
            due_until = today - dt.timedelta(days=1)
    keys = [column(InfoRequest.due_on), column(InfoRequest.id)]
    after = decode_cursor(page.cursor, keys) if page.cursor else None
    if after is not None and after[0] is None:
        after[0] = dt.date(9999, 12, 31)
    rows = await repository.queue(
        session,
        agency_ids=agencies,
        states=chosen,
        assignee=assignee,
        due_from=due_from,
        due_until=due_until,
        after=after,
        limit=page.limit + 1,
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = encode_cursor([rows[-1].due_on, rows[-1].id]) if more else None
    audit(session, caller, "list", None, detail=f"queue of {len(rows)}")
    return [views.queue_item(r) for r in rows], cursor


async def audit_log(
    session: AsyncSession, *, caller: Principal, request_id: uuid.UUID | None, limit: int
) -> list[AuditRead]:
    """Audit entries of the caller's agencies (all of them for a platform admin)."""
    agencies = (
        None
        if caller.is_platform_admin
        else [uuid.UUID(a) for a in caller.agency_ids if _is_uuid(a)]
    )
    rows = await repository.audit_page(
        session, agency_ids=agencies, request_id=request_id, limit=limit
    )
    return [AuditRead.model_validate(row, from_attributes=True) for row in rows]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _failure_keys(ctx: Context, number: str, client: str) -> tuple[str, str]:
    return (
        "n:" + ctx.cipher.lookup(f"track-number|{number}")[:64],
        "c:" + ctx.cipher.lookup(f"track-client|{client}")[:64],
    )


async def _throttle(session: AsyncSession, ctx: Context, keys: tuple[str, str]) -> None:
    settings = ctx.settings
    window = dt.timedelta(seconds=settings.requests_track_window_seconds)
    since = utcnow() - window
    limits = (
        settings.requests_track_failures_per_number,
        settings.requests_track_failures_per_client,
    )
    counts = await repository.count_failures(session, keys, since)
    for key, limit in zip(keys, limits, strict=True):
        if counts.get(key, 0) >= limit:
            oldest = await repository.oldest_failure(session, key, since) or utcnow()
            retry = max(int((oldest + window - utcnow()).total_seconds()) + 1, 1)
            raise TooManyRequests(
                f"查询码错误次数过多，请 {retry // 60 + 1} 分钟后再试。",
                headers={"Retry-After": str(retry)},
                code="track-throttled",
            )


async def forget_old_failures(session: AsyncSession, *, ctx_settings: RequestsSettings) -> None:
    """Wrong attempts older than the window no longer count; drop them."""
    window = dt.timedelta(seconds=ctx_settings.requests_track_window_seconds)
    await repository.delete_failures_before(session, utcnow() - window)


async def verify_tracking(
    session: AsyncSession, ctx: Context, *, number: str, code: str, client: str
) -> InfoRequest:
    """The request whose number and code these are; a wrong pair counts towards throttling."""
    number, code = number.strip().upper(), code.strip().upper()
    keys = _failure_keys(ctx, number, client)
    await _throttle(session, ctx, keys)
    request = None
    if NUMBER_PATTERN.match(number) and CODE_PATTERN.match(code):
        request = await repository.by_tracking_number(session, number)
    expected = request.query_code_hash if request is not None else "0" * 64
    given = code_hash(ctx.cipher, number, code)
    if request is None or not hmac.compare_digest(expected, given):
        if ctx.record_failures is not None:
            await ctx.record_failures(list(keys))
        raise NotFound(NOT_FOUND_TRACK, code="request-not-found")
    return request


async def track(session: AsyncSession, ctx: Context, *, request_id: uuid.UUID) -> TrackRead:
    """The state, due date and reply of one request whose number and code were verified."""
    request = await repository.get(session, request_id)
    if request is None:  # purged or deleted since it was verified
        raise NotFound(NOT_FOUND_TRACK, code="request-not-found")
    audit(session, Principal(subject="tracking"), "track", request)
    events = await repository.events(session, request.id)
    calendar = await holidays.calendar(session)
    return views.track_read(request, clock=_compute(request, events, calendar, ctx), events=events)


def fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
