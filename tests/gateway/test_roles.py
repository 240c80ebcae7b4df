"""The role table: every declared route is reachable with our tokens, and the README is current."""

from pathlib import Path

import pytest

from gateway.oauth.scopes import ROLE_SCOPES, SCOPES_SUPPORTED
from gateway.roletable import access_rows, render, replace_in
from services.common.settings import ServiceSettings
from tests.conftest import ServiceSettingsFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def settings(
    make_service_settings: ServiceSettingsFactory, backend: str
) -> dict[str, ServiceSettings]:
    if backend != "sqlite":
        pytest.skip("the route table does not depend on the database")
    return await make_service_settings(["catalog", "documents", "requests"])


async def test_every_route_is_reachable_by_a_role_it_names(
    settings: dict[str, ServiceSettings],
) -> None:
    unreachable = []
    for method, path, access in access_rows(settings):
        assert access.scopes <= SCOPES_SUPPORTED, (method, path, access.scopes)
        if access.is_public:
            continue
        roles = access.roles or set(ROLE_SCOPES)
        if not any(access.scopes <= ROLE_SCOPES.get(role, frozenset()) for role in roles):
            unreachable.append((method, path))
    assert not unreachable, f"no role can be granted the scopes of {unreachable}"


async def test_readme_role_table_is_current(settings: dict[str, ServiceSettings]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = render(access_rows(settings))
    assert replace_in(readme, table) == readme, "run `gongkai role-table --write`"
