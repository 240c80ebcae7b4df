"""The 信息处理费 of 国办函〔2020〕109号: hand-checked bands and progressive properties."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.requests.fees import (
    FeeBasis,
    FeeDelivery,
    FeeExemption,
    FeeInput,
    MonthlyRequest,
    assess_fee,
    month_positions,
    per_request_band,
    per_request_month_total,
    per_volume_total,
)

NOVEMBER = dt.date(2026, 11, 1)


def per_request(prior: int, items: int = 1) -> int:
    fee_input = FeeInput(
        basis=FeeBasis.PER_REQUEST, received_on=NOVEMBER, prior_items_this_month=prior, items=items
    )
    return assess_fee(fee_input).amount_yuan


def per_volume(pages: int, delivery: FeeDelivery = FeeDelivery.PAPER) -> int:
    fee_input = FeeInput(
        basis=FeeBasis.PER_VOLUME, received_on=NOVEMBER, pages=pages, delivery=delivery
    )
    return assess_fee(fee_input).amount_yuan


@pytest.mark.parametrize(
    ("count", "total"),
    [
        (0, 0),
        (1, 0),
        (10, 0),  # 10 件以下（含10件）不收费
        (11, 100),
        (30, 20 * 100),
        (31, 20 * 100 + 200),
        (35, 20 * 100 + 5 * 200),  # domain.md's example: 3 000 元
        (40, 20 * 100 + 10 * 200),
        (41, 20 * 100 + 10 * 200 + 300),
        (50, 20 * 100 + 10 * 200 + 10 * 300),
        (51, 20 * 100 + 10 * 200 + 10 * 300 + 400),
        (60, 20 * 100 + 10 * 200 + 10 * 300 + 10 * 400),
        (61, 20 * 100 + 10 * 200 + 10 * 300 + 10 * 400 + 500),
    ],
)
def test_per_request_month_totals_at_every_boundary(count: int, total: int) -> None:
    assert per_request_month_total(count) == total
    if count:
        assert per_request(0, count) == total


@pytest.mark.parametrize(
    ("position", "rate"),
    [
        (1, 0),
        (10, 0),
        (11, 100),
        (30, 100),
        (31, 200),
        (40, 200),
        (41, 300),
        (50, 300),
        (51, 400),
        (100, 800),
        (101, 900),
    ],
)
def test_the_nth_request_of_a_month_costs_its_band_rate(position: int, rate: int) -> None:
    assert per_request_band(position).rate_yuan == rate
    assert per_request(position - 1) == rate


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (0, 0),
        (30, 0),  # 30页以下（含30页）不收费
        (31, 10),
        (100, 70 * 10),
        (101, 70 * 10 + 20),
        (200, 70 * 10 + 100 * 20),
        (201, 70 * 10 + 100 * 20 + 40),
        (250, 4_700),  # domain.md's example: 70×10 + 100×20 + 50×40
    ],
)
def test_per_volume_at_every_boundary(pages: int, fee: int) -> None:
    assert per_volume_total(pages) == fee
    assert per_volume(pages) == fee


def test_per_volume_does_not_apply_to_viewing_on_site() -> None:
    assessment = assess_fee(
        FeeInput(
            basis=FeeBasis.PER_VOLUME,
            received_on=NOVEMBER,
            pages=500,
            delivery=FeeDelivery.ON_SITE_VIEWING,
        )
    )
    assert assessment.amount_yuan == 0
    assert any("当场查阅" in line for line in assessment.explanation)


def test_explanation_shows_each_band_and_the_total() -> None:
    assessment = assess_fee(
        FeeInput(
            basis=FeeBasis.PER_REQUEST, received_on=NOVEMBER, prior_items_this_month=8, items=25
        )
    )
    assert assessment.amount_yuan == 20 * 100 + 3 * 200
    assert [(line.band, line.units, line.subtotal_yuan) for line in assessment.lines] == [
        ("第9—10件", 2, 0),
        ("第11—30件", 20, 2_000),
        ("第31—33件", 3, 600),
    ]
    text = "\n".join(assessment.explanation)
    assert "2026年11月此前已申请 8 件" in text
    assert "200 元/件 × 3 件 = 600 元" in text
    assert text.endswith("应缴信息处理费合计 2600 元。")


def test_an_exemption_waives_the_fee_but_keeps_the_computation() -> None:
    assessment = assess_fee(
        FeeInput(
            basis=FeeBasis.PER_VOLUME,
            received_on=NOVEMBER,
            pages=250,
            exemption=FeeExemption.FINANCIAL_HARDSHIP,
            exemption_note="持有城乡低保证明",
        )
    )
    assert (assessment.amount_yuan, assessment.computed_yuan, assessment.exempt) == (0, 4_700, True)
    assert not assessment.payable
    assert "持有城乡低保证明" in "".join(assessment.explanation)


def test_an_exemption_of_a_free_request_is_not_reported_as_a_waiver() -> None:
    fee_input = FeeInput(
        basis=FeeBasis.PER_VOLUME,
        received_on=NOVEMBER,
        pages=10,
        exemption=FeeExemption.AGENCY_DECISION,
    )
    assert not assess_fee(fee_input).exempt


@pytest.mark.parametrize(
    "bad",
    [
        {"pages": -1},
        {"items": 0},
        {"prior_items_this_month": -3},
        {"exemption_note": "无理由"},
        {"basis": "per_page"},
        {"surprise": 1},
    ],
)
def test_malformed_inputs_are_refused(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {"basis": "per_volume", "received_on": NOVEMBER, **bad}
    with pytest.raises(ValidationError):
        FeeInput.model_validate(fields)


def test_negative_counts_are_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        per_volume_total(-1)
    with pytest.raises(ValueError, match="不能为负数"):
        per_request_month_total(-1)
    with pytest.raises(ValueError, match="从 1 开始"):
        per_request_band(0)


def test_month_positions_count_per_applicant_per_calendar_month() -> None:
    requests = [
        MonthlyRequest("b2", "alice", dt.date(2026, 11, 20), items=3),
        MonthlyRequest("a1", "alice", dt.date(2026, 11, 2), items=2),
        MonthlyRequest("c1", "bob", dt.date(2026, 11, 2)),
        MonthlyRequest("d1", "alice", dt.date(2026, 12, 1)),  # a new month starts again
        MonthlyRequest("b3", "alice", dt.date(2026, 11, 20)),  # same day: after b2
        MonthlyRequest("e1", "alice", dt.date(2025, 11, 30)),  # same month, other year
    ]
    assert month_positions(requests) == {"a1": 0, "b2": 2, "b3": 5, "c1": 0, "d1": 0, "e1": 0}


# Properties ------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=2_000)
pages = st.integers(min_value=0, max_value=100_000)


@settings(deadline=None)  # the brute-force sum is slow on a busy machine
@given(st.integers(min_value=0, max_value=500))
def test_month_total_is_the_sum_of_each_request_band_rate(count: int) -> None:
    brute = sum(per_request_band(position).rate_yuan for position in range(1, count + 1))
    assert per_request_month_total(count) == brute


@given(counts, counts)
def test_per_request_is_monotonic_and_free_up_to_ten(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert per_request_month_total(low) <= per_request_month_total(high)
    if high <= 10:
        assert per_request_month_total(high) == 0
    else:
        assert per_request_month_total(high) > 0


@given(pages, pages)
def test_per_volume_is_monotonic_and_free_up_to_thirty(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert per_volume_total(low) <= per_volume_total(high)
    assert per_volume_total(high) <= 40 * high
    assert (per_volume_total(high) == 0) == (high <= 30)


@settings(deadline=None)
@given(
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=1, max_value=200),
    st.integers(min_value=1, max_value=200),
)
def test_splitting_a_month_between_requests_does_not_change_the_total(
    prior: int, first: int, second: int
) -> None:
    assert per_request(prior, first) + per_request(prior + first, second) == per_request(
        prior, first + second
    )
    assert per_request(prior, first + second) == per_request_month_total(
        prior + first + second
    ) - per_request_month_total(prior)


@given(st.sampled_from(list(FeeBasis)), st.integers(0, 5_000), st.integers(1, 50), pages)
def test_lines_add_up_to_the_amount(basis: FeeBasis, prior: int, items: int, page: int) -> None:
    assessment = assess_fee(
        FeeInput(
            basis=basis, received_on=NOVEMBER, prior_items_this_month=prior, items=items, pages=page
        )
    )
    assert assessment.amount_yuan == sum(line.subtotal_yuan for line in assessment.lines)
    assert sum(line.units for line in assessment.lines) == (
        items if basis is FeeBasis.PER_REQUEST else page
    )
    assert assessment.explanation[-1].startswith(("应缴", "不收取"))
