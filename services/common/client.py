"""Calls from one service to another's public HTTP API, over HTTP or in-process ASGI."""

import logging
from typing import Any

import httpx
from starlette.types import ASGIApp

from services.common.errors import ServiceUnavailable
from services.common.requestid import current_request_id

logger = logging.getLogger("gongkai.client")


class PeerResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class ServiceClient:
    """A small JSON client for one peer service; the transport is chosen by the composition root.

    In-process calls go through ``httpx.ASGITransport``: it buffers whole responses, which is
    fine for the small JSON these calls exchange (the gateway never uses it).
    """

    def __init__(
        self,
        name: str,
        *,
        base_url: str | None = None,
        app: ASGIApp | None = None,
        timeout: float = 10.0,
    ) -> None:
        if (base_url is None) == (app is None):
            raise ValueError("exactly one of base_url and app")
        self.name = name
        transport = httpx.ASGITransport(app=app) if app is not None else None
        self._client = httpx.AsyncClient(
            base_url=base_url or f"http://{name}.in-process",
            transport=transport,
            timeout=timeout,
        )

    async def get(
        self, path: str, *, params: dict[str, Any] | None = None, token: str | None = None
    ) -> PeerResponse:
        return await self._request("GET", path, token=token, params=params)

    async def post(self, path: str, *, json: Any = None, token: str | None = None) -> PeerResponse:
        """A JSON POST (lookups such as ``/api/v1/catalog/items/lookup``); same errors as get."""
        return await self._request("POST", path, token=token, json=json)

    async def _request(
        self, method: str, path: str, *, token: str | None, **content: Any
    ) -> PeerResponse:
        """One call; an unreachable peer is a 503 naming it, a JSON reply is parsed."""
        headers = {"accept": "application/json"}
        if (request_id := current_request_id()) is not None:
            headers["x-request-id"] = request_id
        if token:
            headers["authorization"] = f"Bearer {token}"
        try:
            response = await self._client.request(method, path, headers=headers, **content)
        except httpx.HTTPError as exc:
            logger.warning("peer %s unreachable: %s", self.name, type(exc).__name__)
            raise ServiceUnavailable(
                f"依赖的{PEER_LABELS.get(self.name, self.name)}暂时不可用，请稍后重试。",
                headers={"Retry-After": "5"},
            ) from None
        body: Any = None
        if response.headers.get("content-type", "").split(";")[0].endswith("json"):
            body = response.json()
        return PeerResponse(response.status_code, body)

    async def aclose(self) -> None:
        await self._client.aclose()


PEER_LABELS = {"catalog": "目录服务", "documents": "文件服务", "requests": "依申请公开服务"}
