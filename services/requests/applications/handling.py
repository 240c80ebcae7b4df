"""The handling actions: each one checks the law's conditions, moves the state machine and is
recorded as an event with actor, date, reason and documents; the due date is then recomputed."""

import datetime as dt
import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from services.common.workdays import WorkdayCalendar
from services.requests.applications import clock, repository
from services.requests.applications import schemas as s
from services.requests.applications.models import InfoRequest, RequestEvent
from services.requests.applications.service import (
    Context,
    audit,
    check_agency,
    is_handler,
)
from services.requests.deadlines import (
    CLARIFICATION_NOTICE_DAYS,
    clarification_window_ends,
    consultation_window_ends,
)
from services.requests.errors import PreconditionRequired
from services.requests.fees import FeeBasis, FeeInput, MonthlyRequest, assess_fee, month_positions
from services.requests.holidays import service as holidays
from services.requests.receipt import NEEDS_CONFIRMATION, Channel, receipt_date
from services.requests.replies import DECISION_TYPES, NEEDS_GROUND, REPLIES, ReplyType
from services.requests.workflow import (
    ACTION_LABELS,
    Action,
    IllegalTransition,
    RequestState,
    next_state,
)


def etag(request: InfoRequest) -> str:
    return f'"{request.id}-{request.version}"'


def _check_if_match(request: InfoRequest, if_match: str | None) -> None:
    if not if_match:
        raise PreconditionRequired(
            "办理操作须带 If-Match 请求头（取自读取申请时的 ETag），以免覆盖他人的修改。"
        )
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if etag(request) not in tags and "*" not in tags:
        raise PreconditionFailed("该申请已被他人更新，请重新读取后再操作。", code="request-changed")


class _Step:
    """One action in progress: the request, its events, the calendar and its date."""

    def __init__(
        self,
        request: InfoRequest,
        events: list[RequestEvent],
        calendar: WorkdayCalendar,
        ctx: Context,
        on: dt.date,
        session: AsyncSession,
    ) -> None:
        self.request, self.events, self.calendar, self.ctx, self.on = (
            request,
            events,
            calendar,
            ctx,
            on,
        )
        self.session = session
        self.data: dict[str, Any] = {}
        self.target: RequestState | None = None

    def last(self, action: Action) -> RequestEvent | None:
        found = [e for e in self.events if e.action == action]
        return found[-1] if found else None

    def add_days(self, days: int) -> dt.date:
        return self.calendar.add_working_days(self.on, days).date


async def transition(
    session: AsyncSession,
    ctx: Context,
    *,
    caller: Principal,
    request_id: uuid.UUID,
    body: s.Transition,
    if_match: str | None,
) -> InfoRequest:
    """Take one handling action on a request."""
    request = await repository.get_for_update(session, request_id)
    if request is None or not is_handler(caller, request.agency_id):
        raise NotFound("未找到该申请，或您无权办理。", code="request-not-found")
    _check_if_match(request, if_match)
    return await apply(session, ctx, request=request, caller=caller, body=body)


async def withdraw_by_applicant(
    session: AsyncSession, ctx: Context, *, request_id: uuid.UUID, reason: str
) -> InfoRequest:
    """The applicant withdraws their own request (identified by number and query code)."""
    locked = await repository.get_for_update(session, request_id)
    if locked is None:
        raise NotFound("未找到该申请。", code="request-not-found")
    body = s.Withdraw(action=Action.WITHDRAW, reason=reason)
    return await apply(session, ctx, request=locked, caller=APPLICANT, body=body)


APPLICANT = Principal(subject="applicant")


