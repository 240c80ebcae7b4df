"""A year of synthetic requests driven through the requests API, with the report counted
independently of the report code (its own outcome → row table, written from domain.md §2.2)."""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.requests import BASE, company, paper_body, person

D = dt.date
COLUMNS = ["natural_person", "commercial", "research", "public_welfare", "legal_service", "other"]
GROUNDS = [
    "state_secret",
    "law_prohibits",
    "security_stability",
    "third_party",
    "internal_affairs",
    "process_information",
    "enforcement_files",
    "administrative_query",
]
# The row of each outcome in the 2021 format (domain.md §2.2), written out by hand.
ROWS_2021 = {
    "already_public": "3.1",
    "granted": "3.1",
    "partly": "3.2",
    **{f"refused.{g}": f"3.3.{i}" for i, g in enumerate(GROUNDS, start=1)},
    "not_held": "3.4.1",
    "not_ours": "3.4.1",
    "needs_creation": "3.4.2",
    "unclear": "3.4.3",
    "petition": "3.5.1",
    "repeat": "3.5.2",
    "publication": "3.5.3",
    "excessive": "3.5.4",
    "confirm_or_reissue": "3.5.5",
    "special_statutory": "3.6.3",
    "no_correction": "3.6.1",
    "fee_unpaid": "3.6.2",
    "withdrawn": "3.6.3",
}
ROWS_2019 = {k: ("3.6" if v.startswith("3.6") else v) for k, v in ROWS_2021.items()}
DECISIONS = [
    "already_public",
    "granted",
    "partly",
    "refused",
    "not_held",
    "not_ours",
    "needs_creation",
    "unclear",
    "repeat",
    "petition",
    "publication",
    "excessive",
    "confirm_or_reissue",
    "special_statutory",
]
STAR = {"If-Match": "*"}


@dataclass
class Spec:
    column: str
    received: D
    outcome: str | None  # reply type, or None while open
    ground: str | None
    closed: D | None  # None: open, or decided but not delivered
    decided_open: bool = False  # decided, not yet delivered

    @property
    def key(self) -> str:
        return f"refused.{self.ground}" if self.outcome == "refused" else str(self.outcome)


def plan(seed: int, count: int, year: int) -> list[Spec]:
    """Requests over Oct of the year before to the year's end; every outcome and column.

    The first two rounds go through every row of table 3 in turn (each refusal ground is a
    row of its own), so a small year fills every row: a round's request that is left open
    (every 9th) or decided but not delivered (every 13th) has its row again in the other
    round. The rest are drawn at random.
    """
    rng = random.Random(seed)
    first, last = D(year - 1, 10, 1), D(year, 12, 31)
    outcomes = [*DECISIONS, "withdrawn", "no_correction", "fee_unpaid"]
    rows = [o for o in outcomes if o != "refused"] + ["refused"] * len(GROUNDS)
    specs = []
    refusals = 0
    for index in range(count):
        column = COLUMNS[index % len(COLUMNS)]
        received = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        if index % 9 == 8:
            specs.append(Spec(column, received, None, None, None))  # still open
            continue
        outcome = rows[index % len(rows)] if index < 2 * len(rows) else rng.choice(outcomes)
        ground = None
        if outcome == "refused":
            ground = GROUNDS[refusals % len(GROUNDS)]
            refusals += 1
        elif outcome == "partly":
            ground = rng.choice(GROUNDS)
        wait = {"no_correction": 40, "fee_unpaid": 60}.get(outcome, 0) + rng.randrange(0, 60)
        closed = received + dt.timedelta(days=wait)
        decided_open = outcome in DECISIONS and index % 13 == 0
        specs.append(
            Spec(column, received, outcome, ground, None if decided_open else closed, decided_open)
        )
    refused = {s.ground for s in specs if s.outcome == "refused"}
    assert refused == set(GROUNDS), "every refusal ground appears"
    return specs


def applicant(column: str) -> dict[str, Any]:
    if column == "natural_person":
        return person()
    return company(organisation_type=column)


async def _step(
    client: httpx.AsyncClient, headers: dict[str, str], rid: str, body: dict[str, Any]
) -> None:
    done = await client.post(f"{BASE}/{rid}/transitions", json=body, headers={**headers, **STAR})
    assert done.status_code == 200, done.text


async def file(client: httpx.AsyncClient, headers: dict[str, str], agency: str, spec: Spec) -> str:
    """Register one request at the counter and take it through its handling."""
    made = await client.post(
        BASE,
        json=paper_body(agency, spec.received, applicant=applicant(spec.column)),
        headers=headers,
    )
    assert made.status_code == 201, made.text
    rid = str(made.json()["id"])
    r, c = spec.received.isoformat(), spec.closed.isoformat() if spec.closed else None
    if spec.outcome is None:
        return rid
    if spec.outcome == "withdrawn":
        await _step(client, headers, rid, {"action": "withdraw", "on": c})
    elif spec.outcome == "no_correction":
        await _step(
            client,
            headers,
            rid,
            {
                "action": "request_clarification",
                "on": r,
                "items": ["请写明文件名称"],
                "correct_within_days": 5,
            },
        )
        await _step(client, headers, rid, {"action": "abandon", "on": c, "reason": "逾期未补正"})
    elif spec.outcome == "fee_unpaid":
        await _step(client, headers, rid, {"action": "accept", "on": r})
        await _step(
            client,
            headers,
            rid,
            {"action": "notify_fee", "on": r, "basis": "per_volume", "pages": 250},
        )
        await _step(client, headers, rid, {"action": "abandon", "on": c, "reason": "逾期未缴费"})
    else:
        await _step(client, headers, rid, {"action": "accept", "on": r})
        await _step(client, headers, rid, {"action": "propose", "on": r, "opinion": "拟按规定答复"})
        decide: dict[str, Any] = {
            "action": "decide",
            "on": r,
            "reply_type": spec.outcome,
            "reply_text": "答复如下。",
        }
        if spec.ground:
            decide["refusal_ground"] = spec.ground
        if spec.outcome in {"granted", "partly"}:
            decide["disclosed_files"] = [{"title": "某某文件"}]
        if spec.outcome == "not_ours":
            decide["responsible_agency_name"] = "张掖市财政局"
        await _step(client, headers, rid, decide)
        if c is not None:
            await _step(client, headers, rid, {"action": "submit_for_approval", "on": c})
            await _step(client, headers, rid, {"action": "deliver", "on": c, "approver": "王主任"})
    return rid


def expected_table3(
    specs: list[Spec], start: D, end: D, rows: dict[str, str]
) -> dict[str, Counter[str]]:
    """Table 3 counted straight from the plan."""
    table: dict[str, Counter[str]] = {}

    def count(row: str, column: str) -> None:
        table.setdefault(row, Counter())[column] += 1
        table[row]["total"] += 1

    for spec in specs:
        if spec.received > end or (spec.closed is not None and spec.closed < start):
            continue
        count("1" if spec.received >= start else "2", spec.column)
        if spec.closed is not None and spec.closed <= end:
            count(rows[spec.key], spec.column)
            count("3.7", spec.column)
        else:
            count("4", spec.column)
    return table
