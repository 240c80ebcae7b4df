"""Request ids: taken from a trusted caller (the gateway) or made here, and echoed back."""

import os
import re
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_current: ContextVar[str | None] = ContextVar("gongkai_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def new_request_id() -> str:
    return os.urandom(16).hex()  # 32 hex digits, as uuid4().hex, without building a UUID


class RequestIdMiddleware:
    """Pure ASGI (no response buffering): sets the id for logs and adds it to the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, REQUEST_ID_HEADER)
        request_id = incoming if incoming and _VALID.match(incoming) else new_request_id()
        token = _current.set(request_id)
        raw = request_id.encode()
        if incoming != request_id:
            # Whatever runs below (an in-process service, or a proxied one) sees the same id.
            scope = dict(scope)
            headers = scope.get("headers", [])
            if incoming is not None:
                headers = [(k, v) for k, v in headers if k.lower() != b"x-request-id"]
            scope["headers"] = [*headers, (b"x-request-id", raw)]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", raw))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _current.reset(token)


def _header(scope: Scope, name: str) -> str | None:
    key = name.encode()
    for k, v in scope.get("headers", []):
        if k.lower() == key:
            return str(v.decode("latin-1"))
    return None
