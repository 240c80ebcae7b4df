"""What each audience sees of a request: staff (masked), the applicant by tracking (masked)."""

from collections.abc import Sequence

from services.requests.applications.models import (
    APPLICANT_KIND_LABELS,
    ApplicantKind,
    Attachment,
    DeliveryForm,
    DeliveryWay,
    IdType,
    InfoRequest,
    OrganisationType,
    RequestEvent,
)
from services.requests.applications.schemas import (
    ApplicantMasked,
    AttachmentInfo,
    ClockRead,
    EventRead,
    NoticeRead,
    QueueItem,
    ReplyRead,
    ReportRowRead,
    RequestRead,
    StepRead,
    TrackRead,
)
from services.requests.deadlines import DueDate
from services.requests.receipt import CHANNEL_LABELS, RECEIPT_RULES, Channel
from services.requests.replies import (
    COLUMN_LABELS,
    REPLIES,
    ApplicantColumn,
    RefusalGround,
    ReplyType,
    legal_basis,
    request_rows,
)
from services.requests.workflow import ACTION_LABELS, STATE_LABELS, Action, RequestState

# What the applicant is told along the way (letters they receive), shown by tracking.
APPLICANT_NOTICES = frozenset(
    {
        Action.CONFIRM_RECEIPT,
        Action.ACCEPT,
        Action.REQUEST_CLARIFICATION,
        Action.RECEIVE_CLARIFICATION,
        Action.NOTIFY_FEE,
        Action.RECORD_PAYMENT,
        Action.EXTEND,
        Action.ASK_REASONS,
        Action.SET_LATER_DATE,
        Action.DELIVER,
        Action.WITHDRAW,
        Action.ABANDON,
    }
)


def clock_read(request: InfoRequest, clock: DueDate) -> ClockRead:
    return ClockRead(
        received_on=request.received_on,
        due_on=clock.due_on,
        statutory_on=clock.statutory_on,
        days_left=clock.days_left,
        provisional=clock.provisional,
        provisional_years=list(clock.provisional_years),
        stopped=clock.stopped,
        explanation=[StepRead(on=s.on, text=s.text) for s in clock.explanation],
    )


def applicant_column(request: InfoRequest) -> ApplicantColumn:
    if request.applicant_kind == ApplicantKind.NATURAL_PERSON:
        return ApplicantColumn.NATURAL_PERSON
    return ApplicantColumn(request.organisation_type or ApplicantColumn.OTHER)


def reply_read(request: InfoRequest) -> ReplyRead | None:
    if request.reply_type is None:
        return None
    reply_type = ReplyType(request.reply_type)
    ground = RefusalGround(request.refusal_ground) if request.refusal_ground else None
    return ReplyRead(
        reply_type=reply_type,
        label=REPLIES[reply_type].label,
        refusal_ground=ground,
        legal_basis=legal_basis(reply_type, ground),
        text=request.reply_text,
        disclosed_files=list(request.disclosed_files),
        responsible_agency_name=request.responsible_agency_name,
        responsible_agency_contact=request.responsible_agency_contact,
    )


def report_rows(request: InfoRequest) -> list[ReportRowRead]:
    """The rows of the year the request was closed in (or, while open, received in)."""
    year_of = request.closed_on or request.received_on
    if year_of is None:
        return []
    rows = request_rows(
        received_on=request.received_on,
        closed_on=request.closed_on,
        reply_type=ReplyType(request.reply_type) if request.reply_type else None,
        ground=RefusalGround(request.refusal_ground) if request.refusal_ground else None,
        report_year=year_of.year,
    )
    return [ReportRowRead(key=r.key, label=r.label) for r in rows]


def masked_applicant(request: InfoRequest) -> ApplicantMasked:
    kind = ApplicantKind(request.applicant_kind)
    return ApplicantMasked(
        kind=kind,
        kind_label=APPLICANT_KIND_LABELS[kind],
        organisation_type=OrganisationType(request.organisation_type)
        if request.organisation_type
        else None,
        name=request.name_masked,
        id_type=IdType(request.id_type) if request.id_type else None,
        id_number=request.id_number_masked,
        credit_code=request.credit_code,
        phone=request.phone_masked,
        email=request.email_masked,
        address=request.address_masked,
    )


