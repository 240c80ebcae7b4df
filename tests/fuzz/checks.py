"""Custom schemathesis checks, loaded by the CLI through ``SCHEMATHESIS_HOOKS=tests.fuzz.checks``.

- ``no_unmasked_pii`` (PII-01): no response of ``/api/v1/requests*`` carries an 18-digit 身份证号码
  with a valid check digit, or a string that is a mobile number (``^1\\d{10}$``). The reveal and
  the identity-proof download give cleartext on purpose and are left out.
- ``no_foreign_records``: no response carries a marker of a record the calling role may not see
  (another agency's draft document, another applicant's request). A marker of a document that the
  fuzzer itself published meanwhile is public, so a marker is reported only while an anonymous
  read of its record still fails.

The markers come from the JSON file named by ``GONGKAI_TEST_FUZZ_FORBIDDEN``.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import schemathesis

from services.common.identifiers import id_card_check_char

ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{16})([0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"^1[0-9]{10}$")
CLEARTEXT_ON_PURPOSE = re.compile(r"^/api/v1/requests/[^/]+/(reveal|attachments/[^/]+)$")


def _settings() -> dict[str, Any]:
    path = os.environ.get("GONGKAI_TEST_FUZZ_FORBIDDEN")
    if not path:
        return {"base_url": "", "forbidden": []}
    return dict(json.loads(Path(path).read_text()))


SETTINGS = _settings()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in [*value.keys(), *value.values()] for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def unmasked_pii(text: str, document: Any) -> list[str]:
    """The unmasked ID numbers in ``text`` and the mobile numbers among the JSON's strings."""
    found = [
        m.group(0)
        for m in ID_NUMBER.finditer(text)
        if id_card_check_char(m.group(1)) == m.group(2).upper()
    ]
    found += [s for s in _strings(document) if MOBILE.match(s)]
    return found


def _json(response: Any) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


@schemathesis.check
def no_unmasked_pii(ctx: Any, response: Any, case: Any) -> bool | None:
    path = case.formatted_path if hasattr(case, "formatted_path") else case.path
    if not str(case.path).startswith("/api/v1/requests") or CLEARTEXT_ON_PURPOSE.match(path):
        return None
    if "json" not in response.headers.get("content-type", [""])[0]:
        return None
    text = response.content.decode("utf-8", errors="replace")
    leaked = unmasked_pii(text, _json(response))
    if leaked:
        raise AssertionError(f"PII-01：{case.method} {path} 的响应含未脱敏的个人信息 {leaked}")
    return None


def _public_now(public_url: str | None) -> bool:
    if public_url is None:
        return False
    found = httpx.get(SETTINGS["base_url"] + public_url, timeout=30)
    return found.status_code == 200


@schemathesis.check
def no_foreign_records(ctx: Any, response: Any, case: Any) -> bool | None:
    text = response.content.decode("utf-8", errors="replace")
    for marker in SETTINGS["forbidden"]:
        if marker["text"] in text and not _public_now(marker["public_url"]):
            raise AssertionError(
                f"越权：{case.method} {case.path} 的响应含本角色无权看到的记录 {marker['text']}"
            )
    return None
