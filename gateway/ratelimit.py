"""Rate limits with the `limits` library's async API: per anonymous IP, per user, per client,
and a daily quota per client that resets at midnight in Beijing.

Counters live in memory (all-in-one) or in Redis (several gateway instances share one
limit). When Redis is unreachable, reads fall back to a per-instance limit (fail open, with
a metric and a warning) and writes are refused with 503 (fail closed).
"""

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter
from limits.errors import StorageError

if TYPE_CHECKING:
    from gateway.settings import GatewaySettings

logger = logging.getLogger("gongkai.gateway.ratelimit")

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Decision:
    """The outcome of one check: ``status`` 0 to pass, else 429 or 503."""

    status: int
    limit: int = 0
    remaining: int = 0
    reset: int = 0

    @property
    def allowed(self) -> bool:
        return self.status == 0

    def headers(self) -> list[tuple[bytes, bytes]]:
        if not self.limit:
            return []
        headers = [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset).encode()),
        ]
        if self.status == 429:
            headers.append((b"retry-after", str(max(1, self.reset)).encode()))
        return headers


PASS = Decision(0)


@dataclass(frozen=True)
class Caller:
    """Whom a request is counted against."""

    kind: str  # "ip", "user" or "client"
    key: str


class LocalStorage(MemoryStorage):
    """``limits``' memory storage, sweeping expired counters at most once a second.

    The stock storage starts a sweep task on every hit once the previous one is done, and
    each sweep walks every key: with a steady stream of requests that is one task and a walk
    over all callers' counters per request. Expired counters are also dropped when they are
    read, so a sweep only frees memory and can wait.
    """

    _next_sweep = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # the stock hook (name-mangled)
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + 1.0
            await super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]


def seconds_to_beijing_midnight(now: dt.datetime) -> int:
    local = now.astimezone(BEIJING)
    tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), BEIJING)
    return max(1, math.ceil((tomorrow - local).total_seconds()))


class RateLimiter:
    def __init__(
        self,
        *,
        anonymous: str,
        user: str,
        client: str,
        client_daily: str,
        fallback: str,
        redis_url: str | None = None,
        prefix: str = "gongkai",
        now: Callable[[], dt.datetime] | None = None,
        on_degraded: Callable[[], None] | None = None,
    ) -> None:
        self.items: dict[str, RateLimitItem] = {
            "ip": parse(anonymous),
            "user": parse(user),
            "client": parse(client),
        }
        self.daily = parse(client_daily)
        self.fallback_item = parse(fallback)
        self.local = LocalStorage()
        self.shared: Storage = self.local
        if redis_url:
            self.shared = RedisStorage(
                _limits_uri(redis_url),
                implementation="redispy",
                wrap_exceptions=True,
                key_prefix=prefix,
                socket_connect_timeout=0.25,
                socket_timeout=0.25,
            )
        self.limiter = SlidingWindowCounterRateLimiter(self.shared)
        self.fallback = SlidingWindowCounterRateLimiter(self.local)
        self.login = MovingWindowRateLimiter(self.shared)
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._on_degraded = on_degraded

    async def aclose(self) -> None:
        """Close the Redis connections (left to the garbage collector they warn)."""
        client = getattr(getattr(self.shared, "bridge", None), "storage", None)
        if client is not None:
            await client.aclose()

    async def check(self, caller: Caller, *, write: bool) -> Decision:
        try:
            decision = await self._hit(
                self.limiter, self.items[caller.kind], caller.kind, caller.key
            )
            if decision.allowed and caller.kind == "client":
                decision = await self._daily(caller.key, decision)
            return decision
        except StorageError:
            if self._on_degraded is not None:
                self._on_degraded()
            logger.warning(
                "rate-limit storage unreachable; %s", "refusing a write" if write else "local limit"
            )
            if write:
                return Decision(503)
            return await self._hit(self.fallback, self.fallback_item, "fallback", caller.key)

    async def _hit(
        self, limiter: SlidingWindowCounterRateLimiter, item: RateLimitItem, *key: str
    ) -> Decision:
        allowed = await limiter.hit(item, *key)
        stats = await limiter.get_window_stats(item, *key)
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return Decision(0 if allowed else 429, item.amount, max(0, stats.remaining), reset)

    async def _daily(self, client_id: str, minute: Decision) -> Decision:
        now = self._now()
        day = now.astimezone(BEIJING).date().isoformat()
        # The Beijing date is part of the key, so the count starts over at Beijing midnight.
        allowed = await self.limiter.hit(self.daily, "quota", client_id, day)
        stats = await self.limiter.get_window_stats(self.daily, "quota", client_id, day)
        reset = seconds_to_beijing_midnight(now)
        remaining = max(0, stats.remaining)
        if not allowed:
            return Decision(429, self.daily.amount, 0, reset)
        if remaining < minute.remaining:
            return Decision(0, self.daily.amount, remaining, reset)
        return minute

    async def login_attempt(self, account: str, limit: int, window_minutes: int = 15) -> bool:
        """False once ``account`` has used its ``limit`` attempts in the window."""
        item = parse(f"{limit}/{window_minutes} minutes")
        try:
            return await self.login.hit(item, "login", account)
        except StorageError:
            return await MovingWindowRateLimiter(self.local).hit(item, "login", account)


def _limits_uri(url: str) -> str:
    return url if url.startswith("async+") else "async+" + url


def build_limiter(settings: "GatewaySettings", **kwargs: Any) -> RateLimiter:
    return RateLimiter(
        anonymous=settings.rate_limit_anonymous,
        user=settings.rate_limit_user,
        client=settings.rate_limit_client,
        client_daily=settings.rate_limit_client_daily,
        fallback=settings.rate_limit_fallback,
        redis_url=settings.redis_url,
        prefix=settings.rate_limit_prefix,
        **kwargs,
    )
