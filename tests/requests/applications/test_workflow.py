"""Every handling path through the API, on SQLite and PostgreSQL: replies, 补正, consultation,
extension, fees, withdrawal, and the errors of illegal steps."""

import datetime as dt
from typing import Any

import httpx
import pytest

from services.common.workdays import DEFAULT_CALENDAR
from tests.requests.conftest import Agencies
from tests.requests.flow import Flow
from tests.support.requests import BASE, company, officer, paper_body
from tests.support.tokens import TokenMinter

D = dt.date
MONDAY = D(2025, 3, 3)  # March 2025 has no holiday: 20 working days end on 3/31.
FILES = [{"title": "张掖市2020年城区道路改造项目资金安排的通知", "url": "https://example.gov.cn/1"}]


def add(start: dt.date, days: int) -> dt.date:
    return DEFAULT_CALENDAR.add_working_days(start, days).date


async def start(client: httpx.AsyncClient, tokens: TokenMinter, agency: str, **fields: Any) -> Flow:
    return await Flow.start(client, officer(tokens, agency), paper_body(agency, MONDAY, **fields))


async def test_granted_from_counter_to_archive(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a, filled_by_staff=True)
    first = await flow.read()
    assert first["state"] == "registered"
    assert first["clock"]["received_on"] == "2025-03-03"
    assert first["clock"]["due_on"] == "2025-03-31"
    assert first["filled_by_staff"] is True
    assert first["receipt_rule"] == "当面提交的，以提交之日为收到申请之日"

    accepted = await flow.act("accept", D(2025, 3, 4))
    assert accepted["state"] == "accepted"
    await flow.act("assign", D(2025, 3, 4), assignee="officer-2")
    await flow.act("propose", D(2025, 3, 10), opinion="信息已制作，建议予以公开。")
    decided = await flow.act(
        "decide",
        D(2025, 3, 11),
        reply_type="granted",
        reply_text="予以公开。",
        disclosed_files=FILES,
    )
    assert decided["state"] == "decided"
    assert (await flow.act("submit_for_approval", D(2025, 3, 12)))["state"] == "approval"
    delivered = await flow.act("deliver", D(2025, 3, 13), approver="办公室主任 赵六")
    assert delivered["state"] == "delivered"
    assert delivered["closed_on"] == "2025-03-13"
    # A finished request is measured on the day it was delivered: 12 working days to spare.
    assert delivered["clock"]["days_left"] == 12
    archived = await flow.act("archive", D(2025, 3, 14))
    assert archived["state"] == "archived"

    assert [e["action"] for e in archived["events"]] == [
        "register", "accept", "assign", "propose", "decide",
        "submit_for_approval", "deliver", "archive",
    ]  # fmt: skip
    assert all(e["actor"] == "officer-1" for e in archived["events"])
    assert archived["events"][6]["data"]["approver"] == "办公室主任 赵六"
    assert archived["reply"]["label"] == "予以公开"
    assert "第三十六条第（二）项" in archived["reply"]["legal_basis"]
    assert archived["reply"]["disclosed_files"] == [{**FILES[0], "document_id": None}]
    assert archived["annual_report_column"] == "自然人"
    assert [r["key"] for r in archived["annual_report_rows"]] == ["1", "3.1"]
    assert archived["allowed_actions"] == []

    tracked = (await flow.track()).json()
    assert tracked["state_label"] == "归档"
    assert tracked["reply"]["legal_basis"] == archived["reply"]["legal_basis"]
    assert tracked["delivered_on"] == "2025-03-13"


