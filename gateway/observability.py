"""The access log (JSON, with the request id and principal, personal data redacted) and the
Prometheus metrics, labelled by route template, never by raw path."""

import logging
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.routes import RouteTable
from services.common.requestid import current_request_id

access_log = logging.getLogger("gongkai.access")

PRINCIPAL_KEY = "gongkai.principal"
ROUTE_KEY = "gongkai.route"
GATEWAY_PATHS = frozenset(
    {
        "/oauth/token",
        "/oauth/authorize",
        "/oauth/revoke",
        "/oauth/introspect",
        "/oauth/denylist",
        "/.well-known/openid-configuration",
        "/.well-known/jwks.json",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/docs",
    }
)


class Metrics:
    """One registry per gateway, so several gateways in one process (tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "gongkai_http_requests",
            "Requests by route template, method and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "gongkai_http_request_duration_seconds",
            "Time to the end of the response, by route template.",
            ["method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.rate_limit_degraded = Counter(
            "gongkai_rate_limit_degraded",
            "Checks made with the local limit because Redis was unreachable.",
            registry=self.registry,
        )
        self.circuit_open = Gauge(
            "gongkai_circuit_open",
            "1 while a service's circuit breaker is open.",
            ["service"],
            registry=self.registry,
        )


class Observability:
    def __init__(self, app: ASGIApp, metrics: Metrics, routes: RouteTable) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes
        # Metric children by label values: labels() takes a lock and hashes on every call.
        self._counters: dict[tuple[str, str, str], Any] = {}
        self._timers: dict[tuple[str, str], Any] = {}

    def template(self, path: str, state: dict[str, Any] | None = None) -> str:
        if path in GATEWAY_PATHS:
            return path
        if state is not None and ROUTE_KEY in state:
            entry = state[ROUTE_KEY]  # already matched by the edge
        else:
            entry = self.routes.match(path)
        return entry.template if entry is not None else "other"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        state = scope.setdefault("state", {})

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            elapsed = time.perf_counter() - start
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = self.template(scope["path"], state)
            key = (method, route, str(status))
            counter = self._counters.get(key)
            if counter is None:
                counter = self._counters[key] = self.metrics.requests.labels(*key)
            counter.inc()
            timer = self._timers.get(key[:2])
            if timer is None:
                timer = self._timers[key[:2]] = self.metrics.duration.labels(method, route)
            timer.observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s",
                    method,
                    route,
                    status,
                    extra={
                        "method": method,
                        "path": route,  # the template: a raw path may carry personal data
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 3),
                        "principal": state.get(PRINCIPAL_KEY, "anonymous"),
                        "request_id": current_request_id(),
                    },
                )


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
