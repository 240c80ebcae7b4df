"""The handling steps of a request as an explicit state machine (domain.md §1.4, 条例 Art. 45).

登记 → 受理 → (补正) → (征求意见) → 提出办理意见 → 作出决定 → 报批 → 送达 → 归档, with withdrawal
(撤回) and abandonment (逾期不补正、逾期不缴费) from any open step. Actions that do not change the
state (confirming receipt, extension, assignment, Art. 35 steps) are events all the same.
"""

from enum import StrEnum


class RequestState(StrEnum):
    """办理状态."""

    REGISTERED = "registered"
    ACCEPTED = "accepted"
    CLARIFICATION = "clarification"
    CONSULTATION = "consultation"
    FEE_PENDING = "fee_pending"
    PROPOSED = "proposed"
    DECIDED = "decided"
    APPROVAL = "approval"
    DELIVERED = "delivered"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"
    ABANDONED = "abandoned"


STATE_LABELS = {
    RequestState.REGISTERED: "登记",
    RequestState.ACCEPTED: "受理",
    RequestState.CLARIFICATION: "补正",
    RequestState.CONSULTATION: "征求意见",
    RequestState.FEE_PENDING: "待缴费",
    RequestState.PROPOSED: "提出办理意见",
    RequestState.DECIDED: "作出决定",
    RequestState.APPROVAL: "报批",
    RequestState.DELIVERED: "送达",
    RequestState.ARCHIVED: "归档",
    RequestState.WITHDRAWN: "撤回",
    RequestState.ABANDONED: "终止办理",
}

# The reply clock runs (or is paused) in these states; the others are finished.
OPEN_STATES = frozenset(
    {
        RequestState.REGISTERED,
        RequestState.ACCEPTED,
        RequestState.CLARIFICATION,
        RequestState.CONSULTATION,
        RequestState.FEE_PENDING,
        RequestState.PROPOSED,
        RequestState.DECIDED,
        RequestState.APPROVAL,
    }
)
FINISHED_STATES = frozenset(RequestState) - OPEN_STATES


class Action(StrEnum):
    """办理动作."""

    REGISTER = "register"
    CONFIRM_RECEIPT = "confirm_receipt"
    ACCEPT = "accept"
    ASSIGN = "assign"
    REQUEST_CLARIFICATION = "request_clarification"
    RECEIVE_CLARIFICATION = "receive_clarification"
    START_CONSULTATION = "start_consultation"
    END_CONSULTATION = "end_consultation"
    NOTIFY_FEE = "notify_fee"
    RECORD_PAYMENT = "record_payment"
    EXTEND = "extend"
    ASK_REASONS = "ask_reasons"
    SET_LATER_DATE = "set_later_date"
    PROPOSE = "propose"
    DECIDE = "decide"
    SUBMIT_FOR_APPROVAL = "submit_for_approval"
    RETURN_FOR_REVISION = "return_for_revision"
    DELIVER = "deliver"
    ARCHIVE = "archive"
    WITHDRAW = "withdraw"
    ABANDON = "abandon"


ACTION_LABELS = {
    Action.REGISTER: "登记",
    Action.CONFIRM_RECEIPT: "确认收到申请",
    Action.ACCEPT: "受理",
    Action.ASSIGN: "分办",
    Action.REQUEST_CLARIFICATION: "发出补正通知",
    Action.RECEIVE_CLARIFICATION: "收到补正",
    Action.START_CONSULTATION: "征求意见",
    Action.END_CONSULTATION: "收到意见或征求意见期满",
    Action.NOTIFY_FEE: "发出收费通知",
    Action.RECORD_PAYMENT: "确认缴费",
    Action.EXTEND: "延长答复期限",
    Action.ASK_REASONS: "要求说明理由（第三十五条）",
    Action.SET_LATER_DATE: "确定延后答复期限（第三十五条）",
    Action.PROPOSE: "提出办理意见",
    Action.DECIDE: "作出决定",
    Action.SUBMIT_FOR_APPROVAL: "报批",
    Action.RETURN_FOR_REVISION: "退回修改",
    Action.DELIVER: "送达",
    Action.ARCHIVE: "归档",
    Action.WITHDRAW: "申请人撤回申请",
    Action.ABANDON: "终止办理（逾期未补正或未缴费）",
}

S = RequestState
HANDLING = frozenset({S.ACCEPTED, S.CONSULTATION, S.PROPOSED, S.DECIDED, S.APPROVAL})

# From which states each action may be taken, and the state it leads to (None: unchanged).
TRANSITIONS: dict[Action, tuple[frozenset[RequestState], RequestState | None]] = {
    Action.CONFIRM_RECEIPT: (frozenset({S.REGISTERED}), None),
    Action.ACCEPT: (frozenset({S.REGISTERED}), S.ACCEPTED),
    Action.ASSIGN: (OPEN_STATES, None),
    Action.REQUEST_CLARIFICATION: (frozenset({S.REGISTERED, S.ACCEPTED}), S.CLARIFICATION),
    Action.RECEIVE_CLARIFICATION: (frozenset({S.CLARIFICATION}), S.ACCEPTED),
    Action.START_CONSULTATION: (frozenset({S.ACCEPTED, S.CONSULTATION}), S.CONSULTATION),
    # Back to 受理 when no other consultation is open (decided by the service).
    Action.END_CONSULTATION: (frozenset({S.CONSULTATION}), S.ACCEPTED),
    Action.NOTIFY_FEE: (frozenset({S.ACCEPTED, S.PROPOSED, S.DECIDED}), S.FEE_PENDING),
    Action.RECORD_PAYMENT: (frozenset({S.FEE_PENDING}), S.ACCEPTED),
    Action.EXTEND: (HANDLING | {S.FEE_PENDING}, None),
    Action.ASK_REASONS: (frozenset({S.ACCEPTED, S.REGISTERED}), None),
    Action.SET_LATER_DATE: (HANDLING, None),
    Action.PROPOSE: (frozenset({S.ACCEPTED}), S.PROPOSED),
    Action.DECIDE: (frozenset({S.PROPOSED}), S.DECIDED),
    Action.SUBMIT_FOR_APPROVAL: (frozenset({S.DECIDED}), S.APPROVAL),
    Action.RETURN_FOR_REVISION: (frozenset({S.APPROVAL, S.DECIDED}), S.PROPOSED),
    Action.DELIVER: (frozenset({S.APPROVAL}), S.DELIVERED),
    Action.ARCHIVE: (frozenset({S.DELIVERED, S.WITHDRAWN, S.ABANDONED}), S.ARCHIVED),
    Action.WITHDRAW: (OPEN_STATES, S.WITHDRAWN),
    Action.ABANDON: (frozenset({S.CLARIFICATION, S.FEE_PENDING}), S.ABANDONED),
}


class IllegalTransition(Exception):
    """An action that the current state does not allow; the message says what is possible."""

    def __init__(self, action: Action, state: RequestState) -> None:
        allowed = "、".join(ACTION_LABELS[a] for a in allowed_actions(state)) or "无"
        super().__init__(
            f"申请当前处于“{STATE_LABELS[state]}”，不能“{ACTION_LABELS[action]}”。"
            f"当前可以进行的操作：{allowed}。"
        )


def allowed_actions(state: RequestState) -> list[Action]:
    return [a for a, (sources, _) in TRANSITIONS.items() if state in sources]


def next_state(state: RequestState, action: Action) -> RequestState:
    """The state after ``action``; raises :class:`IllegalTransition` when it is not allowed."""
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise IllegalTransition(action, state)
    return state if target is None else target
