"""A year of synthetic requests through the requests API, and the annual report built from it:
every cell equals a count made by the test, the checks pass, DOCX and PDF carry the numbers."""

import datetime as dt
import io
import time

import httpx
import pypdf
import pytest
from docx import Document

from services.common.auth import Role
from tests.requests.conftest import Agencies
from tests.requests.reports import synthetic
from tests.support.requests import officer
from tests.support.tokens import TokenMinter

pytestmark = pytest.mark.slow  # a year of requests through the API

REPORTS = "/api/v1/requests/reports"
YEAR = 2025
COLUMNS = [*synthetic.COLUMNS, "total"]


def admin(tokens: TokenMinter, agency: object) -> dict[str, str]:
    return tokens.headers(
        subject="admin-1",
        roles=[Role.AGENCY_ADMIN],
        scopes=["requests:read", "requests:write", "requests:publish"],
        agencies=[agency],
    )


def cells_equal(table3: dict[str, object], expected: dict[str, object]) -> None:
    for row in table3["rows"]:  # type: ignore[index]
        want = expected.get(row["key"], {})
        got = {c: row["cells"][c] for c in COLUMNS}
        assert got == {c: want.get(c, 0) for c in COLUMNS}, row["key"]  # type: ignore[union-attr]


async def test_a_year_of_requests(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    staff = officer(tokens, agencies.a)
    specs = synthetic.plan(seed=8, count=60, year=YEAR)
    started = time.monotonic()
    ids = [await synthetic.file(client, staff, agencies.a, spec) for spec in specs]
    print(f"filed {len(ids)} requests in {time.monotonic() - started:.1f} s")
    assert {s.column for s in specs} == set(synthetic.COLUMNS)
    assert {s.key for s in specs if s.closed} >= set(synthetic.ROWS_2021)

    # Table 4: reconsiderations and lawsuits recorded against some of the requests.
    cases = [
        ("reconsideration", "2025-02-01", "upheld", "2025-04-01"),
        ("reconsideration", "2024-11-01", "corrected", "2025-01-20"),
        ("reconsideration", "2024-03-01", "other", "2024-06-01"),  # concluded the year before
        ("reconsideration", "2025-11-01", None, None),
        ("litigation_direct", "2025-03-01", "corrected", "2026-02-01"),  # pending at year end
        ("litigation_direct", "2025-05-01", "other", "2025-09-01"),
        ("litigation_after", "2025-06-01", "upheld", "2025-10-01"),
        ("litigation_after", "2026-01-05", None, None),  # next year
    ]
    for index, (kind, filed, result, concluded) in enumerate(cases):
        body = {"request_id": ids[index], "kind": kind, "filed_on": filed}
        if result:
            body |= {"result": result, "concluded_on": concluded}
        made = await client.post(f"{REPORTS}/review-cases", json=body, headers=staff)
        assert made.status_code == 201, made.text
    expected4 = {
        "reconsideration": {"upheld": 1, "corrected": 1, "other": 0, "pending": 1, "total": 3},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 1, "pending": 1, "total": 2},
        "litigation_after": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1},
    }

    # The public sees nothing before publication; staff get a preview.
    query = {"agency": agencies.a, "year": YEAR}
    assert (await client.get(f"{REPORTS}/annual", params=query)).status_code == 404
    preview = await client.get(f"{REPORTS}/annual", params=query, headers=staff)
    assert preview.status_code == 200, preview.text
    assert preview.json()["status"] is None
    expected3 = synthetic.expected_table3(
        specs, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), synthetic.ROWS_2021
    )
    assert expected3["2"]["total"] > 0, "carry-over into the year"
    assert set(synthetic.ROWS_2021.values()) <= set(expected3), "every row of table 3 counts"
    assert expected3["4"]["total"] > 0, "carry-over into the next year"
    cells_equal(preview.json()["content"]["table3"], expected3)

    # Draft → submitted → published, with narrative and staff figures.
    made = await client.post(
        f"{REPORTS}/annual", json={"agency_id": agencies.a, "year": YEAR}, headers=staff
    )
    assert made.status_code == 201, made.text
    report = made.json()
    assert report["content"]["template"] == "2021"
    figures = {
        "20.5.licence.decisions": 321,
        "20.6.penalty.decisions": 45,
        "20.6.enforcement.decisions": 6,
        "20.8.fee.amount": 12.5,
    }
    narrative = {
        "overview": "2025 年，本机关认真贯彻落实《条例》。\n全年主动公开信息 1200 条。",
        "problems": "依申请公开答复规范性有待提高。",
        "other_matters": "本年度未收取信息处理费。",
    }
    bad = await client.patch(
        f"{REPORTS}/annual/{report['id']}", json={"figures": {"20.1.rule.issued": 3}}, headers=staff
    )
    assert bad.status_code == 422
    assert "不是本年度格式需要填报的栏目" in bad.json()["detail"]
    edited = await client.patch(
        f"{REPORTS}/annual/{report['id']}", json={**narrative, "figures": figures}, headers=staff
    )
    assert edited.status_code == 200, edited.text
    submitted = await client.post(f"{REPORTS}/annual/{report['id']}/submit", headers=staff)
    assert submitted.status_code == 200, submitted.text
    frozen = await client.patch(
        f"{REPORTS}/annual/{report['id']}", json={"overview": "改"}, headers=staff
    )
    assert frozen.status_code == 409
    assert (
        await client.post(f"{REPORTS}/annual/{report['id']}/publish", headers=staff)
    ).status_code == 403
    published = await client.post(
        f"{REPORTS}/annual/{report['id']}/publish", headers=admin(tokens, agencies.a)
    )
    assert published.status_code == 200, published.text

    public = await client.get(f"{REPORTS}/annual", params=query)
    assert public.status_code == 200, public.text
    body = public.json()
    assert body["status"] == "published"
    content = body["content"]
    cells_equal(content["table3"], expected3)
    assert {g["key"]: g["cells"] for g in content["table4"]["groups"]} == expected4
    assert content["checks_passed"] is True
    assert len(content["checks"]) == 6
    assert all(c["passed"] for c in content["checks"])
    table2 = {b["key"]: b for b in content["table2"]}
    assert [c["value"] for c in table2["20.6"]["rows"][0]["cells"]] == [45]
    assert table2["20.8"]["rows"][0]["cells"][0]["value"] == 12.5
    # 规章 and 规范性文件 come from the documents service (none issued by this agency).
    assert table2["20.1"]["rows"][0]["cells"][0] == {"value": 0, "note": None}
    assert content["problems"] == []
    assert content["narrative"]["problems"] == narrative["problems"]

    # HTML for embedding: merged headers, escaped text, the numbers.
    page = await client.get(f"{REPORTS}/annual", params={**query, "format": "html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'colspan="5">法人或其他组织' in page.text
    assert "<script" not in page.text

    # DOCX: table 3 cell by cell.
    word = await client.get(f"{REPORTS}/annual", params={**query, "format": "docx"})
    assert word.status_code == 200
    document = Document(io.BytesIO(word.content))
    tables = document.tables
    assert len(tables) == 3
    t3 = tables[1]
    assert t3.cell(1, 4).text == "法人或其他组织"
    assert t3.cell(1, 8).text == "法人或其他组织"  # merged across the five columns
    for index, row in enumerate(content["table3"]["rows"]):
        values = [t3.cell(3 + index, 3 + j).text for j in range(len(COLUMNS))]
        assert values == [str(expected3.get(row["key"], {}).get(c, 0)) for c in COLUMNS], row["key"]
    t4 = tables[2]
    assert [t4.cell(3, j).text for j in range(15)] == [
        str(expected4[g][c])
        for g in ("reconsideration", "litigation_direct", "litigation_after")
        for c in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert "2025 年，本机关认真贯彻落实《条例》。" in [p.text for p in document.paragraphs]

    # PDF: opens, embeds the CJK font, and carries the totals row of table 3.
    pdf = await client.get(f"{REPORTS}/annual", params={**query, "format": "pdf"})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    # pypdf puts a NUL before each character of fpdf2's CID font; the text is otherwise intact
    text = "\n".join(p.extract_text() for p in reader.pages).replace("\x00", "")
    assert "政府信息公开工作年度报告" in text
    assert "法人或其他组织" in text
    tokens_in_pdf = text.split()
    total_row = [str(expected3["3.7"].get(c, 0)) for c in COLUMNS]
    new_row = [str(expected3["1"].get(c, 0)) for c in COLUMNS]
    joined = " ".join(tokens_in_pdf)
    assert " ".join(total_row) in joined
    assert " ".join(new_row) in joined
