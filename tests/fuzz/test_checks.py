"""The fuzzer's own checks fail on what they look for (a check that cannot fail checks nothing)."""

from types import SimpleNamespace
from typing import Any

import pytest

from tests.fuzz import checks
from tests.support.requests import APPLICANT_ID, APPLICANT_PHONE


def _response(body: str, content_type: str = "application/json") -> Any:
    return SimpleNamespace(content=body.encode(), headers={"content-type": [content_type]})


def _case(path: str) -> Any:
    return SimpleNamespace(method="GET", path=path, formatted_path=path)


def test_clear_id_numbers_and_phones_fail_pii_01() -> None:
    case = _case("/api/v1/requests/queue")
    for leaked in (APPLICANT_ID, APPLICANT_PHONE):
        with pytest.raises(AssertionError, match="PII-01"):
            checks.no_unmasked_pii(None, _response(f'{{"items": [{{"x": "{leaked}"}}]}}'), case)
    masked = _response('{"id_number": "310101********1234", "phone": "138****5678"}')
    assert checks.no_unmasked_pii(None, masked, case) is None
    reveal = _case("/api/v1/requests/1/reveal")
    assert checks.no_unmasked_pii(None, _response(f'{{"x": "{APPLICANT_ID}"}}'), reveal) is None


def test_a_foreign_marker_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    marker = {"text": "FUZZREQUESTABC", "public_url": None}
    monkeypatch.setattr(checks, "SETTINGS", {"base_url": "", "forbidden": [marker]})
    with pytest.raises(AssertionError, match="FUZZREQUESTABC"):
        checks.no_foreign_records(None, _response('{"t": "申请FUZZREQUESTABC"}'), _case("/x"))
    assert checks.no_foreign_records(None, _response('{"t": "别的"}'), _case("/x")) is None