def request_read(
    request: InfoRequest,
    *,
    clock: DueDate,
    events: Sequence[RequestEvent],
    attachments: Sequence[Attachment],
    allowed: Sequence[Action],
) -> RequestRead:
    state = RequestState(request.state)
    channel = Channel(request.channel)
    return RequestRead(
        id=request.id,
        tracking_number=request.tracking_number,
        agency_id=request.agency_id,
        state=state,
        state_label=STATE_LABELS[state],
        version=request.version,
        applicant=masked_applicant(request),
        title=request.title,
        description=request.description,
        document_number=request.document_number,
        delivery_form=DeliveryForm(request.delivery_form),
        delivery_way=DeliveryWay(request.delivery_way),
        channel=channel,
        channel_label=CHANNEL_LABELS[channel],
        receipt_rule=RECEIPT_RULES[channel],
        filled_by_staff=request.filled_by_staff,
        arrived_on=request.arrived_on,
        confirmed_on=request.confirmed_on,
        assignee=request.assignee,
        clock=clock_read(request, clock),
        reply=reply_read(request),
        fee_amount=request.fee_amount,
        closed_on=request.closed_on,
        annual_report_column=COLUMN_LABELS[applicant_column(request)],
        annual_report_rows=report_rows(request),
        allowed_actions=list(allowed),
        attachments=[
            AttachmentInfo(id=a.id, kind=a.kind, media_type=a.media_type, size=a.size)
            for a in attachments
        ],
        events=[event_read(e) for e in events],
    )


def event_read(event: RequestEvent) -> EventRead:
    return EventRead(
        sequence=event.sequence,
        action=event.action,
        action_label=ACTION_LABELS[Action(event.action)],
        from_state=event.from_state,
        to_state=event.to_state,
        actor=event.actor,
        at=event.at,
        effective_on=event.effective_on,
        reason=event.reason,
        documents=list(event.documents),
        data=dict(event.data),
    )


def queue_item(request: InfoRequest) -> QueueItem:
    state = RequestState(request.state)
    return QueueItem(
        id=request.id,
        tracking_number=request.tracking_number,
        agency_id=request.agency_id,
        state=state,
        state_label=STATE_LABELS[state],
        applicant_name=request.name_masked,
        title=request.title,
        received_on=request.received_on,
        due_on=request.due_on,
        due_provisional=request.due_provisional,
        clock_stopped=request.clock_stopped,
        assignee=request.assignee,
    )


def track_read(
    request: InfoRequest, *, clock: DueDate, events: Sequence[RequestEvent]
) -> TrackRead:
    state = RequestState(request.state)
    delivered = [e for e in events if e.action == Action.DELIVER]
    finished = state in {RequestState.DELIVERED, RequestState.ARCHIVED}
    return TrackRead(
        tracking_number=request.tracking_number,
        applicant_name=request.name_masked,
        state=state,
        state_label=STATE_LABELS[state],
        received_on=request.received_on,
        due_on=clock.due_on,
        days_left=clock.days_left,
        due_provisional=clock.provisional,
        clock_stopped=clock.stopped,
        notices=[
            NoticeRead(
                on=e.effective_on, label=ACTION_LABELS[Action(e.action)], text=_notice_text(e)
            )
            for e in events
            if Action(e.action) in APPLICANT_NOTICES
        ],
        # The reply is the applicant's only once it has been delivered (送达).
        reply=reply_read(request) if finished else None,
        delivered_on=delivered[-1].effective_on if delivered else None,
    )


def _notice_text(event: RequestEvent) -> str | None:
    data = event.data
    action = Action(event.action)
    if action is Action.REQUEST_CLARIFICATION:
        items = "；".join(str(i) for i in data.get("items", []))
        return f"请于 {data.get('correct_by')} 前补正：{items}"
    if action is Action.NOTIFY_FEE:
        return f"信息处理费 {data.get('amount')} 元，请于 {data.get('pay_by')} 前缴纳"
    if action is Action.EXTEND:
        return f"答复期限延长 {data.get('days')} 个工作日"
    if action is Action.SET_LATER_DATE:
        return f"答复期限确定为 {data.get('due_on')}"
    if action in {Action.ASK_REASONS, Action.ABANDON}:
        return event.reason
    return None
