"""Letters of a request, generated from its events: staff and applicant downloads, DOCX and PDF."""

import datetime as dt
import io

import docx
import httpx
from pypdf import PdfReader

from tests.requests.conftest import Agencies
from tests.requests.flow import Flow
from tests.support.requests import APPLICANT_NAME, BASE, officer, paper_body
from tests.support.tokens import TokenMinter

D = dt.date


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def pdf_text(content: bytes) -> str:
    # pypdf reads the embedded CID font as two-byte codes: drop the high NUL bytes.
    pages = PdfReader(io.BytesIO(content)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\x00", "")


async def test_letters_follow_the_events(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    headers = officer(tokens, agencies.a)
    flow = await Flow.start(client, headers, paper_body(agencies.a, D(2025, 3, 3)))
    await flow.act(
        "request_clarification", D(2025, 3, 4), items=["请写明文件名称"], correct_within_days=5
    )
    await flow.act("receive_clarification", D(2025, 3, 6))
    await flow.act(
        "start_consultation", D(2025, 3, 7), kind="third_party", party="某某建设有限公司"
    )
    consulted = await flow.read()
    consultation_id = consulted["events"][-1]["data"]["consultation_id"]
    await flow.act(
        "end_consultation", D(2025, 3, 10), consultation_id=consultation_id, opinion="disagree"
    )
    await flow.act("extend", D(2025, 3, 11), days=10, approver="主任", reason="需要调取档案")
    await flow.act("notify_fee", D(2025, 3, 12), basis="per_volume", pages=40)
    await flow.act("record_payment", D(2025, 3, 13))
    done = await flow.finish(
        D(2025, 3, 20),
        reply_type="refused",
        refusal_ground="third_party",
        reply_text="第三方不同意公开，经审查涉及商业秘密。",
    )
    assert done["state"] == "delivered"

    staff = await client.get(f"{BASE}/{flow.id}/letters", headers=headers)
    assert [item["kind"] for item in staff.json()] == [
        "clarification_notice", "consultation_letter", "extension_notice", "fee_notice", "reply",
    ]  # fmt: skip
    params = {"number": flow.number, "code": flow.code}
    mine = await client.get(f"{BASE}/track/letters", params=params)
    assert mine.status_code == 200
    listed = {item["kind"]: item["sequence"] for item in mine.json()}
    assert set(listed) == {"clarification_notice", "extension_notice", "fee_notice", "reply"}

    reply_docx = await client.get(
        f"{BASE}/track/letters/{listed['reply']}", params={**params, "format": "docx"}
    )
    assert reply_docx.status_code == 200, reply_docx.text
    assert reply_docx.headers["cache-control"] == "no-store"
    text = docx_text(reply_docx.content)
    assert APPLICANT_NAME in text
    assert flow.number in text
    assert "2025年3月3日" in text  # received
    assert "2025年3月20日" in text  # issued
    assert "第十五条" in text
    assert "张掖市人民政府办公室" in text

    reply_pdf = await client.get(f"{BASE}/track/letters/{listed['reply']}", params=params)
    assert reply_pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(reply_pdf.content)
    assert APPLICANT_NAME in text
    assert "第十五条" in text

    fee = await client.get(
        f"{BASE}/track/letters/{listed['fee_notice']}", params={**params, "format": "docx"}
    )
    assert "100" in docx_text(fee.content)
    extension = await client.get(
        f"{BASE}/track/letters/{listed['extension_notice']}", params={**params, "format": "docx"}
    )
    extension_text = docx_text(extension.content)
    assert "需要调取档案" in extension_text

    consultation_sequence = staff.json()[1]["sequence"]
    hidden = await client.get(f"{BASE}/track/letters/{consultation_sequence}", params=params)
    assert hidden.status_code == 404
    letter = await client.get(
        f"{BASE}/{flow.id}/letters/{consultation_sequence}",
        params={"format": "docx"},
        headers=headers,
    )
    assert letter.status_code == 200
    assert "某某建设有限公司" in docx_text(letter.content)
    wrong = await client.get(
        f"{BASE}/track/letters/{listed['reply']}", params={**params, "code": "23456789"}
    )
    assert wrong.status_code == 404
    stranger = await client.get(f"{BASE}/{flow.id}/letters", headers=officer(tokens, agencies.b))
    assert stranger.status_code == 404