async def apply(
    session: AsyncSession,
    ctx: Context,
    *,
    request: InfoRequest,
    caller: Principal,
    body: s.Transition,
) -> InfoRequest:
    """Check the action against the state and the law, record it, recompute the clock."""
    action = Action(body.action)
    state = RequestState(request.state)
    try:
        target = next_state(state, action)
    except IllegalTransition as exc:
        raise Conflict(str(exc), code="illegal-transition") from None
    events = await repository.events(session, request.id)
    today = clock.china_today()
    on = body.on or today
    _check_date(on, today, events)
    calendar = await holidays.calendar(session)
    step = _Step(request, events, calendar, ctx, on, session)
    step.target = target
    await RULES[action](step, body)
    event = RequestEvent(
        request_id=request.id,
        sequence=len(events) + 1,
        action=action,
        from_state=state,
        to_state=step.target,
        actor=caller.subject or "unknown",
        effective_on=on,
        reason=body.reason,
        documents=[d.model_dump(mode="json") for d in body.documents],
        data=step.data,
    )
    session.add(event)
    request.state = step.target
    request.version += 1
    request.updated_at = utcnow()
    try:
        result = clock.compute(
            request, [*events, event], calendar=calendar, rules=ctx.settings.clock_rules
        )
    except ValueError as exc:
        raise Unprocessable(str(exc), code="date-out-of-range") from None
    clock.store(request, result)
    session.add(request)
    audit(session, caller, action.value, request)
    await session.flush()
    return request


def _check_date(on: dt.date, today: dt.date, events: list[RequestEvent]) -> None:
    if on > today:
        raise Unprocessable(f"办理日期不能晚于今天（{today}）。", code="date-in-future")
    latest = max((e.effective_on for e in events if e.effective_on), default=None)
    if latest is not None and on < latest:
        raise Unprocessable(
            f"办理日期不能早于上一步的日期（{latest}），请按办理顺序登记。",
            code="date-before-previous-step",
        )


def _need_receipt(step: _Step) -> dt.date:
    if step.request.received_on is None:
        raise Unprocessable(
            "网上、传真和平常信函申请须先与申请人确认收到，才能办理此步骤。",
            code="receipt-not-confirmed",
        )
    return step.request.received_on


async def _confirm(step: _Step, body: s.ConfirmReceipt) -> None:
    request = step.request
    channel = Channel(request.channel)
    if channel not in NEEDS_CONFIRMATION:
        raise Unprocessable("当面提交和需签收的邮寄申请无需确认，到达之日即为收到之日。")
    if request.confirmed_on is not None:
        raise Conflict(f"已于 {request.confirmed_on} 确认收到申请。", code="already-confirmed")
    request.confirmed_on = step.on
    request.received_on = receipt_date(channel, arrived_on=request.arrived_on, confirmed_on=step.on)
    step.data = {"confirmed_on": step.on.isoformat()}


async def _accept(step: _Step, body: s.Accept) -> None:
    _need_receipt(step)


async def _assign(step: _Step, body: s.Assign) -> None:
    step.request.assignee = body.assignee
    step.data = {"assignee": body.assignee}


async def _clarify(step: _Step, body: s.RequestClarification) -> None:
    received = _need_receipt(step)
    if step.last(Action.REQUEST_CLARIFICATION) is not None:
        raise Conflict(
            "补正通知只能发一次，应一次性告知需要补正的全部事项（条例第三十条）。",
            code="clarification-once",
        )
    window = clarification_window_ends(received, step.calendar)
    if step.on > window:
        raise Unprocessable(
            f"补正通知应在收到申请之日起 {CLARIFICATION_NOTICE_DAYS} 个工作日内发出"
            f"（本件至 {window}），已经超过。",
            code="clarification-too-late",
        )
    step.data = {
        "items": list(body.items),
        "correct_within_days": body.correct_within_days,
        "correct_by": step.add_days(body.correct_within_days).isoformat(),
    }


async def _clarified(step: _Step, body: s.ReceiveClarification) -> None:
    if body.description:
        step.request.description = body.description
    step.data = {"description_changed": bool(body.description)}


async def _consult(step: _Step, body: s.StartConsultation) -> None:
    step.data = {
        "consultation_id": uuid.uuid4().hex[:12],
        "kind": body.kind,
        "party": body.party,
        "answer_by": consultation_window_ends(step.on, step.calendar).isoformat(),
    }


def _open_consultations(step: _Step) -> set[str]:
    opened = {
        str(e.data.get("consultation_id"))
        for e in step.events
        if e.action == Action.START_CONSULTATION
    }
    closed = {
        str(e.data.get("consultation_id"))
        for e in step.events
        if e.action == Action.END_CONSULTATION
    }
    return opened - closed