REPLIES: list[tuple[dict[str, Any], str, str]] = [
    ({"reply_type": "already_public", "disclosed_files": FILES}, "3.1", "第三十六条第（一）项"),
    (
        {"reply_type": "partly", "refusal_ground": "third_party", "disclosed_files": FILES},
        "3.2",
        "第十五条",
    ),
    ({"reply_type": "refused", "refusal_ground": "state_secret"}, "3.3.1", "第十四条"),
    ({"reply_type": "refused", "refusal_ground": "law_prohibits"}, "3.3.2", "第十四条"),
    ({"reply_type": "refused", "refusal_ground": "security_stability"}, "3.3.3", "第十四条"),
    ({"reply_type": "refused", "refusal_ground": "third_party"}, "3.3.4", "第十五条"),
    ({"reply_type": "refused", "refusal_ground": "internal_affairs"}, "3.3.5", "第十六条第一款"),
    (
        {"reply_type": "refused", "refusal_ground": "process_information"},
        "3.3.6",
        "第十六条第二款",
    ),
    ({"reply_type": "refused", "refusal_ground": "enforcement_files"}, "3.3.7", "第十六条第二款"),
    (
        {"reply_type": "refused", "refusal_ground": "administrative_query"},
        "3.3.8",
        "第三十六条第（七）项",
    ),
    ({"reply_type": "not_held"}, "3.4.1", "第三十六条第（四）项"),
    ({"reply_type": "needs_creation"}, "3.4.2", "第三十八条"),
    ({"reply_type": "unclear"}, "3.4.3", "第三十条"),
    ({"reply_type": "petition"}, "3.5.1", "第三十九条第一款"),
    ({"reply_type": "repeat"}, "3.5.2", "第三十六条第（六）项"),
    ({"reply_type": "publication"}, "3.5.3", "第三十九条第二款"),
    ({"reply_type": "excessive"}, "3.5.4", "第三十五条"),
    ({"reply_type": "confirm_or_reissue"}, "3.5.5", "第三十九条第二款"),
    ({"reply_type": "special_statutory"}, "3.6.3", "第三十六条第（七）项"),
]


