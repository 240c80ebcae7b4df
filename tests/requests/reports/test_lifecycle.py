"""The 2019 format, publication freezing a report, corrections as new versions, who sees what,
interim figures, the division roll-up and review-case validation."""

import datetime as dt

import httpx

from services.common.auth import Role
from tests.requests.conftest import Agencies
from tests.requests.reports import synthetic
from tests.requests.reports.synthetic import Spec
from tests.requests.reports.test_annual import COLUMNS, REPORTS, admin, cells_equal
from tests.support.requests import officer
from tests.support.tokens import TokenMinter

D = dt.date
YEAR = 2020
SPECS = [
    Spec("natural_person", D(2019, 12, 10), "granted", None, D(2020, 1, 8)),
    Spec("natural_person", D(2019, 12, 20), None, None, None),
    Spec("commercial", D(2020, 2, 3), "partly", "third_party", D(2020, 2, 20)),
    Spec("research", D(2020, 4, 1), "withdrawn", None, D(2020, 4, 3)),
    Spec("legal_service", D(2020, 5, 6), "no_correction", None, D(2020, 7, 1)),
    Spec("public_welfare", D(2020, 7, 1), "fee_unpaid", None, D(2020, 9, 30)),
    Spec("other", D(2020, 8, 3), "refused", "state_secret", D(2020, 8, 20)),
    Spec("natural_person", D(2020, 10, 9), "special_statutory", None, D(2020, 10, 20)),
    Spec("commercial", D(2020, 12, 21), "not_held", None, D(2021, 1, 11)),
    Spec("natural_person", D(2020, 12, 28), "granted", None, None, decided_open=True),
]
FIGURES_2019 = {
    "20.5.licence.previous": 10,
    "20.5.licence.change": -2,
    "20.5.licence.decisions": 88,
    "20.9.procurement.amount": 1234.56,
}


