"""Liveness (/healthz) and readiness (/readyz: the database and any registered checks)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.common.errors import problem_response
from services.common.jsonutil import dumps

logger = logging.getLogger("gongkai.health")

ReadinessCheck = Callable[[], Awaitable[dict[str, Any]]]
"""Returns details; raises to report the component as not ready."""

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """The process can serve: its database answers and its checks pass."""
    checks: dict[str, ReadinessCheck] = request.app.state.readiness_checks
    results: dict[str, Any] = {}
    failed: list[str] = []
    for name, check in checks.items():
        try:
            results[name] = {"status": "ok", **(await asyncio.wait_for(check(), timeout=3))}
        except Exception as exc:
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = {"status": "failed"}
            failed.append(name)
    if failed:
        return problem_response(
            status=503,
            code="not-ready",
            title="服务尚未就绪",
            detail="以下组件暂不可用：" + "、".join(failed),
            extra={"checks": results},
        )
    return Response(dumps({"status": "ready", "checks": results}), media_type="application/json")
