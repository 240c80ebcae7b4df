"""Personal data, tracking and access: masked everywhere, encrypted at rest, never logged,
visible in clear only to the handling agency's staff with pii:reveal, and audited."""

import base64
import datetime as dt
import logging
import re

import httpx
import pytest
from sqlmodel import select

from services.common.auth import Role
from services.common.db import Database
from services.requests.applications.models import Attachment, AuditEntry, InfoRequest
from services.requests.pii import PiiCipher, PiiKeyError
from services.requests.settings import RequestsSettings
from tests.requests.conftest import Agencies
from tests.requests.flow import Flow
from tests.support.catalog import credit_code
from tests.support.requests import (
    APPLICANT_ID,
    APPLICANT_NAME,
    APPLICANT_PHONE,
    BASE,
    officer,
    paper_body,
    person,
    request_body,
)
from tests.support.tokens import TokenMinter

# Not inside longer runs of letters and digits (hashes, ids), where such digits occur by chance.
ID_WITH_CHECKSUM = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1\d{10}(?![0-9A-Za-z])")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def assert_no_pii(text: str) -> None:
    assert APPLICANT_ID not in text
    assert APPLICANT_PHONE not in text
    assert APPLICANT_NAME not in text
    assert not ID_WITH_CHECKSUM.search(text)
    assert not MOBILE.search(text)


async def test_intake_validates_the_applicant(
    client: httpx.AsyncClient, agencies: Agencies
) -> None:
    """AUTHZ-04 for intake: a body setting "state" is refused with 422."""
    bad_id = APPLICANT_ID[:17] + ("0" if APPLICANT_ID[17] != "0" else "1")
    wrong = await client.post(
        BASE, json=request_body(agencies.a, applicant=person(id_number=bad_id))
    )
    assert wrong.status_code == 422
    assert "身份证号码校验位不正确" in wrong.json()["detail"]
    assert bad_id not in wrong.text
    org = {
        "kind": "organisation",
        "name": "某公司",
        "organisation_type": "commercial",
        "credit_code": "91620700MA00000000",
        "phone": "0936-1234567",
    }
    bad_code = await client.post(BASE, json=request_body(agencies.a, applicant=org))
    assert bad_code.status_code == 422
    assert "统一社会信用代码" in bad_code.json()["detail"]
    no_contact = person(phone=None, email=None, address=None)
    missing = await client.post(BASE, json=request_body(agencies.a, applicant=no_contact))
    assert missing.status_code == 422
    assert "联系方式" in missing.json()["detail"]
    unknown_agency = await client.post(
        BASE, json=request_body("00000000-0000-0000-0000-000000000001")
    )
    assert unknown_agency.status_code == 422
    assert "agency_id" in unknown_agency.json()["detail"]
    paper = await client.post(BASE, json=paper_body(agencies.a, dt.date(2025, 3, 3)))
    assert paper.status_code == 422
    assert paper.json()["type"].endswith("staff-only-fields")
    mass = await client.post(BASE, json=request_body(agencies.a, state="archived"))
    assert mass.status_code == 422


