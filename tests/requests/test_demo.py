"""The demo loader: a few requests at different steps, loaded once."""

import httpx

from services.common.auth import Role
from services.common.settings import ServiceSettings
from services.requests import demo
from tests.requests.conftest import Agencies
from tests.support.requests import BASE
from tests.support.tokens import TokenMinter


async def test_demo_loads_once(
    client: httpx.AsyncClient,
    tokens: TokenMinter,
    system_settings: dict[str, ServiceSettings],
) -> None:
    assert await demo.load(system_settings) == "目录中还没有机关，未载入依申请公开演示数据"


async def test_demo_requests_across_agencies(
    client: httpx.AsyncClient,
    tokens: TokenMinter,
    agencies: Agencies,
    system_settings: dict[str, ServiceSettings],
) -> None:
    assert await demo.load(system_settings) == "载入 3 件依申请公开演示申请（2 个机关）"
    assert await demo.load(system_settings) == "依申请公开演示数据已存在，未重复载入"
    admin = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["requests:read"])
    queue = (await client.get(f"{BASE}/queue", headers=admin)).json()["items"]
    assert sorted(item["state"] for item in queue) == ["clarification", "consultation", "delivered"]
    assert {item["agency_id"] for item in queue} == {agencies.a, agencies.b}
