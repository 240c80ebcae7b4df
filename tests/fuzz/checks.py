"""Custom schemathesis checks, loaded by the CLI through ``SCHEMATHESIS_HOOKS=tests.fuzz.checks``.

- ``no_unmasked_pii`` (PII-01): no response of ``/api/v1/requests*`` carries an 18-digit 身份证号码
  with a valid check digit, or a string that is a mobile number (``tests/support/pii.py``, the
  same rule as the response hook of the requests tests). The reveal and the identity-proof
  download give cleartext on purpose and are left out.
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

from tests.support.pii import personal_values

CLEARTEXT_ON_PURPOSE = re.compile(r"^/api/v1/requests/[^/]+/(reveal|attachments/[^/]+)$")


def _settings() -> dict[str, Any]:
    path = os.environ.get("GONGKAI_TEST_FUZZ_FORBIDDEN")
    if not path:
        return {"base_url": "", "forbidden": []}
    return dict(json.loads(Path(path).read_text()))


SETTINGS = _settings()


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
    leaked = personal_values(_json(response))
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