async def test_personal_data_is_encrypted_masked_and_never_logged(
    client: httpx.AsyncClient,
    tokens: TokenMinter,
    agencies: Agencies,
    requests_settings: RequestsSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """PII-04: ciphertext plus HMAC at rest, the wrong key id fails, the HMAC is stable; PII-01
    and PII-06 for these responses.
    """
    caplog.set_level(logging.DEBUG)
    attachment = {
        "filename": f"{APPLICANT_NAME}身份证.png",
        "content_base64": base64.b64encode(PNG).decode(),
    }
    made = await client.post(BASE, json=request_body(agencies.a, attachments=[attachment]))
    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    created = made.json()
    assert_no_pii(made.text)

    staff = await client.get(f"{BASE}/{created['id']}", headers=officer(tokens, agencies.a))
    assert staff.status_code == 200
    assert staff.headers["cache-control"] == "no-store"
    assert_no_pii(staff.text)
    applicant = staff.json()["applicant"]
    assert applicant["id_number"] == APPLICANT_ID[:4] + "*" * 10 + APPLICANT_ID[-4:]
    assert applicant["name"] == "张**"
    assert applicant["phone"] == "138****5678"

    tracked = await client.get(
        f"{BASE}/track",
        params={"number": created["tracking_number"], "code": created["query_code"]},
    )
    assert tracked.status_code == 200
    assert_no_pii(tracked.text)
    assert tracked.json()["applicant_name"] == "张**"

    database = Database(requests_settings.database_url)
    try:
        async with database.sessions() as session:
            row = (await session.exec(select(InfoRequest))).one()
            stored = (await session.exec(select(Attachment))).one()
    finally:
        await database.dispose()
    for column in ("name_enc", "id_number_enc", "phone_enc", "email_enc", "address_enc"):
        value = getattr(row, column)
        assert value.startswith("k1:")
        assert_no_pii(value)
    assert row.query_code_hash != created["query_code"]
    assert created["query_code"] not in row.query_code_hash
    assert PNG not in stored.content_enc
    cipher = PiiCipher.from_settings(requests_settings)
    assert cipher.decrypt(row.id_number_enc, purpose="id_number") == APPLICANT_ID
    assert row.id_number_hmac == cipher.lookup(APPLICANT_ID) == cipher.lookup(APPLICANT_ID.lower())
    with pytest.raises(PiiKeyError):
        cipher.decrypt(row.id_number_enc, purpose="phone")
    other_key = RequestsSettings(
        _env_file=None,  # type: ignore[call-arg]
        requests_pii_key=base64.b64encode(b"x" * 32).decode(),
        requests_pii_key_id="k2",
    )
    with pytest.raises(PiiKeyError):
        PiiCipher.from_settings(other_key).decrypt(row.id_number_enc, purpose="id_number")
    assert_no_pii(caplog.text)


async def test_reveal_is_for_the_handling_agency_with_permission_and_audited(
    client: httpx.AsyncClient,
    tokens: TokenMinter,
    agencies: Agencies,
    requests_settings: RequestsSettings,
) -> None:
    """PII-02: 403 without pii:reveal or from another agency; cleartext with it, one audit
    record without PII. FILE-01 download headers of identity proofs.
    """
    attachment = {"filename": "证件.png", "content_base64": base64.b64encode(PNG).decode()}
    made = (await client.post(BASE, json=request_body(agencies.a, attachments=[attachment]))).json()
    url = f"{BASE}/{made['id']}/reveal"
    body = {"reason": "电话联系申请人核实所需信息"}
    without = await client.post(url, json=body, headers=officer(tokens, agencies.a))
    assert without.status_code == 403
    other = await client.post(url, json=body, headers=officer(tokens, agencies.b, reveal=True))
    assert other.status_code == 403
    assert_no_pii(other.text)
    revealed = await client.post(url, json=body, headers=officer(tokens, agencies.a, reveal=True))
    assert revealed.status_code == 200
    assert revealed.headers["cache-control"] == "no-store"
    assert revealed.json()["id_number"] == APPLICANT_ID
    assert revealed.json()["name"] == APPLICANT_NAME

    staff = (await client.get(f"{BASE}/{made['id']}", headers=officer(tokens, agencies.a))).json()
    file_url = f"{BASE}/{made['id']}/attachments/{staff['attachments'][0]['id']}"
    assert (await client.get(file_url, headers=officer(tokens, agencies.a))).status_code == 403
    download = await client.get(file_url, headers=officer(tokens, agencies.a, reveal=True))
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    assert download.headers["x-content-type-options"] == "nosniff"

    database = Database(requests_settings.database_url)
    try:
        async with database.sessions() as session:
            entries = list(await session.exec(select(AuditEntry)))
    finally:
        await database.dispose()
    reveals = [e for e in entries if e.action == "reveal"]
    assert len(reveals) == 1
    assert reveals[0].actor == "officer-1"
    assert reveals[0].reason == body["reason"]
    assert str(reveals[0].request_id) == made["id"]
    assert {"create", "read", "attachment", "reveal"} <= {e.action for e in entries}
    for entry in entries:
        assert_no_pii(" ".join(str(v) for v in entry.model_dump().values()))


async def test_attachments_are_checked_by_content(
    client: httpx.AsyncClient, agencies: Agencies
) -> None:
    """FILE-01 for identity proofs: an .exe renamed .pdf gives 415."""
    exe = {"filename": "id.pdf", "content_base64": base64.b64encode(b"MZ\x90\x00rest").decode()}
    refused = await client.post(BASE, json=request_body(agencies.a, attachments=[exe]))
    assert refused.status_code == 415
    garbage = {"filename": "id.pdf", "content_base64": "!!!not base64!!!"}
    assert (
        await client.post(BASE, json=request_body(agencies.a, attachments=[garbage]))
    ).status_code == 422


async def test_other_agencies_see_nothing(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    """AUTHZ-01 for requests: agency B's officer and an applicant get 404/403 on agency A's
    request (every route: tests/gateway/test_bola.py).
    """
    flow = await Flow.start(
        client, officer(tokens, agencies.a), paper_body(agencies.a, dt.date(2025, 3, 3))
    )
    stranger = officer(tokens, agencies.b, reveal=True, subject="officer-b")
    read = await client.get(f"{BASE}/{flow.id}", headers=stranger)
    assert read.status_code == 404
    assert_no_pii(read.text)
    assert flow.number not in read.text
    moved = await client.post(
        f"{BASE}/{flow.id}/transitions",
        json={"action": "accept"},
        headers={**stranger, "If-Match": flow.etag or ""},
    )
    assert moved.status_code == 404
    queue = await client.get(f"{BASE}/queue", params={"agency_id": agencies.a}, headers=stranger)
    assert queue.status_code == 403, queue.text
    own = await client.get(f"{BASE}/queue", headers=stranger)
    assert own.status_code == 200
    assert own.json()["items"] == []
    applicant = tokens.headers(subject="citizen", roles=[Role.APPLICANT], scopes=["requests:read"])
    assert (await client.get(f"{BASE}/{flow.id}", headers=applicant)).status_code == 403
    assert (await client.get(f"{BASE}/{flow.id}")).status_code == 401
    # A staff token does not stand in for the query code.
    tracked = await client.get(
        f"{BASE}/track", params={"number": flow.number, "code": "WRONGCDE"}, headers=stranger
    )
    assert tracked.status_code == 404


async def test_tracking_reveals_nothing_without_the_code_and_is_throttled(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    made = (await client.post(BASE, json=request_body(agencies.a))).json()
    number, code = made["tracking_number"], made["query_code"]
    wrong_code = await client.get(f"{BASE}/track", params={"number": number, "code": "23456789"})
    unknown = await client.get(f"{BASE}/track", params={"number": "20250101-AAAAAA", "code": code})
    malformed = await client.get(f"{BASE}/track", params={"number": "'; drop table", "code": "x"})
    for response in (wrong_code, unknown, malformed):
        assert response.status_code == 404
        assert response.json()["detail"] == "查询号或查询码不正确，请核对回执上的查询号和查询码。"
        assert number not in response.text
    too_long = await client.get(f"{BASE}/track", params={"number": "9" * 41, "code": code})
    assert too_long.status_code == 422
    missing = await client.get(f"{BASE}/track", params={"number": number})
    assert missing.status_code == 422
    ok = await client.get(f"{BASE}/track", params={"number": number.lower(), "code": code.lower()})
    assert ok.status_code == 200
    assert set(ok.json()) == {
        "tracking_number", "applicant_name", "state", "state_label", "received_on", "due_on",
        "days_left", "due_provisional", "clock_stopped", "notices", "reply", "delivered_on",
    }  # fmt: skip

    for _ in range(4):  # one wrong attempt above, five per number allowed
        await client.get(f"{BASE}/track", params={"number": number, "code": "23456789"})
    throttled = await client.get(f"{BASE}/track", params={"number": number, "code": code})
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1

    # Per client address: guessing across many numbers is throttled too (20 by default).
    for i in range(20):
        await client.get(f"{BASE}/track", params={"number": f"20250101-AAAA{i:02d}", "code": code})
    other = (await client.post(BASE, json=request_body(agencies.a))).json()
    blocked = await client.get(
        f"{BASE}/track", params={"number": other["tracking_number"], "code": other["query_code"]}
    )
    assert blocked.status_code == 429


async def test_idempotent_creation(client: httpx.AsyncClient, agencies: Agencies) -> None:
    body = request_body(agencies.a)
    key = {"Idempotency-Key": "form-7f3a"}
    first = await client.post(BASE, json=body, headers=key)
    again = await client.post(BASE, json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    changed = await client.post(BASE, json={**body, "description": "另一件"}, headers=key)
    assert changed.status_code == 422
    assert changed.json()["type"].endswith("idempotency-key-reused")
    fresh = await client.post(BASE, json=body, headers={"Idempotency-Key": "form-8"})
    assert fresh.json()["id"] != first.json()["id"]


async def test_organisation_applicant_is_not_masked_but_its_people_are(
    client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies
) -> None:
    org = {
        "kind": "organisation",
        "name": "张掖市某某科技有限公司",
        "organisation_type": "commercial",
        "credit_code": credit_code("科技公司"),
        "legal_representative": APPLICANT_NAME,
        "phone": APPLICANT_PHONE,
    }
    made = await client.post(BASE, json=request_body(agencies.a, applicant=org))
    assert made.status_code == 201, made.text
    read = await client.get(f"{BASE}/{made.json()['id']}", headers=officer(tokens, agencies.a))
    assert read.json()["applicant"]["name"] == "张掖市某某科技有限公司"
    assert read.json()["annual_report_column"] == "商业企业"
    assert_no_pii(read.text.replace("张掖市某某科技有限公司", ""))
