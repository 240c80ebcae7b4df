"""Loading a State Council notice: provisional deadlines become final, open ones recomputed."""

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from gongkai.cli import cli
from services.common.auth import Role
from services.common.workdays import WorkdayCalendar
from services.requests.applications.clock import china_today
from services.requests.holidays.loader import NoticeFileError, load_file
from services.requests.settings import RequestsSettings
from tests.requests.conftest import Agencies
from tests.requests.flow import Flow
from tests.support.requests import BASE, officer, paper_body
from tests.support.tokens import TokenMinter

CAL = f"{BASE}/calendar"


def notice(**changes: Any) -> dict[str, Any]:
    """A 2027 notice (made up for the test): 元旦 1/1–1/4, 春节 2/5–2/11 with 2/13 worked."""
    body: dict[str, Any] = {
        "title": "国务院办公厅关于2027年部分节假日安排的通知",
        "document_number": "国办发明电〔2026〕1号",
        "rest_days": [{"date": f"2027-01-0{d}", "name": "元旦"} for d in range(1, 5)]
        + [{"date": f"2027-02-{d:02d}", "name": "春节"} for d in range(5, 12)],
        "working_days": [{"date": "2027-02-13", "name": "春节"}],
    }
    body.update(changes)
    return body


def admin(tokens: TokenMinter) -> dict[str, str]:
    return tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["requests:manage"])


@pytest.mark.skipif(
    china_today() > dt.date(2026, 12, 31), reason="needs today's deadlines to run into 2027"
)
async def test_loading_a_notice_recomputes_provisional_deadlines(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    today = china_today()
    flow = await Flow.start(client, officer(tokens, agencies.a), paper_body(agencies.a, today))
    await flow.act("accept", today)
    before = await flow.act("extend", today, days=20, approver="主任", reason="需调取档案")
    assert before["clock"]["provisional"] is True
    assert before["clock"]["provisional_years"] == [2027]
    year = await client.get(f"{CAL}/years/2027")
    assert year.json()["provisional"] is True
    assert year.json()["source"] == "statutory"

    refused = await client.put(
        f"{CAL}/notices/2027", json=notice(), headers=officer(tokens, agencies.a)
    )
    assert refused.status_code == 403
    loaded = await client.put(f"{CAL}/notices/2027", json=notice(), headers=admin(tokens))
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["recomputed"] == 1

    after = await flow.read()
    assert after["clock"]["provisional"] is False
    notice_calendar = WorkdayCalendar.from_notices([])
    due_before = dt.date.fromisoformat(before["clock"]["due_on"])
    # 1/4/2027 is a rest day in the notice but a working day by the statutory rules.
    assert dt.date.fromisoformat(after["clock"]["due_on"]) > due_before
    assert notice_calendar.is_working_day(dt.date(2027, 1, 4))
    queue = await client.get(f"{BASE}/queue", headers=officer(tokens, agencies.a))
    assert queue.json()["items"][0]["due_provisional"] is False
    year = (await client.get(f"{CAL}/years/2027")).json()
    assert year["source"] == "notice"
    assert {"date": "2027-02-13", "name": "春节"} in year["working_days"]
    listed = (await client.get(f"{CAL}/notices")).json()
    assert [n["year"] for n in listed] == [2027]


async def test_notices_are_checked(client: httpx.AsyncClient, tokens: TokenMinter) -> None:
    wrong_year = await client.put(f"{CAL}/notices/2028", json=notice(), headers=admin(tokens))
    assert wrong_year.status_code == 422
    assert "不在 2028 年内" in wrong_year.json()["detail"]
    weekday = notice(working_days=[{"date": "2027-02-12", "name": "春节"}])
    bad = await client.put(f"{CAL}/notices/2027", json=weekday, headers=admin(tokens))
    assert bad.status_code == 422
    assert "不是周末" in bad.json()["detail"]
    both = notice(working_days=[{"date": "2027-01-02", "name": "元旦"}])
    clash = await client.put(f"{CAL}/notices/2027", json=both, headers=admin(tokens))
    assert clash.status_code == 422
    far = await client.get(f"{CAL}/years/9999")
    assert far.status_code == 422
    past = (await client.get(f"{CAL}/years/2020")).json()
    assert past["source"] == "package"
    assert {"date": "2020-10-10", "name": "国庆节"} in past["working_days"]


async def test_cli_loads_a_notice_file(
    requests_settings: RequestsSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(notice(), ensure_ascii=False), encoding="utf-8")
    assert await load_file(requests_settings, year=2027, path=path, loaded_by="test") == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x"}', encoding="utf-8")
    with pytest.raises(NoticeFileError):
        await load_file(requests_settings, year=2027, path=broken, loaded_by="test")
    monkeypatch.setenv("GONGKAI_REQUESTS_DATABASE_URL", requests_settings.database_url)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["load-holidays", "2027", str(path)])
    assert result.exit_code == 0, result.output
    assert "2027 年放假安排已载入" in result.output
    failed = await asyncio.to_thread(
        CliRunner().invoke, cli, ["load-holidays", "2027", str(broken)]
    )
    assert failed.exit_code == 1
