"""Pure computation of the report's tables, their checks, and the layout against the row data."""

import datetime as dt
import itertools
import json
from importlib import resources

from services.requests.replies import report_format
from services.requests.reports import checks, compute, layout
from services.requests.reports.compute import RequestFact, ReviewFact
from services.requests.reports.periods import Period, PeriodKind

D = dt.date


def fact(
    column: str,
    received: D,
    closed: D | None = None,
    reply: str | None = None,
    ground: str | None = None,
) -> RequestFact:
    return RequestFact(column, received, closed, reply if closed else None, ground)


FACTS = [
    fact("natural_person", D(2024, 12, 20), D(2025, 1, 10), "granted"),  # carried in, closed
    fact("natural_person", D(2024, 12, 28)),  # carried in, still open: carried out
    fact("commercial", D(2024, 6, 1), D(2024, 7, 1), "granted"),  # closed last year: absent
    fact("commercial", D(2025, 3, 1), D(2025, 3, 20), "partly", "third_party"),
    fact("research", D(2025, 4, 1), D(2025, 4, 2), "refused", "state_secret"),
    fact("legal_service", D(2025, 5, 1), D(2025, 5, 30), "no_correction"),
    fact("public_welfare", D(2025, 9, 1), D(2025, 9, 30), "fee_unpaid"),
    fact("other", D(2025, 12, 30), D(2026, 1, 5), "granted"),  # carried out
    fact("natural_person", D(2026, 1, 2), D(2026, 1, 3), "granted"),  # next year: absent
    RequestFact("natural_person", None, None, None, None),  # receipt never confirmed
]


def test_table3_counts_rows_and_carry_over() -> None:
    grid = compute.table3(FACTS, Period.of(2025))
    assert grid["1"]["total"] == 5
    assert grid["2"] == {**dict.fromkeys(grid["2"], 0), "natural_person": 2, "total": 2}
    assert grid["3.1"]["natural_person"] == 1
    assert grid["3.2"]["commercial"] == 1
    assert grid["3.3.1"]["research"] == 1
    assert grid["3.6.1"]["legal_service"] == 1
    assert grid["3.6.2"]["public_welfare"] == 1
    assert grid["3.7"]["total"] == 5
    assert grid["4"]["total"] == 2
    assert grid["4"]["other"] == 1
    assert all(c.passed for c in checks.table3_checks(grid, "2021"))


def test_2019_format_has_one_other_row() -> None:
    moved = [
        RequestFact(
            f.column,
            f.received_on and f.received_on.replace(year=f.received_on.year - 5),
            f.closed_on and f.closed_on.replace(year=f.closed_on.year - 5),
            f.reply_type,
            f.refusal_ground,
        )
        for f in FACTS
    ]
    grid = compute.table3(moved, Period.of(2020))
    assert report_format(2020) == "2019"
    assert "3.6.1" not in grid
    assert grid["3.6"]["total"] == 2
    assert all(c.passed for c in checks.table3_checks(grid, "2019"))


def test_quarters_chain_and_add_up_to_the_year() -> None:
    year = compute.table3(FACTS, Period.of(2025))
    quarters = [
        compute.table3(FACTS, Period.of(2025, k))
        for k in (PeriodKind.Q1, PeriodKind.Q2, PeriodKind.Q3, PeriodKind.Q4)
    ]
    assert sum(q["1"]["total"] for q in quarters) == year["1"]["total"]
    assert sum(q["3.7"]["total"] for q in quarters) == year["3.7"]["total"]
    for earlier, later in itertools.pairwise(quarters):
        assert earlier["4"] == later["2"]
    assert quarters[0]["2"] == year["2"]
    assert quarters[-1]["4"] == year["4"]
    h1 = compute.table3(FACTS, Period.of(2025, PeriodKind.H1))
    assert h1["1"]["total"] == quarters[0]["1"]["total"] + quarters[1]["1"]["total"]


def test_checks_catch_inconsistent_tables() -> None:
    grid = compute.table3(FACTS, Period.of(2025))
    grid["3.1"]["natural_person"] += 1  # a request counted twice
    failed = {c.key for c in checks.table3_checks(grid, "2021") if not c.passed}
    assert failed == {"table3.outcomes", "table3.applicants"}
    grid["3.7"]["natural_person"] += 1
    grid["3.7"]["total"] += 1
    failed = {c.key for c in checks.table3_checks(grid, "2021") if not c.passed}
    assert failed == {"table3.balance", "table3.applicants", "table3.outcomes"}
    four = compute.empty_table4()
    four["reconsideration"]["upheld"] = 1
    bad = [c for c in checks.table4_checks(four) if not c.passed]
    assert [c.key for c in bad] == ["table4.reconsideration"]
    assert "总计 0" in bad[0].detail


def test_table4_results_and_pending() -> None:
    facts = [
        ReviewFact("reconsideration", None, D(2025, 2, 1), None),
        ReviewFact("reconsideration", "upheld", D(2024, 11, 1), D(2025, 1, 15)),
        ReviewFact("reconsideration", "corrected", D(2024, 3, 1), D(2024, 6, 1)),  # earlier year
        ReviewFact(
            "litigation_direct", "corrected", D(2025, 3, 1), D(2026, 2, 1)
        ),  # pending at end
        ReviewFact("litigation_after", "other", D(2025, 3, 1), D(2025, 8, 1)),
    ]
    grid = compute.table4(facts, Period.of(2025))
    assert grid["reconsideration"] == {
        "upheld": 1,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 2,
    }
    assert grid["litigation_direct"]["pending"] == 1
    assert grid["litigation_after"]["other"] == 1
    assert all(c.passed for c in checks.table4_checks(grid))


def test_layout_has_a_row_for_every_mapped_outcome() -> None:
    text = resources.files("services.requests").joinpath("report_rows.json").read_text("utf-8")
    mapping = json.loads(text)["outcomes"]
    for fmt, outcomes in mapping.items():
        keys = {r.key for r in layout.table3_rows(fmt)}
        assert set(outcomes.values()) <= keys, fmt
        assert {"1", "2", "3.7", "4"} <= keys


def test_periods() -> None:
    assert Period.of(2024, PeriodKind.Q1).end == D(2024, 3, 31)
    assert Period.of(2024, PeriodKind.H2).start == D(2024, 7, 1)
    assert Period.of(2024).end == D(2024, 12, 31)
    assert Period.of(2024, PeriodKind.Q4).label == "2024年第四季度"