async def _consulted(step: _Step, body: s.EndConsultation) -> None:
    still_open = _open_consultations(step)
    if body.consultation_id not in still_open:
        raise Unprocessable(
            f"没有编号为 {body.consultation_id} 的未结束征求意见，请核对。",
            code="consultation-not-open",
        )
    if len(still_open) > 1:
        step.target = RequestState.CONSULTATION
    step.data = {"consultation_id": body.consultation_id, "opinion": body.opinion}


async def _fee(step: _Step, body: s.NotifyFee) -> None:
    received = _need_receipt(step)
    request = step.request
    prior = 0
    if body.basis is FeeBasis.PER_REQUEST:
        same_month = await repository.same_applicant_in_month(step.session, request, received)
        positions = month_positions(
            [
                MonthlyRequest(str(r.id), "applicant", r.received_on or received)
                for r in sorted(same_month, key=lambda r: (r.received_on, r.created_at, r.id))
            ]
        )
        prior = positions.get(str(request.id), 0)
    assessment = assess_fee(
        FeeInput(
            basis=body.basis,
            received_on=received,
            prior_items_this_month=prior,
            items=body.items,
            pages=body.pages,
            delivery=body.delivery,
        )
    )
    if not assessment.payable:
        raise Unprocessable(
            "按国办函〔2020〕109号的标准本件不收取信息处理费，无需发出收费通知："
            + "".join(assessment.explanation),
            code="no-fee-due",
        )
    days = step.ctx.settings.requests_fee_payment_days
    request.fee_amount = assessment.amount_yuan
    step.data = {
        "basis": body.basis.value,
        "amount": assessment.amount_yuan,
        "items": body.items,
        "pages": body.pages,
        "explanation": assessment.explanation,
        "payment_method": body.payment_method,
        "pay_by": step.add_days(days).isoformat(),
    }


async def _paid(step: _Step, body: s.RecordPayment) -> None:
    notice = step.last(Action.NOTIFY_FEE)
    step.data = {"amount": notice.data.get("amount") if notice else None}


async def _extend(step: _Step, body: s.Extend) -> None:
    if step.last(Action.EXTEND) is not None:
        raise Conflict("答复期限只能延长一次（条例第三十三条）。", code="extension-once")
    due = step.request.due_on
    if due is not None and step.on > due:
        raise Unprocessable(
            f"答复期限已于 {due} 届满，不能再延长；延期须在期限届满前决定并告知申请人。",
            code="extension-too-late",
        )
    step.data = {"days": body.days, "approver": body.approver}


async def _ask_reasons(step: _Step, body: s.AskReasons) -> None:
    step.data = {"article": "第三十五条"}


async def _later_date(step: _Step, body: s.SetLaterDate) -> None:
    due = step.request.due_on
    if due is not None and body.due_on <= due:
        raise Unprocessable(
            f"依第三十五条确定的答复期限应晚于当前期限（{due}）。", code="later-date-not-later"
        )
    step.data = {"due_on": body.due_on.isoformat(), "article": "第三十五条"}


async def _propose(step: _Step, body: s.Propose) -> None:
    step.data = {"opinion": body.opinion}


