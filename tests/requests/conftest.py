"""Requests fixtures: the whole system with two agencies registered in the catalog."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from gateway.app import Gateway, create_app
from gateway.settings import GatewaySettings
from services.common.auth import Role
from services.common.settings import SERVICE_NAMES, ServiceSettings
from services.requests.settings import RequestsSettings
from tests.conftest import ServiceSettingsFactory
from tests.support.apps import client_for
from tests.support.catalog import ZHANGYE_DIVISIONS, agency_body
from tests.support.pii import check_response
from tests.support.tokens import TokenMinter


@dataclass(frozen=True)
class Agencies:
    a: str
    b: str


@pytest.fixture
async def system_settings(
    make_service_settings: ServiceSettingsFactory,
) -> dict[str, ServiceSettings]:
    return await make_service_settings(SERVICE_NAMES)


@pytest.fixture
def requests_settings(system_settings: dict[str, ServiceSettings]) -> RequestsSettings:
    settings = system_settings["requests"]
    assert isinstance(settings, RequestsSettings)
    return settings


@pytest.fixture
async def gateway(
    system_settings: dict[str, ServiceSettings], gateway_settings: GatewaySettings
) -> Gateway:
    """The whole system, with the services' settings at hand (to look into the database)."""
    return create_app(gateway_settings, system_settings)


@pytest.fixture
async def client(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """The all-in-one system, with PII-01 asserted on every /api/v1/requests* response."""
    async with client_for(gateway) as http:
        http.event_hooks["response"].append(check_response)
        yield http


@pytest.fixture
async def agencies(client: httpx.AsyncClient, tokens: TokenMinter) -> Agencies:
    """Two agencies in the catalog: A handles the requests, B is another agency."""
    admin = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])
    body = {"divisions": [d.model_dump(mode="json") for d in ZHANGYE_DIVISIONS]}
    loaded = await client.post("/api/v1/catalog/divisions/import", json=body, headers=admin)
    assert loaded.status_code == 200, loaded.text
    ids = []
    for name in ("张掖市人民政府办公室", "张掖市自然资源局"):
        extra = {"contact": {"phone": "0936-8210000"}} if name.endswith("局") else {}
        made = await client.post(
            "/api/v1/catalog/agencies", json=agency_body(name, **extra), headers=admin
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    return Agencies(*ids)
