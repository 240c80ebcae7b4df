"""The letters of a request (答复书, 补正/延期告知书, 征求意见函, 收费通知书), from its events.

Each letter belongs to the event that sent it; its content is filled from the request and the
event, and rendered by ``services.requests.letters``. The applicant receives every letter but
the consultation letter, which goes to the third party and is for staff only.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import NotFound
from services.common.workdays import WorkdayCalendar
from services.requests import letters
from services.requests.applications import clock, repository
from services.requests.applications.models import InfoRequest, RequestEvent
from services.requests.applications.service import Context, check_agency
from services.requests.holidays import service as holidays
from services.requests.replies import RefusalGround, ReplyType
from services.requests.workflow import Action

LETTER_OF = {
    Action.REQUEST_CLARIFICATION: letters.LetterKind.CLARIFICATION_NOTICE,
    Action.EXTEND: letters.LetterKind.EXTENSION_NOTICE,
    Action.START_CONSULTATION: letters.LetterKind.CONSULTATION_LETTER,
    Action.NOTIFY_FEE: letters.LetterKind.FEE_NOTICE,
    Action.DELIVER: letters.LetterKind.REPLY,
}
STAFF_ONLY = frozenset({letters.LetterKind.CONSULTATION_LETTER})

# Our reply types → the letter templates; those without a template get no letter (yet).
REPLY_LETTERS = {
    ReplyType.ALREADY_PUBLIC: letters.ReplyType.ALREADY_PUBLIC,
    ReplyType.GRANTED: letters.ReplyType.GRANTED,
    ReplyType.PARTLY: letters.ReplyType.PARTLY,
    ReplyType.REFUSED: letters.ReplyType.REFUSED,
    ReplyType.NOT_HELD: letters.ReplyType.NOT_HELD,
    ReplyType.NOT_OURS: letters.ReplyType.NOT_OURS,
    ReplyType.NEEDS_CREATION: letters.ReplyType.NEEDS_CREATION,
    ReplyType.REPEAT: letters.ReplyType.REPEAT,
    ReplyType.PETITION: letters.ReplyType.PETITION,
    ReplyType.PUBLICATION: letters.ReplyType.PUBLICATION,
    ReplyType.EXCESSIVE: letters.ReplyType.EXCESSIVE,
    ReplyType.SPECIAL_STATUTORY: letters.ReplyType.SPECIAL_STATUTORY,
}
GROUND_LETTERS = {
    RefusalGround.STATE_SECRET: letters.RefusalGround.STATE_SECRET,
    RefusalGround.LAW_PROHIBITS: letters.RefusalGround.LAW_PROHIBITS,
    RefusalGround.SECURITY_STABILITY: letters.RefusalGround.SECURITY_STABILITY,
    RefusalGround.THIRD_PARTY: letters.RefusalGround.THIRD_PARTY,
    RefusalGround.INTERNAL_AFFAIRS: letters.RefusalGround.INTERNAL_AFFAIRS,
    RefusalGround.PROCESS_INFORMATION: letters.RefusalGround.PROCESS_INFORMATION,
    RefusalGround.ENFORCEMENT_FILES: letters.RefusalGround.ENFORCEMENT_FILES,
    RefusalGround.ADMINISTRATIVE_QUERY: letters.RefusalGround.ADMINISTRATIVE_QUERY,
}


class LetterInfo(BaseModel):
    sequence: int
    kind: letters.LetterKind
    label: str
    issued_on: dt.date | None
    formats: list[letters.LetterFormat]


@dataclass(frozen=True)
class _Source:
    event: RequestEvent
    kind: letters.LetterKind


def _sources(request: InfoRequest, events: Sequence[RequestEvent], *, staff: bool) -> list[_Source]:
    found = []
    for event in events:
        kind = LETTER_OF.get(Action(event.action))
        if kind is None or (kind in STAFF_ONLY and not staff):
            continue
        if kind is letters.LetterKind.REPLY and (
            request.reply_type is None or ReplyType(request.reply_type) not in REPLY_LETTERS
        ):
            continue
        found.append(_Source(event, kind))
    return found


async def available(
    session: AsyncSession, request: InfoRequest, *, staff: bool
) -> list[LetterInfo]:
    events = await repository.events(session, request.id)
    return [
        LetterInfo(
            sequence=s.event.sequence,
            kind=s.kind,
            label=letters.LETTER_KIND_LABELS[s.kind],
            issued_on=s.event.effective_on,
            formats=list(letters.LetterFormat),
        )
        for s in _sources(request, events, staff=staff)
    ]


async def render(
    session: AsyncSession,
    ctx: Context,
    request: InfoRequest,
    *,
    sequence: int,
    letter_format: letters.LetterFormat,
    staff: bool,
) -> letters.RenderedLetter:
    """The letter sent with event ``sequence``, as DOCX or PDF."""
    events = await repository.events(session, request.id)
    source = next(
        (s for s in _sources(request, events, staff=staff) if s.event.sequence == sequence), None
    )
    if source is None:
        raise NotFound("该申请没有这份文书。", code="letter-not-found")
    agency = await check_agency(ctx, request.agency_id, "agency_id")
    calendar = await holidays.calendar(session)
    context = _context(request, events, source, agency, calendar, ctx)
    return letters.render_letter(context, letter_format)


def _due_after(
    request: InfoRequest,
    events: Sequence[RequestEvent],
    upto: int,
    calendar: WorkdayCalendar,
    ctx: Context,
) -> dt.date | None:
    """The due date as it stood once the first ``upto`` events had happened."""
    prefix = [e for e in events if e.sequence <= upto]
    return clock.compute(request, prefix, calendar=calendar, rules=ctx.settings.clock_rules).due_on


def _context(
    request: InfoRequest,
    events: Sequence[RequestEvent],
    source: _Source,
    agency: dict[str, object],
    calendar: WorkdayCalendar,
    ctx: Context,
) -> letters.LetterContext:
    event, kind, data = source.event, source.kind, source.event.data
    contact = agency.get("contact")
    phone = contact.get("phone") if isinstance(contact, dict) else None
    fields: dict[str, object] = {
        "kind": kind,
        "agency_name": str(agency.get("name")),
        "contact": f"联系电话：{phone}" if phone else None,
        "applicant_name": ctx.cipher.decrypt(request.name_enc, purpose="name"),
        "tracking_number": request.tracking_number,
        "received_on": request.received_on or request.arrived_on,
        "issued_on": event.effective_on or request.arrived_on,
        "request_description": request.title or request.description,
        "reason": event.reason,
    }
    if kind is letters.LetterKind.CLARIFICATION_NOTICE:
        fields["clarification_items"] = "；".join(str(i) for i in data.get("items", []))
        fields["correction_due_on"] = dt.date.fromisoformat(str(data["correct_by"]))
    elif kind is letters.LetterKind.EXTENSION_NOTICE:
        fields["due_on"] = _due_after(request, events, event.sequence - 1, calendar, ctx)
        fields["extended_due_on"] = _due_after(request, events, event.sequence, calendar, ctx)
        fields["extension_reason"] = event.reason
        fields["reason"] = None
    elif kind is letters.LetterKind.CONSULTATION_LETTER:
        fields["third_party_name"] = str(data.get("party"))
        fields["consultation_due_on"] = dt.date.fromisoformat(str(data["answer_by"]))
    elif kind is letters.LetterKind.FEE_NOTICE:
        fields["fee_amount_yuan"] = data.get("amount")
        fields["fee_explanation"] = list(data.get("explanation", []))
        fields["payment_due_on"] = dt.date.fromisoformat(str(data["pay_by"]))
        fields["payment_method"] = data.get("payment_method")
    else:
        reply = ReplyType(str(request.reply_type))
        fields["reply_type"] = REPLY_LETTERS[reply]
        if request.refusal_ground:
            fields["refusal_ground"] = GROUND_LETTERS[RefusalGround(request.refusal_ground)]
        fields["reason"] = request.reply_text
        files = "；".join(str(f.get("title")) for f in request.disclosed_files)
        fields["how_to_obtain"] = f"随本答复书提供：{files}" if files else None
        fields["responsible_agency_name"] = request.responsible_agency_name
        fields["responsible_agency_contact"] = request.responsible_agency_contact
    return letters.LetterContext.model_validate(fields)
