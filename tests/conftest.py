"""Fixtures shared by every test: backends, fresh databases, tokens, and running apps."""

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path

import httpx
import pytest

from gateway.app import Gateway, create_app
from gateway.services import BY_NAME
from gateway.settings import GatewaySettings
from services.common.settings import SERVICE_NAMES, ServiceSettings
from tests.support import logcheck
from tests.support.apps import client_for
from tests.support.databases import DatabaseFactory, in_ci, postgres_reachable
from tests.support.tokens import TokenMinter

# The developer's own configuration must not leak into tests.
for _name in list(os.environ):
    if _name.startswith("GONGKAI_") and not _name.startswith("GONGKAI_TEST_"):
        del os.environ[_name]

POSTGRES_PROBLEM: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global POSTGRES_PROBLEM  # noqa: PLW0603 (decided once per run, read by fixtures)
    logcheck.configure(config)
    POSTGRES_PROBLEM = asyncio.run(postgres_reachable())
    if POSTGRES_PROBLEM and in_ci():
        pytest.exit(
            "CI=true 时必须在 PostgreSQL 上运行测试，但无法连接 "
            f"（GONGKAI_TEST_POSTGRES_URL，默认 postgresql://postgres@127.0.0.1:5432/test）："
            f"{POSTGRES_PROBLEM}",
            returncode=3,
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with a slow test run first: on two workers, the last long test sets the
    run's end, so the long ones go first and the many short ones fill in after them."""
    slow = {item.module for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module not in slow)  # stable: order within is kept


def pytest_sessionfinish(session: pytest.Session) -> None:
    logcheck.finish(session)  # PII-03: no personal data or secret in any log of the run


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gongkai")


@pytest.fixture(scope="session")
async def database_factories(tmp_root: Path) -> AsyncIterator[dict[str, DatabaseFactory]]:
    factories = {
        "sqlite": DatabaseFactory("sqlite", tmp_root / "sqlite"),
        "postgresql": DatabaseFactory("postgresql", tmp_root / "pg"),
    }
    (tmp_root / "sqlite").mkdir()
    yield factories
    for factory in factories.values():
        await factory.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Each database test runs on SQLite and on PostgreSQL."""
    if request.param == "postgresql" and POSTGRES_PROBLEM:
        pytest.skip(f"PostgreSQL 不可用：{POSTGRES_PROBLEM}")
    return str(request.param)


FreshDatabase = Callable[[str], Awaitable[str]]


@pytest.fixture
async def fresh_database(
    backend: str, database_factories: dict[str, DatabaseFactory]
) -> AsyncIterator[FreshDatabase]:
    """``await fresh_database("catalog")``: a migrated, empty database URL for this test."""
    factory = database_factories[backend]
    made: list[str] = []

    async def make(service: str) -> str:
        url = await factory.fresh(service)
        made.append(url)
        return url

    yield make
    if backend == "postgresql":
        for url in made:
            await factory.release(factory.database_name(url))


@pytest.fixture(scope="session")
def tokens() -> TokenMinter:
    return TokenMinter()


@pytest.fixture
def data_dir(tmp_path: Path, tokens: TokenMinter) -> Path:
    tokens.write_jwks(tmp_path)
    return tmp_path


ServiceSettingsFactory = Callable[[Iterable[str]], Awaitable[dict[str, ServiceSettings]]]


@pytest.fixture
def make_service_settings(fresh_database: FreshDatabase, data_dir: Path) -> ServiceSettingsFactory:
    async def make(names: Iterable[str] = SERVICE_NAMES) -> dict[str, ServiceSettings]:
        settings: dict[str, ServiceSettings] = {}
        for name in names:
            url = await fresh_database(name)
            settings[name] = BY_NAME[name].settings_class(
                _env_file=None,  # type: ignore[call-arg]
                environment="test",
                data_dir=data_dir,
                **{f"{name}_database_url": url},
            )
        return settings

    return make


@pytest.fixture
async def gateway_settings(data_dir: Path, fresh_database: FreshDatabase) -> GatewaySettings:
    """The gateway's settings, with its own fresh database (users, clients, tokens)."""
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=data_dir,
        gateway_database_url=await fresh_database("gateway"),
    )


@pytest.fixture
async def gateway(
    make_service_settings: ServiceSettingsFactory, gateway_settings: GatewaySettings
) -> Gateway:
    """The whole system in one process, on fresh databases of the test's backend."""
    return create_app(gateway_settings, await make_service_settings(SERVICE_NAMES))


@pytest.fixture
async def client(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the running all-in-one gateway."""
    async with client_for(gateway) as http:
        yield http
