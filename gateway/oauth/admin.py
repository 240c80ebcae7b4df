"""Administration: staff accounts and integrator clients (used by the CLI and by tests)."""

import json
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from joserfc.jwk import KeySet

from gateway.oauth.models import Client, SubjectNotBefore, User
from gateway.oauth.passwords import hash_password, hash_secret, new_client_secret
from gateway.oauth.scopes import SCOPES_SUPPORTED
from gateway.oauth.store import GatewayDenylist, OAuthStore
from services.common.auth import Role
from services.common.db import Database

AUTH_METHODS = ("client_secret_basic", "private_key_jwt", "none")
GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{3,100}$")


class AdminError(ValueError):
    """A refused administrative request, with a Chinese message."""


@dataclass(frozen=True)
class NewClient:
    client_id: str
    secret: str | None


def _check_roles(roles: Iterable[str]) -> list[str]:
    known = {r.value for r in Role}
    roles = list(roles)
    unknown = [r for r in roles if r not in known]
    if unknown:
        raise AdminError(
            "未知的角色：" + "、".join(unknown) + "（可选：" + "、".join(sorted(known)) + "）"
        )
    return roles


def _check_agencies(agencies: Iterable[str]) -> list[str]:
    out = []
    for agency in agencies:
        try:
            out.append(str(uuid.UUID(agency)))
        except ValueError:
            raise AdminError(f"机关编号 {agency} 不是有效的 UUID") from None
    return out


async def create_user(
    database: Database,
    *,
    username: str,
    password: str,
    roles: Iterable[str],
    agencies: Iterable[str] = (),
    display_name: str = "",
) -> User:
    roles = _check_roles(roles)
    agencies = _check_agencies(agencies)
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    async with database.write_sessions() as session:
        store = OAuthStore(session, GatewayDenylist())
        if await store.user_by_name(username) is not None:
            raise AdminError(f"用户名 {username} 已存在")
        user = User(
            username=username,
            password_hash=password_hash,
            display_name=display_name,
            roles=" ".join(roles),
            agencies=" ".join(agencies),
        )
        session.add(user)
        await session.commit()
    return user


async def create_client(
    database: Database,
    *,
    client_id: str,
    name: str = "",
    auth_method: str = "client_secret_basic",
    grant_types: Iterable[str] = ("client_credentials",),
    scopes: Iterable[str] = (),
    roles: Iterable[str] = (Role.INTEGRATOR,),
    agencies: Iterable[str] = (),
    redirect_uris: Iterable[str] = (),
    jwks: str | None = None,
) -> NewClient:
    """A client; the secret (client_secret_basic) is returned once and stored only hashed."""
    if not _CLIENT_ID.match(client_id):
        raise AdminError("客户端编号只能包含字母、数字、点、下划线和连字符（3–100 个字符）")
    if auth_method not in AUTH_METHODS:
        raise AdminError("认证方式只能是 " + "、".join(AUTH_METHODS))
    grants = list(grant_types)
    if any(g not in GRANT_TYPES for g in grants):
        raise AdminError("授权类型只能是 " + "、".join(GRANT_TYPES))
    scope_list = list(scopes)
    if any(s not in SCOPES_SUPPORTED for s in scope_list):
        raise AdminError(
            "未知的权限范围：" + "、".join(s for s in scope_list if s not in SCOPES_SUPPORTED)
        )
    if auth_method == "private_key_jwt":
        if not jwks:
            raise AdminError("private_key_jwt 客户端必须提供公钥（JWKS）")
        try:
            KeySet.import_key_set(json.loads(jwks))
        except (ValueError, TypeError, KeyError):
            raise AdminError("公钥（JWKS）格式不正确") from None
    if auth_method == "none" and "client_credentials" in grants:
        raise AdminError("公开客户端（无密钥）不能使用 client_credentials")
    secret = new_client_secret() if auth_method == "client_secret_basic" else None
    async with database.write_sessions() as session:
        if await session.get(Client, client_id) is not None:
            raise AdminError(f"客户端 {client_id} 已存在")
        session.add(
            Client(
                client_id=client_id,
                name=name,
                secret_hash=hash_secret(secret) if secret else None,
                auth_method=auth_method,
                jwks=jwks,
                redirect_uris=" ".join(redirect_uris),
                grant_types=" ".join(grants),
                scope=" ".join(scope_list),
                roles=" ".join(_check_roles(roles)),
                agencies=" ".join(_check_agencies(agencies)),
            )
        )
        await session.commit()
    return NewClient(client_id, secret)


async def disable_user(database: Database, user_id: uuid.UUID) -> None:
    """Disable an account and refuse every token it holds from now on."""
    async with database.write_sessions() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise AdminError("找不到该用户")
        user.disabled = True
        row = await session.get(SubjectNotBefore, str(user_id))
        when = int(time.time()) + 1
        if row is None:
            session.add(SubjectNotBefore(subject=str(user_id), not_before=when))
        else:
            row.not_before = when
        await session.commit()