async def _decide(step: _Step, body: s.Decide) -> None:
    reply = body.reply_type
    if reply not in DECISION_TYPES:
        raise Unprocessable(
            f"“{REPLIES[reply].label}”由办理流程产生（撤回、终止办理），不能作为答复决定。",
            code="reply-type-not-a-decision",
        )
    if reply in NEEDS_GROUND and body.refusal_ground is None:
        raise Unprocessable(
            "不予公开和部分公开须写明不予公开部分的理由（refusal_ground）。",
            code="refusal-ground-required",
        )
    if reply not in NEEDS_GROUND and body.refusal_ground is not None:
        raise Unprocessable(
            "只有不予公开和部分公开需要填写不予公开的理由。", code="refusal-ground-unexpected"
        )
    if reply in {ReplyType.GRANTED, ReplyType.PARTLY} and not body.disclosed_files:
        raise Unprocessable(
            "予以公开和部分公开须附上提供的信息（disclosed_files）。", code="files-required"
        )
    name, contact = body.responsible_agency_name, body.responsible_agency_contact
    if body.responsible_agency_id is not None:
        agency = await check_agency(step.ctx, body.responsible_agency_id, "responsible_agency_id")
        name = name or str(agency.get("name"))
        phone = agency.get("contact")
        if contact is None and isinstance(phone, dict) and phone.get("phone"):
            contact = str(phone["phone"])
    if reply is ReplyType.NOT_OURS and not name:
        raise Unprocessable(
            "答复“不属于本机关负责公开”时，能够确定负责机关的，应告知其名称和联系方式"
            "（responsible_agency_id 或 responsible_agency_name）。",
            code="responsible-agency-required",
        )
    request = step.request
    request.reply_type = reply
    request.refusal_ground = body.refusal_ground
    request.reply_text = body.reply_text
    request.disclosed_files = [f.model_dump(mode="json") for f in body.disclosed_files]
    request.responsible_agency_id = body.responsible_agency_id
    request.responsible_agency_name = name
    request.responsible_agency_contact = contact
    step.data = {"reply_type": reply.value, "refusal_ground": body.refusal_ground}


async def _submit(step: _Step, body: s.SubmitForApproval) -> None:
    if step.request.reply_type is None:
        raise Unprocessable("报批前须先作出答复决定。", code="no-decision")


async def _return(step: _Step, body: s.ReturnForRevision) -> None:
    step.data = {}


async def _deliver(step: _Step, body: s.Deliver) -> None:
    step.request.closed_on = step.on
    step.data = {
        "approver": body.approver,
        "delivery_way": (body.delivery_way or step.request.delivery_way),
    }


async def _archive(step: _Step, body: s.Archive) -> None:
    step.data = {}


async def _withdraw(step: _Step, body: s.Withdraw) -> None:
    request = step.request
    request.reply_type = ReplyType.WITHDRAWN
    request.refusal_ground = None
    request.closed_on = step.on
    step.data = {}


async def _abandon(step: _Step, body: s.Abandon) -> None:
    request = step.request
    if request.state == RequestState.CLARIFICATION:
        notice = step.last(Action.REQUEST_CLARIFICATION)
        deadline = dt.date.fromisoformat(str(notice.data["correct_by"])) if notice else step.on
        ending = ReplyType.NO_CORRECTION
        what = "补正"
    else:
        notice = step.last(Action.NOTIFY_FEE)
        deadline = dt.date.fromisoformat(str(notice.data["pay_by"])) if notice else step.on
        ending = ReplyType.FEE_UNPAID
        what = "缴费"
    if step.on <= deadline:
        raise Unprocessable(
            f"{what}期限至 {deadline} 届满，期满后申请人仍未{what}的，才能终止办理。",
            code="deadline-not-passed",
        )
    request.reply_type = ending
    request.refusal_ground = None
    request.closed_on = step.on
    step.data = {"ending": ending.value, "deadline": deadline.isoformat()}


RULES: dict[Action, Any] = {
    Action.CONFIRM_RECEIPT: _confirm,
    Action.ACCEPT: _accept,
    Action.ASSIGN: _assign,
    Action.REQUEST_CLARIFICATION: _clarify,
    Action.RECEIVE_CLARIFICATION: _clarified,
    Action.START_CONSULTATION: _consult,
    Action.END_CONSULTATION: _consulted,
    Action.NOTIFY_FEE: _fee,
    Action.RECORD_PAYMENT: _paid,
    Action.EXTEND: _extend,
    Action.ASK_REASONS: _ask_reasons,
    Action.SET_LATER_DATE: _later_date,
    Action.PROPOSE: _propose,
    Action.DECIDE: _decide,
    Action.SUBMIT_FOR_APPROVAL: _submit,
    Action.RETURN_FOR_REVISION: _return,
    Action.DELIVER: _deliver,
    Action.ARCHIVE: _archive,
    Action.WITHDRAW: _withdraw,
    Action.ABANDON: _abandon,
}
assert set(RULES) == set(ACTION_LABELS) - {Action.REGISTER}