async def test_every_reply_type_with_its_ground_and_report_row(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    for decision, row, article in REPLIES:
        flow = await start(client, tokens, agencies.a, applicant=company())
        await flow.act("accept", D(2025, 3, 4))
        done = await flow.finish(D(2025, 3, 20), reply_text="答复如下。", **decision)
        assert done["state"] == "delivered"
        assert done["reply"]["reply_type"] == decision["reply_type"]
        assert article in done["reply"]["legal_basis"], decision
        assert done["annual_report_column"] == "法律服务机构"
        assert [r["key"] for r in done["annual_report_rows"]] == ["1", row], decision


async def test_not_ours_names_the_responsible_agency(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    await flow.act("accept", D(2025, 3, 4))
    await flow.act("propose", D(2025, 3, 5), opinion="不属于本机关。")
    missing = await flow.attempt("decide", D(2025, 3, 5), reply_type="not_ours", reply_text="x")
    assert missing.status_code == 422
    assert "负责机关" in missing.json()["detail"]
    unknown = await flow.attempt(
        "decide",
        D(2025, 3, 5),
        reply_type="not_ours",
        reply_text="x",
        responsible_agency_id="00000000-0000-0000-0000-000000000001",
    )
    assert unknown.status_code == 422
    assert "responsible_agency_id" in unknown.json()["detail"]
    decided = await flow.act(
        "decide",
        D(2025, 3, 5),
        reply_type="not_ours",
        reply_text="请向张掖市自然资源局申请。",
        responsible_agency_id=agencies.b,
    )
    assert decided["reply"]["responsible_agency_name"] == "张掖市自然资源局"
    assert decided["reply"]["responsible_agency_contact"] == "0936-8210000"
    await flow.act("submit_for_approval", D(2025, 3, 5))
    done = await flow.act("deliver", D(2025, 3, 6), approver="主任")
    assert [r["key"] for r in done["annual_report_rows"]] == ["1", "3.4.1"]


async def test_decisions_are_checked(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    await flow.act("accept", D(2025, 3, 4))
    await flow.act("propose", D(2025, 3, 5), opinion="拟不予公开。")
    cases = [
        ({"reply_type": "refused"}, "refusal-ground-required"),
        ({"reply_type": "not_held", "refusal_ground": "state_secret"}, "refusal-ground-unexpected"),
        ({"reply_type": "granted"}, "files-required"),
        ({"reply_type": "withdrawn"}, "reply-type-not-a-decision"),
    ]
    for decision, code in cases:
        response = await flow.attempt("decide", D(2025, 3, 5), reply_text="x", **decision)
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith(code)


async def test_clarification_answered_restarts_the_clock(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    asked = await flow.act(
        "request_clarification",
        D(2025, 3, 6),
        items=["请写明文件名称或文号"],
        correct_within_days=10,
    )
    assert asked["state"] == "clarification"
    assert asked["clock"]["due_on"] is None
    assert asked["clock"]["stopped"] == "等待申请人补正"
    again = await flow.attempt("request_clarification", D(2025, 3, 7), items=["再补"])
    assert again.status_code == 409
    answered = await flow.act(
        "receive_clarification", D(2025, 3, 14), description="请公开张政办发〔2020〕12号文件。"
    )
    assert answered["state"] == "accepted"
    assert answered["description"] == "请公开张政办发〔2020〕12号文件。"
    # 3/14 + 20 working days; 4/4 (Friday) is 清明 2025.
    assert answered["clock"]["due_on"] == "2025-04-14" == add(D(2025, 3, 14), 20).isoformat()
    texts = [s["text"] for s in answered["clock"]["explanation"]]
    assert "收到补正后的申请，重新计算 20 个工作日" in texts
    tracked = (await flow.track()).json()
    assert tracked["notices"][0]["text"].startswith("请于 2025-03-20 前补正")


async def test_clarification_only_within_seven_working_days(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    late = await flow.attempt("request_clarification", D(2025, 3, 13), items=["请写明文号"])
    assert late.status_code == 422
    assert "7 个工作日内" in late.json()["detail"]
    assert "2025-03-12" in late.json()["detail"]


async def test_clarification_not_answered_is_abandoned(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    await flow.act(
        "request_clarification", D(2025, 3, 4), items=["请写明文号"], correct_within_days=5
    )
    early = await flow.attempt("abandon", D(2025, 3, 11), reason="逾期未补正")
    assert early.status_code == 422
    assert "2025-03-11" in early.json()["detail"]
    done = await flow.act("abandon", D(2025, 3, 12), reason="申请人逾期未补正，视为放弃申请")
    assert done["state"] == "abandoned"
    assert done["reply"]["reply_type"] == "no_correction"
    assert [r["key"] for r in done["annual_report_rows"]] == ["1", "3.6.1"]
    assert (await flow.act("archive", D(2025, 3, 13)))["state"] == "archived"


async def test_consultations_pause_the_clock(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    await flow.act("accept", D(2025, 3, 4))
    first = await flow.act(
        "start_consultation", D(2025, 3, 5), kind="third_party", party="某某建设有限公司"
    )
    assert first["state"] == "consultation"
    assert first["clock"]["due_on"] is None
    assert first["clock"]["days_left"] == 18  # 3/4 and 3/5 were counted
    third = first["events"][-1]["data"]
    assert third["answer_by"] == add(D(2025, 3, 5), 15).isoformat()
    second = await flow.act(
        "start_consultation", D(2025, 3, 6), kind="joint_agency", party="张掖市财政局"
    )
    joint = second["events"][-1]["data"]["consultation_id"]
    wrong = await flow.attempt(
        "end_consultation", D(2025, 3, 7), consultation_id="nope", opinion="agree"
    )
    assert wrong.status_code == 422
    one = await flow.act(
        "end_consultation",
        D(2025, 3, 12),
        consultation_id=third["consultation_id"],
        opinion="disagree",
        reason="第三方不同意公开，认为涉及商业秘密",
    )
    assert one["state"] == "consultation"
    both = await flow.act(
        "end_consultation", D(2025, 3, 14), consultation_id=joint, opinion="no_reply"
    )
    assert both["state"] == "accepted"
    # Paused 3/6–3/14: 7 working days, the overlap counted once.
    assert both["clock"]["due_on"] == add(MONDAY, 27).isoformat()
    texts = [s["text"] for s in both["clock"]["explanation"]]
    assert "不计入答复期限的工作日合计 7 天（期间重叠的只计一次）" in texts
    done = await flow.finish(
        D(2025, 3, 20),
        reply_type="partly",
        refusal_ground="third_party",
        reply_text="部分公开。",
        disclosed_files=FILES,
    )
    assert [r["key"] for r in done["annual_report_rows"]] == ["1", "3.2"]


async def test_one_extension_with_approver(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    await flow.act("accept", D(2025, 3, 4))
    too_long = await flow.attempt("extend", D(2025, 3, 20), days=21, approver="主任", reason="x")
    assert too_long.status_code == 422
    no_approver = await flow.attempt("extend", D(2025, 3, 20), days=20, reason="x")
    assert no_approver.status_code == 422
    extended = await flow.act(
        "extend", D(2025, 3, 20), days=20, approver="政务公开办主任 钱七", reason="需调取档案"
    )
    assert extended["clock"]["due_on"] == add(MONDAY, 40).isoformat()
    assert "延长答复期限 20 个工作日（批准人：政务公开办主任 钱七）" in [
        s["text"] for s in extended["clock"]["explanation"]
    ]
    twice = await flow.attempt("extend", D(2025, 3, 21), days=5, approver="主任", reason="再延")
    assert twice.status_code == 409
    assert "只能延长一次" in twice.json()["detail"]
    tracked = (await flow.track()).json()
    assert tracked["due_on"] == add(MONDAY, 40).isoformat()

    late = await start(client, tokens, agencies.a)
    await late.act("accept", D(2025, 3, 4))
    expired = await late.attempt("extend", D(2025, 4, 1), days=5, approver="主任", reason="迟了")
    assert expired.status_code == 422
    assert "已于 2025-03-31 届满" in expired.json()["detail"]


async def test_fee_paid_pauses_and_resumes(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    await flow.act("accept", D(2025, 3, 4))
    notified = await flow.act("notify_fee", D(2025, 3, 10), basis="per_volume", pages=40)
    assert notified["state"] == "fee_pending"
    assert notified["fee_amount"] == 100
    assert notified["clock"]["due_on"] is None
    paid = await flow.act("record_payment", D(2025, 3, 14))
    assert paid["state"] == "accepted"
    # 3/11–3/14 (4 working days) waiting for payment are not counted.
    assert paid["clock"]["due_on"] == add(MONDAY, 24).isoformat()
    done = await flow.finish(
        D(2025, 3, 20), reply_type="granted", reply_text="见附件。", disclosed_files=FILES
    )
    assert [r["key"] for r in done["annual_report_rows"]] == ["1", "3.1"]
    tracked = (await flow.track()).json()
    assert any("信息处理费 100 元" in (n["text"] or "") for n in tracked["notices"])


async def test_fee_unpaid_ends_the_request(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    await flow.act("accept", D(2025, 3, 4))
    await flow.act("notify_fee", D(2025, 3, 10), basis="per_volume", pages=250)
    pay_by = add(D(2025, 3, 10), 20)
    assert pay_by == D(2025, 4, 8)  # 4/4 is 清明
    early = await flow.attempt("abandon", pay_by, reason="逾期未缴费")
    assert early.status_code == 422
    done = await flow.act("abandon", pay_by + dt.timedelta(days=1), reason="申请人逾期未缴费")
    assert done["state"] == "abandoned"
    assert done["reply"]["reply_type"] == "fee_unpaid"
    assert [r["key"] for r in done["annual_report_rows"]] == ["1", "3.6.2"]


async def test_withdrawn_and_then_nothing_else(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    done = await flow.act("withdraw", D(2025, 3, 5), reason="申请人书面撤回")
    assert done["state"] == "withdrawn"
    assert [r["key"] for r in done["annual_report_rows"]] == ["1", "3.6.3"]
    refused = await flow.attempt("accept", D(2025, 3, 6))
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == (
        "申请当前处于“撤回”，不能“受理”。当前可以进行的操作：归档。"
    )


async def test_illegal_and_malformed_steps_are_clear_problems(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    skipped = await flow.attempt("deliver", D(2025, 3, 5), approver="主任")
    assert skipped.status_code == 409
    assert skipped.json()["detail"].startswith("申请当前处于“登记”，不能“送达”")
    future = await flow.attempt("accept", D(2099, 1, 1))
    assert future.status_code == 422
    backwards = await flow.attempt("accept", D(2025, 3, 1))
    assert backwards.status_code == 422
    assert "不能早于上一步的日期" in backwards.json()["detail"]
    unknown = await flow.attempt("teleport")
    assert unknown.status_code == 422
    extra = await flow.attempt("accept", D(2025, 3, 4), state="archived")
    assert extra.status_code == 422


async def test_etag_and_if_match(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    url = f"{BASE}/{flow.id}/transitions"
    body = {"action": "accept", "on": "2025-03-04"}
    missing = await client.post(url, json=body, headers=flow.headers)
    assert missing.status_code == 428
    stale_tag = flow.etag
    await flow.act("assign", D(2025, 3, 4), assignee="officer-2")
    stale = await client.post(url, json=body, headers={**flow.headers, "If-Match": stale_tag or ""})
    assert stale.status_code == 412
    same = await client.get(
        f"{BASE}/{flow.id}", headers={**flow.headers, "If-None-Match": flow.etag or ""}
    )
    assert same.status_code == 304


@pytest.mark.parametrize("channel", ["online", "fax", "ordinary_post"])
async def test_confirmation_starts_the_clock(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies, channel: str
) -> None:
    headers = officer(tokens, agencies.a)
    body = paper_body(agencies.a, MONDAY, channel=channel)
    flow = await Flow.start(client, headers, body)
    waiting = await flow.read()
    assert waiting["clock"]["received_on"] is None
    assert waiting["clock"]["due_on"] is None
    refused = await flow.attempt("accept", D(2025, 3, 4))
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("receipt-not-confirmed")
    confirmed = await flow.act("confirm_receipt", D(2025, 3, 5))
    assert confirmed["confirmed_on"] == "2025-03-05"
    assert confirmed["arrived_on"] == "2025-03-03"
    assert confirmed["clock"]["due_on"] == add(D(2025, 3, 5), 20).isoformat()


async def test_registered_post_counts_from_signing(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a, channel="registered_post")
    read = await flow.read()
    assert read["clock"]["received_on"] == "2025-03-03"
    again = await flow.attempt("confirm_receipt", D(2025, 3, 4))
    assert again.status_code == 422


async def test_fee_per_request_counts_the_applicants_month(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flows = [await start(client, tokens, agencies.a) for _ in range(11)]
    for flow in flows:
        await flow.act("accept", D(2025, 3, 4))
    free = await flows[9].attempt("notify_fee", D(2025, 3, 10), basis="per_request")
    assert free.status_code == 422
    assert free.json()["type"].endswith("no-fee-due")
    eleventh = await flows[10].act("notify_fee", D(2025, 3, 10), basis="per_request")
    assert eleventh["fee_amount"] == 100
    explanation = eleventh["events"][-1]["data"]["explanation"]
    assert explanation[-1] == "应缴信息处理费合计 100 元。"


async def test_article_35_reasons_and_a_later_date(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    asked = await flow.act("ask_reasons", D(2025, 3, 4), reason="本月已申请 60 件，请说明理由")
    assert asked["state"] == "registered"
    await flow.act("accept", D(2025, 3, 10))
    earlier = await flow.attempt("set_later_date", D(2025, 3, 11), due_on="2025-03-20", reason="x")
    assert earlier.status_code == 422
    later = await flow.act(
        "set_later_date", D(2025, 3, 11), due_on="2025-06-30", reason="理由合理，但无法按期答复"
    )
    assert later["clock"]["due_on"] == "2025-06-30"
    assert "依第三十五条确定延后的答复期限" in [s["text"] for s in later["clock"]["explanation"]]
    tracked = (await flow.track()).json()
    assert tracked["due_on"] == "2025-06-30"
    assert [n["label"] for n in tracked["notices"]] == [
        "要求说明理由（第三十五条）", "受理", "确定延后答复期限（第三十五条）"
    ]  # fmt: skip

    unreasonable = await start(client, tokens, agencies.a)
    await unreasonable.act("accept", D(2025, 3, 4))
    done = await unreasonable.finish(
        D(2025, 3, 5), reply_type="excessive", reply_text="申请人未说明合理理由，不予处理。"
    )
    assert [r["key"] for r in done["annual_report_rows"]] == ["1", "3.5.4"]


async def test_audit_log_is_per_agency(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    await flow.act("accept", D(2025, 3, 4))
    admin_a = tokens.headers(
        subject="admin-a", roles=["agency_admin"], scopes=["requests:manage"], agencies=[agencies.a]
    )
    admin_b = tokens.headers(
        subject="admin-b", roles=["agency_admin"], scopes=["requests:manage"], agencies=[agencies.b]
    )
    log = await client.get(f"{BASE}/audit", params={"request_id": flow.id}, headers=admin_a)
    assert log.status_code == 200
    assert {e["action"] for e in log.json()} >= {"create", "read", "accept"}
    assert {e["actor"] for e in log.json()} == {"officer-1"}
    assert (await client.get(f"{BASE}/audit", headers=admin_b)).json() == []
    officer_only = await client.get(f"{BASE}/audit", headers=officer(tokens, agencies.a))
    assert officer_only.status_code == 403


async def test_applicant_withdraws_with_number_and_code(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    flow = await start(client, tokens, agencies.a)
    body = {"number": flow.number, "code": "23456789", "reason": "已不需要"}
    wrong = await client.post(f"{BASE}/track/withdraw", json=body)
    assert wrong.status_code == 404
    done = await client.post(f"{BASE}/track/withdraw", json={**body, "code": flow.code})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "withdrawn"
    again = await client.post(f"{BASE}/track/withdraw", json={**body, "code": flow.code})
    assert again.status_code == 409
    staff = await flow.read()
    assert staff["events"][-1]["actor"] == "applicant"
    assert staff["events"][-1]["reason"] == "已不需要"
