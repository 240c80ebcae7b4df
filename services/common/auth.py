"""Who is calling: access-token verification and per-route access declarations.

Every service verifies tokens itself (RFC 9068 ``at+jwt``, RS256 only), in both run modes.
Each route declares its requirement with :func:`requires` or :func:`public`; the app
factory refuses to start with an undeclared route (deny by default).
"""

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
from fastapi import Depends, Request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from services.common.errors import Forbidden, Unauthorized

logger = logging.getLogger("gongkai.auth")

ALLOWED_ALGORITHMS = ("RS256",)
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})


class Role(StrEnum):
    """Roles carried in access tokens; anonymous callers have none."""

    APPLICANT = "applicant"
    EDITOR = "editor"
    PUBLISHER = "publisher"
    REQUEST_OFFICER = "request_officer"
    AGENCY_ADMIN = "agency_admin"
    PLATFORM_ADMIN = "platform_admin"
    INTEGRATOR = "integrator"


ROLE_LABELS = {
    Role.APPLICANT: "申请人",
    Role.EDITOR: "机关编辑",
    Role.PUBLISHER: "机关发布员",
    Role.REQUEST_OFFICER: "依申请公开经办人",
    Role.AGENCY_ADMIN: "机关管理员",
    Role.PLATFORM_ADMIN: "平台管理员",
    Role.INTEGRATOR: "数据对接方",
}

STAFF_ROLES = frozenset(
    {Role.EDITOR, Role.PUBLISHER, Role.REQUEST_OFFICER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN}
)


@dataclass(frozen=True)
class Principal:
    """The verified caller. ``agency_ids`` are the agencies a staff member acts for."""

    subject: str | None = None
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    agency_ids: frozenset[str] = frozenset()
    client_id: str | None = None
    token_id: str | None = None
    issued_at: int | None = None
    auth_time: int | None = None
    acr: str | None = None
    token: str | None = field(default=None, repr=False, compare=False)

    @property
    def is_anonymous(self) -> bool:
        return self.subject is None

    @property
    def is_platform_admin(self) -> bool:
        return Role.PLATFORM_ADMIN in self.roles

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def acts_for(self, agency_id: object) -> bool:
        """Staff act only within their own agencies; platform admins within all."""
        if self.is_platform_admin:
            return True
        return self.is_staff and str(agency_id) in self.agency_ids


ANONYMOUS = Principal()


