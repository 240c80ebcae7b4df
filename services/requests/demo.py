"""Demo requests (``gongkai demo``): a few requests at different steps, across agencies.

Idempotent: requests registered by the demo user are never created twice. Needs agencies in
the catalog; without any it loads nothing and says so.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter
from sqlmodel import col, select

from gateway.services import BY_NAME
from services.common.auth import Principal, Role
from services.common.client import ServiceClient
from services.common.db import Database
from services.common.identifiers import credit_code_check_char, id_card_check_char
from services.common.settings import ServiceSettings
from services.requests.applications import handling, service
from services.requests.applications.clock import china_today
from services.requests.applications.models import InfoRequest
from services.requests.applications.schemas import RequestCreate, Transition
from services.requests.pii import PiiCipher
from services.requests.settings import RequestsSettings

DEMO_USER = "demo-officer"

APPLICANTS: list[dict[str, Any]] = [
    {
        "kind": "natural_person",
        "name": "陈晓明",
        "id_type": "resident_id",
        "id_number": "62070219850312003" + id_card_check_char("62070219850312003"),
        "phone": "13909360001",
        "address": "张掖市甘州区县府街 10 号",
    },
    {
        "kind": "organisation",
        "name": "张掖市丝路律师事务所",
        "organisation_type": "legal_service",
        "credit_code": "31620000MD0000001" + credit_code_check_char("31620000MD0000001"),
        "contact_person": "刘律师",
        "phone": "0936-8000001",
    },
]

# (information sought, applicant, arrived days ago, steps as (action, days ago, fields))
SCENARIOS: list[tuple[str, int, int, list[tuple[str, int, dict[str, Any]]]]] = [
    (
        "2024 年城区老旧小区改造项目的资金安排文件",
        0,
        30,
        [
            ("accept", 25, {}),
            ("propose", 20, {"opinion": "文件已主动公开，告知获取途径。"}),
            (
                "decide",
                20,
                {
                    "reply_type": "already_public",
                    "reply_text": "该信息已在本机关门户网站“政府信息公开”栏目公开。",
                    "disclosed_files": [{"title": "老旧小区改造项目资金安排的通知"}],
                },
            ),
            ("submit_for_approval", 19, {}),
            ("deliver", 18, {"approver": "政务公开办主任"}),
        ],
    ),
    (
        "某地块国有土地使用权出让合同",
        1,
        8,
        [
            ("accept", 6, {}),
            ("start_consultation", 5, {"kind": "third_party", "party": "受让企业"}),
        ],
    ),
    (
        "去年的有关文件",
        0,
        4,
        [("request_clarification", 3, {"items": ["请写明文件名称、文号或其他特征"]})],
    ),
]


async def load(settings: Mapping[str, ServiceSettings]) -> str:
    """Load the demo requests; returns a one-line summary."""
    requests_settings = settings["requests"]
    assert isinstance(requests_settings, RequestsSettings)
    # Services never import each other; the composition root builds the catalog in-process.
    catalog_app = BY_NAME["catalog"].factory(settings["catalog"])
    async with catalog_app.router.lifespan_context(catalog_app):
        catalog = ServiceClient("catalog", app=catalog_app)
        try:
            listed = await catalog.get("/api/v1/catalog/agencies", params={"limit": 3})
            agencies = [a["id"] for a in (listed.body or {}).get("items", [])]
            if not agencies:
                return "目录中还没有机关，未载入依申请公开演示数据"
            return await _load(requests_settings, catalog, agencies)
        finally:
            await catalog.aclose()


async def _load(settings: RequestsSettings, catalog: ServiceClient, agencies: list[str]) -> str:
    ctx = service.Context(
        cipher=PiiCipher.from_settings(settings), settings=settings, catalog=catalog
    )
    database = Database(settings.database_url)
    today = china_today()
    created = 0
    try:
        async with database.write_sessions() as session:
            existing = await session.exec(
                select(InfoRequest.id).where(col(InfoRequest.registered_by) == DEMO_USER)
            )
            if existing.first() is not None:
                return "依申请公开演示数据已存在，未重复载入"
            for index, (title, applicant, days, steps) in enumerate(SCENARIOS):
                agency = agencies[index % len(agencies)]
                officer = Principal(
                    subject=DEMO_USER,
                    roles=frozenset({Role.REQUEST_OFFICER}),
                    agency_ids=frozenset({agency}),
                )
                arrived = today - dt.timedelta(days=days)
                body = RequestCreate.model_validate(
                    {
                        "agency_id": agency,
                        "applicant": APPLICANTS[applicant],
                        "title": title,
                        "description": f"请公开{title}。",
                        "delivery_form": "electronic",
                        "delivery_way": "online",
                        "channel": "in_person",
                        "arrived_on": arrived.isoformat(),
                    }
                )
                request, _code = await service.create(session, ctx, caller=officer, data=body)
                for action, days_ago, fields in steps:
                    on = max(today - dt.timedelta(days=days_ago), arrived)
                    transition = {"action": action, "on": on.isoformat(), **fields}
                    await handling.transition(
                        session,
                        ctx,
                        caller=officer,
                        request_id=request.id,
                        body=_transition(transition),
                        if_match=handling.etag(request),
                    )
                created += 1
            await session.commit()
    finally:
        await database.dispose()
    return f"载入 {created} 件依申请公开演示申请（{len(agencies)} 个机关）"


def _transition(data: dict[str, Any]) -> Any:
    return TypeAdapter(Transition).validate_python(data)
