"""Builders of catalog test data: credit codes with valid check digits, divisions, agencies."""

import hashlib
from typing import Any

from services.catalog.agencies.models import AgencyKind
from services.catalog.agencies.schemas import AgencyCreate
from services.catalog.divisions.schemas import DivisionCreate
from services.common.identifiers import CREDIT_CODE_CHARSET, credit_code_check_char


def credit_code(seed: str, *, division_code: str = "620700") -> str:
    """A 统一社会信用代码 of a 机关 (registered by 机构编制部门: ``11``) that passes GB 32100."""
    digest = hashlib.sha256(seed.encode()).digest()
    body = "".join(CREDIT_CODE_CHARSET[b % 31] for b in digest[:9])
    first17 = "11" + division_code[:6] + body
    return first17 + credit_code_check_char(first17)


ZHANGYE_DIVISIONS = [
    DivisionCreate(code="620000", name="甘肃省"),
    DivisionCreate(code="620700", name="张掖市"),
    DivisionCreate(code="620702", name="甘州区"),
    DivisionCreate(code="620702001", name="东街街道"),
]


def agency_create(
    name: str = "张掖市人民政府办公室",
    *,
    division_code: str = "620700",
    kind: AgencyKind = AgencyKind.GOVERNMENT_OFFICE,
    **fields: Any,
) -> AgencyCreate:
    values: dict[str, Any] = {
        "name": name,
        "credit_code": credit_code(name, division_code=division_code),
        "division_code": division_code,
        "kind": kind,
        **fields,
    }
    return AgencyCreate(**values)


def agency_body(name: str = "张掖市人民政府办公室", **fields: Any) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/catalog/agencies``."""
    return agency_create(name, **fields).model_dump(mode="json", exclude_defaults=True)
