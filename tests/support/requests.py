"""Builders of requests test data: applicants with valid check digits, bodies, staff tokens."""

import datetime as dt
from typing import Any

from services.common.auth import Role
from services.common.identifiers import id_card_check_char
from tests.support.catalog import credit_code
from tests.support.tokens import TokenMinter

BASE = "/api/v1/requests"
APPLICANT_NAME = "张三丰"
APPLICANT_PHONE = "13812345678"


def id_card(birth: str = "19900101", *, region: str = "310101", serial: str = "123") -> str:
    """A 身份证号码 that passes GB 11643."""
    first17 = region + birth + serial
    return first17 + id_card_check_char(first17)


APPLICANT_ID = id_card()


def person(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "natural_person",
        "name": APPLICANT_NAME,
        "id_type": "resident_id",
        "id_number": APPLICANT_ID,
        "phone": APPLICANT_PHONE,
        "email": "zhangsan@example.com",
        "address": "上海市黄浦区人民大道 200 号",
        "postcode": "200003",
        **fields,
    }


def company(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "organisation",
        "name": "张掖市某某律师事务所",
        "organisation_type": "legal_service",
        "credit_code": credit_code("律师事务所", division_code="620702"),
        "legal_representative": "李四",
        "contact_person": "王五",
        "phone": "0936-8212345",
        **fields,
    }


def request_body(agency_id: object, **fields: Any) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/requests``."""
    return {
        "agency_id": str(agency_id),
        "applicant": person(),
        "title": "2020 年城区道路改造项目资金安排",
        "description": "请公开 2020 年城区道路改造项目的资金安排文件。",
        "delivery_form": "paper",
        "delivery_way": "post",
        **fields,
    }


def paper_body(agency_id: object, arrived_on: dt.date, **fields: Any) -> dict[str, Any]:
    """A request handed in at the counter on ``arrived_on`` (registered by staff)."""
    values = {"channel": "in_person", "arrived_on": arrived_on.isoformat(), **fields}
    return request_body(agency_id, **values)


def officer(
    tokens: TokenMinter, agency_id: object, *, reveal: bool = False, subject: str = "officer-1"
) -> dict[str, str]:
    scopes = ["requests:read", "requests:write"] + (["pii:reveal"] if reveal else [])
    return tokens.headers(
        subject=subject, roles=[Role.REQUEST_OFFICER], scopes=scopes, agencies=[agency_id]
    )
