"""All SQL of the authorization server, async; the authlib adapter calls it from its thread."""

import asyncio
import datetime as dt
import time
import uuid

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.oauth.models import (
    AuthorizationCode,
    Client,
    DeniedToken,
    IssuedToken,
    SubjectNotBefore,
    UsedAssertion,
    User,
)
from services.common.auth import DenylistSource, DenySnapshot
from services.common.db import Database, utcnow


class OAuthStore:
    """One unit of work of the authorization server (one session, committed by the caller)."""

    def __init__(self, session: AsyncSession, denylist: "GatewayDenylist") -> None:
        self.session = session
        self.denylist = denylist

    async def client(self, client_id: str) -> Client | None:
        client = await self.session.get(Client, client_id)
        return None if client is None or client.disabled else client

    async def user(self, user_id: uuid.UUID | str) -> User | None:
        try:
            key = user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id))
        except ValueError:
            return None
        user = await self.session.get(User, key)
        return None if user is None or user.disabled else user

    async def user_by_name(self, username: str) -> User | None:
        result = await self.session.exec(select(User).where(User.username == username))
        return result.first()

    async def user_by_external(self, issuer: str, subject: str) -> User | None:
        result = await self.session.exec(
            select(User).where(User.issuer == issuer, User.external_subject == subject)
        )
        return result.first()

    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def use_code(self, code_hash: str, client_id: str) -> AuthorizationCode | None:
        """The code if it may be exchanged now; a second use revokes what the first gave."""
        code = await self.session.get(AuthorizationCode, code_hash)
        if code is None or code.client_id != client_id:
            return None
        if code.used_at is not None:
            await self.revoke_family(code.family_id, "code-replay")
            return None
        code.used_at = utcnow()
        await self.session.flush()
        return code

    async def refresh_token(self, token_hash: str) -> IssuedToken | None:
        """A live refresh token; a rotated or revoked one revokes its whole family."""
        result = await self.session.exec(
            select(IssuedToken).where(IssuedToken.token_hash == token_hash)
        )
        row = result.first()
        if row is None or row.kind != "refresh":
            return None
        if row.rotated_at is not None or row.revoked_at is not None:
            await self.revoke_family(row.family_id, "refresh-reuse")
            return None
        if row.expires_at <= utcnow():
            return None
        return row

    async def rotated(self, row_id: uuid.UUID) -> None:
        await self.session.exec(
            update(IssuedToken).where(col(IssuedToken.id) == row_id).values(rotated_at=utcnow())
        )

    async def revoke_family(self, family_id: uuid.UUID, reason: str) -> None:
        now = utcnow()
        result = await self.session.exec(
            select(IssuedToken).where(IssuedToken.family_id == family_id)
        )
        for row in result.all():
            if row.revoked_at is None:
                row.revoked_at = now
            if row.kind == "access" and row.jti and row.expires_at > now:
                await self.deny(row.jti, row.expires_at, reason)
        await self.session.flush()

    async def deny(self, jti: str, expires_at: dt.datetime, reason: str) -> None:
        if await self.session.get(DeniedToken, jti) is None:
            self.session.add(DeniedToken(jti=jti, expires_at=expires_at, reason=reason))
            await self.session.flush()
        self.denylist.invalidate()

    async def not_before(self, subject: str, when: int | None = None) -> None:
        when = when if when is not None else int(time.time()) + 1
        row = await self.session.get(SubjectNotBefore, subject)
        if row is None:
            self.session.add(SubjectNotBefore(subject=subject, not_before=when))
        else:
            row.not_before = when
        await self.session.flush()
        self.denylist.invalidate()

    async def assertion_unused(self, key: str, expires_at: dt.datetime) -> bool:
        if await self.session.get(UsedAssertion, key) is not None:
            return False
        await self.session.exec(
            delete(UsedAssertion).where(col(UsedAssertion.expires_at) < utcnow())
        )
        self.session.add(UsedAssertion(key=key, expires_at=expires_at))
        await self.session.flush()
        return True


class GatewayDenylist(DenylistSource):
    """The denylist read from the gateway's database, cached for half a second.

    In the all-in-one mode the services get this object itself; a write here drops the
    cache at once. Other gateway instances (and services over HTTP) see it within ``ttl``.
    """

    def __init__(self, ttl: float = 0.5) -> None:
        self.ttl = ttl
        self.database: Database | None = None
        self._snapshot = DenySnapshot()
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")

    async def snapshot(self) -> DenySnapshot:
        if self.database is None or time.monotonic() - self._loaded_at < self.ttl:
            return self._snapshot
        async with self._lock:
            if time.monotonic() - self._loaded_at >= self.ttl:
                self._snapshot = await self._load(self.database)
                self._loaded_at = time.monotonic()
        return self._snapshot

    @staticmethod
    async def _load(database: Database) -> DenySnapshot:
        async with database.sessions() as session:
            jtis = await session.exec(
                select(DeniedToken.jti).where(col(DeniedToken.expires_at) > utcnow())
            )
            subjects = await session.exec(select(SubjectNotBefore))
            return DenySnapshot(
                jtis=frozenset(jtis.all()),
                not_before={r.subject: r.not_before for r in subjects.all()},
            )
