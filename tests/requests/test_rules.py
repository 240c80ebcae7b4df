"""Pure rules: receipt dates per channel, the state machine, replies and annual-report rows."""

import datetime as dt

import pytest

from services.requests.receipt import Channel, confirmation_problem, receipt_date
from services.requests.replies import (
    RefusalGround,
    ReplyType,
    outcome_row,
    report_format,
    request_rows,
)
from services.requests.workflow import (
    OPEN_STATES,
    TRANSITIONS,
    Action,
    IllegalTransition,
    RequestState,
    allowed_actions,
    next_state,
)

D = dt.date


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (Channel.IN_PERSON, D(2025, 3, 3)),
        (Channel.REGISTERED_POST, D(2025, 3, 3)),
        (Channel.ORDINARY_POST, D(2025, 3, 5)),
        (Channel.ONLINE, D(2025, 3, 5)),
        (Channel.FAX, D(2025, 3, 5)),
    ],
)
def test_receipt_date_per_channel(channel: Channel, expected: dt.date) -> None:
    assert receipt_date(channel, arrived_on=D(2025, 3, 3), confirmed_on=D(2025, 3, 5)) == expected


def test_unconfirmed_online_request_is_not_received() -> None:
    assert receipt_date(Channel.ONLINE, arrived_on=D(2025, 3, 3), confirmed_on=None) is None
    assert confirmation_problem(D(2025, 3, 3), D(2025, 3, 2)) == "确认日期不能早于申请到达日期"


def test_the_internal_steps_in_order() -> None:
    state = RequestState.REGISTERED
    for action in (
        Action.ACCEPT, Action.PROPOSE, Action.DECIDE, Action.SUBMIT_FOR_APPROVAL,
        Action.DELIVER, Action.ARCHIVE,
    ):  # fmt: skip
        state = next_state(state, action)
    assert state is RequestState.ARCHIVED
    assert allowed_actions(RequestState.ARCHIVED) == []


def test_every_open_state_can_be_withdrawn_and_finished_ones_cannot_move() -> None:
    for state in OPEN_STATES:
        assert next_state(state, Action.WITHDRAW) is RequestState.WITHDRAWN
    for state in set(RequestState) - OPEN_STATES:
        assert Action.WITHDRAW not in allowed_actions(state)
    assert all(RequestState.ARCHIVED not in sources for sources, _ in TRANSITIONS.values())


def test_an_illegal_step_says_what_is_possible() -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_state(RequestState.CLARIFICATION, Action.DECIDE)
    assert str(caught.value) == (
        "申请当前处于“补正”，不能“作出决定”。当前可以进行的操作：分办、收到补正、"
        "申请人撤回申请、终止办理（逾期未补正或未缴费）。"
    )


def test_report_formats_by_year() -> None:
    assert report_format(2020) == "2019"
    assert report_format(2021) == "2021"
    assert outcome_row(ReplyType.NO_CORRECTION, None, 2020).key == "3.6"
    assert outcome_row(ReplyType.NO_CORRECTION, None, 2021).key == "3.6.1"
    partly = outcome_row(ReplyType.PARTLY, RefusalGround.STATE_SECRET, 2022)
    assert partly.key == "3.2"  # 区分处理的，只计部分公开
    assert outcome_row(ReplyType.REFUSED, RefusalGround.STATE_SECRET, 2022).label == (
        "三、（三）不予公开 1.属于国家秘密"
    )


def test_rows_across_years_carry_over() -> None:
    def keys(year: int) -> list[str]:
        rows = request_rows(
            received_on=D(2024, 12, 20),
            closed_on=D(2025, 1, 15),
            reply_type=ReplyType.GRANTED,
            ground=None,
            report_year=year,
        )
        return [r.key for r in rows]

    assert keys(2023) == []
    assert keys(2024) == ["1", "4"]  # new this year, carried into the next
    assert keys(2025) == ["2", "3.1"]  # carried over from last year, granted this year
    assert keys(2026) == []
