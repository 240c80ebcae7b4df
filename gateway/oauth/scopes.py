"""Which scopes exist, and which ones each role may be granted."""

from collections.abc import Iterable

from services.common.auth import Role
from services.common.settings import SERVICE_NAMES


def _service_scopes(*actions: str) -> set[str]:
    return {f"{service}:{action}" for service in SERVICE_NAMES for action in actions}


SCOPES_SUPPORTED: frozenset[str] = frozenset(
    _service_scopes("read", "write", "publish", "manage") | {"opendata:read", "pii:reveal"}
)

_EDITING = {f"{s}:{a}" for s in ("catalog", "documents") for a in ("read", "write")}

# What each role may be granted; a token carries the intersection with what the app asked for
# and the client may have. tests/gateway/test_roles.py checks that every declared route is
# reachable by a role it names.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.APPLICANT: frozenset({"requests:read", "requests:write"}),
    Role.EDITOR: frozenset(_EDITING),
    Role.PUBLISHER: frozenset(_EDITING | {"catalog:publish", "documents:publish"}),
    Role.REQUEST_OFFICER: frozenset(
        {"catalog:read", "documents:read", "requests:read", "requests:write", "pii:reveal"}
    ),
    Role.AGENCY_ADMIN: SCOPES_SUPPORTED,
    Role.PLATFORM_ADMIN: SCOPES_SUPPORTED,
    Role.INTEGRATOR: frozenset({"opendata:read", "catalog:read", "documents:read"}),
}


def scopes_for_roles(roles: Iterable[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_SCOPES.get(role, frozenset())
    return frozenset(granted)


def split(value: str | None) -> list[str]:
    return [item for item in (value or "").split() if item]