class KeySource:
    """Where verification keys come from: a local JWKS file or a URL, refetched sparingly."""

    def __init__(
        self,
        *,
        url: str | None = None,
        path: Path | None = None,
        keys: KeySet | None = None,
        min_refetch_seconds: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url, self.path = url, path
        self._keys = keys
        self._fetched_at = float("-inf")
        self._min_refetch = min_refetch_seconds
        self._transport = transport
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def get(self) -> KeySet:
        if self._keys is None:
            async with self._lock:
                if self._keys is None:  # concurrent first callers share one load
                    await self._load()
        assert self._keys is not None
        return self._keys

    async def refresh(self, *, force: bool = False) -> bool:
        """Reload the keys; at most once a minute unless forced. True if reloaded.

        Only unforced reloads (an unknown ``kid``) start the minute: the first load does not,
        so a token signed with a key rotated in just after start-up is not refused for a minute.
        """
        async with self._lock:
            now = time.monotonic()
            if not force:
                if now - self._fetched_at < self._min_refetch:
                    return False
                self._fetched_at = now
            await self._load()
            return True

    async def _load(self) -> None:
        self.fetch_count += 1
        if self.url:
            async with httpx.AsyncClient(transport=self._transport, timeout=5) as client:
                response = await client.get(self.url)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
        elif self.path is not None:
            self._keys = KeySet.import_key_set(_read_jwks(self.path))


def _read_jwks(path: Path) -> Any:
    if not path.exists():
        return {"keys": []}
    return json.loads(path.read_text(encoding="utf-8"))


class TokenVerifier:
    """Verifies RFC 9068 access tokens: RS256 only; typ, kid, iss, aud, exp, sub, client_id,
    iat and jti required; nbf honoured when present."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: KeySource,
        leeway: int = 30,
        now: Callable[[], int] | None = None,
        is_revoked: Callable[[dict[str, Any]], Awaitable[bool]] | None = None,
    ) -> None:
        self.issuer, self.audience, self.keys, self.leeway = issuer, audience, keys, leeway
        self._now = now or (lambda: int(time.time()))
        self._is_revoked = is_revoked

    async def verify(self, token: str) -> Principal:
        key_set = await self.keys.get()
        try:
            decoded = jwt.decode(token, key_set, algorithms=ALLOWED_ALGORITHMS)
        except JoseError as exc:
            if "kid" not in str(exc) or not await self.keys.refresh():
                raise invalid_token() from None
            try:
                decoded = jwt.decode(token, await self.keys.get(), algorithms=ALLOWED_ALGORITHMS)
            except JoseError:
                raise invalid_token() from None
        except ValueError:
            raise invalid_token() from None
        if decoded.header.get("typ") not in ACCESS_TOKEN_TYPES or not decoded.header.get("kid"):
            raise invalid_token()
        claims = decoded.claims
        registry = JWTClaimsRegistry(
            now=self._now,
            leeway=self.leeway,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            exp={"essential": True},
            sub={"essential": True},
            # RFC 9068 §2.2: an ID token or any other JWT lacks these.
            client_id={"essential": True},
            iat={"essential": True},
            jti={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError:
            raise invalid_token() from None
        if self._is_revoked is not None and await self._is_revoked(claims):
            raise invalid_token()
        return principal_from_claims(claims, token)


@dataclass(frozen=True)
class DenySnapshot:
    """Access tokens refused before they expire: by ``jti``, and per subject "not before"."""

    jtis: frozenset[str] = frozenset()
    not_before: dict[str, int] = field(default_factory=dict)

    def refuses(self, claims: dict[str, Any]) -> bool:
        if claims.get("jti") in self.jtis:
            return True
        limit = self.not_before.get(str(claims.get("sub")))
        return limit is not None and int(claims.get("iat") or 0) < limit

    @classmethod
    def from_json(cls, data: Any) -> "DenySnapshot":
        return cls(
            jtis=frozenset(str(j) for j in data.get("jtis", [])),
            not_before={str(k): int(v) for k, v in data.get("not_before", {}).items()},
        )


class DenylistSource:
    """Where a verifier learns of denied tokens; the base class denies nothing."""

    async def snapshot(self) -> DenySnapshot:
        return DenySnapshot()


class HttpDenylist(DenylistSource):
    """The gateway's denylist fetched over HTTP (distributed mode), at most once a ``ttl``.

    A failed fetch keeps the last list (tokens live ten minutes, the list only grows
    within that time) and is retried on the next request after ``ttl``.
    """

    def __init__(
        self, url: str, *, ttl: float = 0.5, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.url, self.ttl = url, ttl
        self._snapshot = DenySnapshot()
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self._transport = transport

    async def snapshot(self) -> DenySnapshot:
        if time.monotonic() - self._fetched_at < self.ttl:
            return self._snapshot
        async with self._lock:
            if time.monotonic() - self._fetched_at >= self.ttl:
                self._fetched_at = time.monotonic()
                try:
                    async with httpx.AsyncClient(transport=self._transport, timeout=2) as client:
                        response = await client.get(self.url)
                        response.raise_for_status()
                        self._snapshot = DenySnapshot.from_json(response.json())
                except (httpx.HTTPError, ValueError):
                    logger.warning("denylist fetch from %s failed; keeping the last list", self.url)
        return self._snapshot


def denylist_check(source: DenylistSource) -> Callable[[dict[str, Any]], Awaitable[bool]]:
    async def is_revoked(claims: dict[str, Any]) -> bool:
        return (await source.snapshot()).refuses(claims)

    return is_revoked


def principal_from_claims(claims: dict[str, Any], token: str | None = None) -> Principal:
    def strings(value: Any) -> frozenset[str]:
        if isinstance(value, str):
            return frozenset(value.split())
        if isinstance(value, list):
            return frozenset(str(v) for v in value)
        return frozenset()

    return Principal(
        subject=str(claims["sub"]),
        roles=strings(claims.get("roles")),
        scopes=strings(claims.get("scope")),
        agency_ids=strings(claims.get("agencies")),
        client_id=claims.get("client_id"),
        token_id=claims.get("jti"),
        issued_at=claims.get("iat"),
        auth_time=claims.get("auth_time"),
        acr=claims.get("acr"),
        token=token,
    )


def invalid_token() -> Unauthorized:
    return Unauthorized(
        "访问令牌无效或已过期，请重新登录后再试。",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


async def current_principal(request: Request) -> Principal:
    """The caller of this request: anonymous without a token, 401 with a bad one."""
    header = request.headers.get("authorization")
    principal = ANONYMOUS
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise invalid_token()
        verifier: TokenVerifier = request.app.state.token_verifier
        principal = await verifier.verify(token.strip())
    return principal


MFA_ACR_VALUES = frozenset({"mfa", "urn:gongkai:acr:mfa"})
STEP_UP_MAX_AGE = 15 * 60


@dataclass(frozen=True)
class Access:
    """A route's requirement: any of ``roles`` (empty: anyone) and all of ``scopes``.

    ``step_up`` routes (publishing) also need a multi-factor login within 15 minutes.
    """

    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    step_up: bool = False

    @property
    def is_public(self) -> bool:
        return not self.roles and not self.scopes and not self.step_up

    def describe(self) -> dict[str, Any]:
        return {
            "public": self.is_public,
            "roles": sorted(self.roles),
            "scopes": sorted(self.scopes),
            "step_up": self.step_up,
        }


class _AccessCheck:
    """The dependency behind :func:`requires`; the app factory finds routes by this type."""

    def __init__(self, access: Access) -> None:
        self.access = access

    async def __call__(self, request: Request) -> Principal:
        principal = await current_principal(request)
        access = self.access
        if access.is_public:
            return principal
        if principal.is_anonymous:
            raise Unauthorized(
                "此操作需要登录，请先登录或提供访问令牌。",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if access.roles and not principal.roles & access.roles:
            raise Forbidden("当前身份无权执行此操作。")
        missing = access.scopes - principal.scopes
        if missing:
            raise Forbidden(
                "访问令牌缺少所需权限范围：" + "、".join(sorted(missing)),
                headers={
                    "WWW-Authenticate": 'Bearer error="insufficient_scope", scope="'
                    + " ".join(sorted(access.scopes))
                    + '"'
                },
            )
        if access.step_up and not _recent_mfa(principal):
            raise Unauthorized(
                "此操作需要在 15 分钟内完成多因素认证，请重新验证身份后再试。",
                headers={"WWW-Authenticate": 'Bearer error="insufficient_user_authentication"'},
            )
        return principal


def _recent_mfa(principal: Principal) -> bool:
    if principal.acr not in MFA_ACR_VALUES or principal.auth_time is None:
        return False
    return time.time() - principal.auth_time <= STEP_UP_MAX_AGE


def requires(
    *, roles: Iterable[str] = (), scopes: Iterable[str] = (), step_up: bool = False
) -> Any:
    """Declare who may call a route; use as ``Annotated[Principal, requires(...)]``."""
    return Depends(_AccessCheck(Access(frozenset(roles), frozenset(scopes), step_up)))


def public() -> Any:
    """Declare a route open to everyone (the caller, possibly anonymous, is still known)."""
    return Depends(_AccessCheck(Access()))


def declared_access(dependant_calls: Iterable[object]) -> Access | None:
    for call in dependant_calls:
        if isinstance(call, _AccessCheck):
            return call.access
    return None


__all__ = [
    "ANONYMOUS",
    "Access",
    "DenySnapshot",
    "DenylistSource",
    "HttpDenylist",
    "KeySource",
    "Principal",
    "Role",
    "TokenVerifier",
    "current_principal",
    "public",
    "requires",
]