async def test_2019_format_freeze_corrections_and_access(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    staff = officer(tokens, agencies.a)
    for spec in SPECS:
        await synthetic.file(client, staff, agencies.a, spec)
    query = {"agency": agencies.a, "year": YEAR}
    expected = synthetic.expected_table3(SPECS, D(YEAR, 1, 1), D(YEAR, 12, 31), synthetic.ROWS_2019)
    assert expected["3.6"]["total"] == 4  # 特别规定, withdrawn, no correction, fee unpaid

    made = await client.post(
        f"{REPORTS}/annual", json={"agency_id": agencies.a, "year": YEAR}, headers=staff
    )
    assert made.status_code == 201, made.text
    report = made.json()
    content = report["content"]
    assert content["template"] == "2019"
    assert [r["key"] for r in content["table3"]["rows"]][-3:] == ["3.6", "3.7", "4"]
    assert [b["key"] for b in content["table2"]] == ["20.1", "20.5", "20.6", "20.8", "20.9"]
    cells_equal(content["table3"], expected)
    again = await client.post(
        f"{REPORTS}/annual", json={"agency_id": agencies.a, "year": YEAR}, headers=staff
    )
    assert again.status_code == 409

    # Only staff of agency A touch A's draft; nobody else sees it.
    other = officer(tokens, agencies.b, subject="officer-b")
    assert (
        await client.post(
            f"{REPORTS}/annual", json={"agency_id": agencies.a, "year": YEAR}, headers=other
        )
    ).status_code == 403
    assert (
        await client.patch(
            f"{REPORTS}/annual/{report['id']}", json={"overview": "x"}, headers=other
        )
    ).status_code == 404
    assert (await client.get(f"{REPORTS}/annual", params=query, headers=other)).status_code == 404
    assert (
        await client.get(f"{REPORTS}/interim", params={**query, "period": "q1"})
    ).status_code == 401

    edited = await client.patch(
        f"{REPORTS}/annual/{report['id']}",
        json={"overview": "总体情况。", "figures": FIGURES_2019},
        headers=staff,
    )
    assert edited.status_code == 200, edited.text
    blocks = {b["key"]: b for b in edited.json()["content"]["table2"]}
    assert [c["value"] for c in blocks["20.5"]["rows"][0]["cells"]] == [10, -2, 88]
    assert blocks["20.9"]["rows"][0]["cells"][1]["value"] == 1234.56
    assert (
        await client.post(
            f"{REPORTS}/annual/{report['id']}/publish", headers=admin(tokens, agencies.a)
        )
    ).status_code == 409
    assert (
        await client.post(f"{REPORTS}/annual/{report['id']}/submit", headers=staff)
    ).status_code == 200
    returned = await client.post(f"{REPORTS}/annual/{report['id']}/return", headers=staff)
    assert returned.json()["status"] == "draft"
    assert (
        await client.post(f"{REPORTS}/annual/{report['id']}/submit", headers=staff)
    ).status_code == 200
    published = await client.post(
        f"{REPORTS}/annual/{report['id']}/publish", headers=admin(tokens, agencies.a)
    )
    assert published.status_code == 200, published.text
    assert (
        await client.post(f"{REPORTS}/annual/{report['id']}/return", headers=staff)
    ).status_code == 409

    # A request recorded late does not change the published report...
    late = Spec("research", D(2020, 11, 2), "granted", None, D(2020, 11, 5))
    await synthetic.file(client, staff, agencies.a, late)
    public = (await client.get(f"{REPORTS}/annual", params=query)).json()
    assert public["version"] == 1
    cells_equal(public["content"]["table3"], expected)
    # ...the correction is a new version, which starts from the published text.
    fixed = await client.post(
        f"{REPORTS}/annual", json={"agency_id": agencies.a, "year": YEAR}, headers=staff
    )
    assert fixed.status_code == 201, fixed.text
    assert fixed.json()["version"] == 2
    assert fixed.json()["content"]["narrative"]["overview"] == "总体情况。"
    corrected = synthetic.expected_table3(
        [*SPECS, late], D(YEAR, 1, 1), D(YEAR, 12, 31), synthetic.ROWS_2019
    )
    cells_equal(fixed.json()["content"]["table3"], corrected)
    assert (await client.get(f"{REPORTS}/annual", params=query)).json()["version"] == 1
    assert (await client.get(f"{REPORTS}/annual", params=query, headers=staff)).json()[
        "version"
    ] == 2
    await client.post(f"{REPORTS}/annual/{fixed.json()['id']}/submit", headers=staff)
    done = await client.post(
        f"{REPORTS}/annual/{fixed.json()['id']}/publish", headers=admin(tokens, agencies.a)
    )
    assert done.status_code == 200, done.text
    latest = (await client.get(f"{REPORTS}/annual", params=query)).json()
    assert latest["version"] == 2
    cells_equal(latest["content"]["table3"], corrected)
    first = (await client.get(f"{REPORTS}/annual", params={**query, "version": 1})).json()
    cells_equal(first["content"]["table3"], expected)

    # Interim figures from the same code, counted independently per quarter and half.
    specs = [*SPECS, late]
    for period, (start, end) in {
        "q1": (D(2020, 1, 1), D(2020, 3, 31)),
        "q2": (D(2020, 4, 1), D(2020, 6, 30)),
        "q3": (D(2020, 7, 1), D(2020, 9, 30)),
        "q4": (D(2020, 10, 1), D(2020, 12, 31)),
        "h1": (D(2020, 1, 1), D(2020, 6, 30)),
        "h2": (D(2020, 7, 1), D(2020, 12, 31)),
    }.items():
        got = await client.get(
            f"{REPORTS}/interim", params={**query, "period": period}, headers=staff
        )
        assert got.status_code == 200, got.text
        assert got.json()["table2"] is None
        assert got.json()["checks_passed"] is True
        cells_equal(
            got.json()["table3"], synthetic.expected_table3(specs, start, end, synthetic.ROWS_2019)
        )
    assert (
        await client.get(f"{REPORTS}/interim", params={**query, "period": "q1"}, headers=other)
    ).status_code == 403
    word = await client.get(
        f"{REPORTS}/interim", params={**query, "period": "h1", "format": "docx"}, headers=staff
    )
    assert word.status_code == 200
    assert word.headers["cache-control"] == "private, no-store"

    # Division roll-up: agency B publishes an (empty) report; the sum is A's plus B's.
    mine = await client.post(
        f"{REPORTS}/annual", json={"agency_id": agencies.b, "year": YEAR}, headers=other
    )
    assert mine.status_code == 201, mine.text
    await client.patch(
        f"{REPORTS}/annual/{mine.json()['id']}", json={"overview": "无申请。"}, headers=other
    )
    await client.post(f"{REPORTS}/annual/{mine.json()['id']}/submit", headers=other)
    assert (
        await client.post(
            f"{REPORTS}/annual/{mine.json()['id']}/publish", headers=admin(tokens, agencies.b)
        )
    ).status_code == 200
    rolled = await client.get(f"{REPORTS}/division", params={"division": "6207", "year": YEAR})
    assert rolled.status_code == 200, rolled.text
    assert len(rolled.json()["agencies"]) == 2
    cells_equal(rolled.json()["content"]["table3"], corrected)
    assert rolled.json()["content"]["checks_passed"] is True
    licence = next(b for b in rolled.json()["content"]["table2"] if b["key"] == "20.5")["rows"][0][
        "cells"
    ]
    assert licence[2] == {"value": 88, "note": "部分机关未取得或未填报"}
    assert (
        await client.get(f"{REPORTS}/division", params={"division": "11", "year": YEAR})
    ).status_code == 404


async def test_review_cases_and_bad_input(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    staff = officer(tokens, agencies.a)
    rid = await synthetic.file(
        client,
        staff,
        agencies.a,
        Spec("natural_person", D(2024, 3, 1), "granted", None, D(2024, 3, 5)),
    )
    case = {"request_id": rid, "kind": "reconsideration", "filed_on": "2024-04-01"}
    half = await client.post(
        f"{REPORTS}/review-cases", json={**case, "result": "upheld"}, headers=staff
    )
    assert half.status_code == 422
    assert "同时填写结果和审结日期" in half.text
    other = officer(tokens, agencies.b, subject="officer-b")
    assert (
        await client.post(f"{REPORTS}/review-cases", json=case, headers=other)
    ).status_code == 404
    made = await client.post(f"{REPORTS}/review-cases", json=case, headers=staff)
    assert made.status_code == 201, made.text
    early = await client.put(
        f"{REPORTS}/review-cases/{made.json()['id']}",
        json={"result": "corrected", "concluded_on": "2024-03-01"},
        headers=staff,
    )
    assert early.status_code == 422
    closed = await client.put(
        f"{REPORTS}/review-cases/{made.json()['id']}",
        json={"result": "corrected", "concluded_on": "2024-06-01"},
        headers=staff,
    )
    assert closed.json()["result_label"] == "结果纠正"
    listed = await client.get(
        f"{REPORTS}/review-cases", params={"agency": agencies.a, "year": 2024}, headers=staff
    )
    assert [c["id"] for c in listed.json()["items"]] == [made.json()["id"]]
    preview = await client.get(
        f"{REPORTS}/annual", params={"agency": agencies.a, "year": 2024}, headers=staff
    )
    assert preview.json()["content"]["table4"]["groups"][0]["cells"]["corrected"] == 1
    # Unknown years, agencies and formats are the caller's errors, never a 500.
    for params in (
        {"agency": agencies.a, "year": 2018},
        {"agency": "x", "year": 2020},
        {"agency": agencies.a, "year": 2020, "format": "xls"},
    ):
        assert (
            await client.get(f"{REPORTS}/annual", params=params, headers=staff)
        ).status_code == 422
    future = await client.post(
        f"{REPORTS}/annual", json={"agency_id": agencies.a, "year": 2099}, headers=staff
    )
    assert future.status_code == 422
    nobody = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["requests:read"])
    missing = await client.get(
        f"{REPORTS}/annual",
        params={"agency": "00000000-0000-0000-0000-000000000000", "year": 2020},
        headers=nobody,
    )
    assert missing.status_code == 404
    assert COLUMNS[-1] == "total"
