"""PII-01 in the test environment: no response of ``/api/v1/requests*`` carries a clear ID
number (18 digits with a valid GB 11643 check character) or a mobile number in any field,
whichever view (applicant, staff, public) asked. Only the audited reveal returns them."""

import json
import re
from typing import Any

import httpx

from services.common.identifiers import is_valid_id_card

REQUESTS = "/api/v1/requests"
ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"^\+?(?:86)?1\d{10}$")
# The one place that returns personal data in clear, to the handling agency, audited (PII-02).
EXEMPT = re.compile(r"^/api/v1/requests/[^/]+/reveal$")


def personal_values(value: Any, path: str = "") -> list[str]:
    """Where in a JSON value an unmasked ID number or mobile number appears."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += personal_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += personal_values(item, f"{path}[{index}]")
    elif isinstance(value, str):
        if MOBILE.match(value.strip().replace(" ", "").replace("-", "")):
            found.append(f"{path}: mobile")
        if any(is_valid_id_card(m.upper()) for m in ID_CANDIDATE.findall(value)):
            found.append(f"{path}: id number")
    return found


async def check_response(response: httpx.Response) -> None:
    """An httpx response hook: fails the request that returned personal data."""
    path = response.request.url.path
    if not path.startswith(REQUESTS) or EXEMPT.match(path):
        return
    if "json" not in response.headers.get("content-type", ""):
        return
    await response.aread()
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    found = personal_values(body)
    assert not found, f"PII-01: {response.request.method} {path} → {found}"
