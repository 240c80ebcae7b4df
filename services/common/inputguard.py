"""Rejects NUL characters in the address and in JSON bodies before any route sees them.

PostgreSQL cannot store U+0000 in text and no legitimate value contains one; refusing it here
gives the same clear answer on SQLite and PostgreSQL. JSON bodies are small (the limit below),
so they are read whole and replayed; other bodies (uploads) stream past untouched, and a NUL
that reaches the database through them is caught by the error handlers.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import problem_response

MAX_JSON_BODY = 4 * 1024 * 1024


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _address_has_nul(scope):
            await _refuse(
                scope, receive, send, "请求地址或查询参数中含有空字符（%00），请删除后重试。"
            )
            return
        if not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_JSON_BODY:
                await _refuse(
                    scope, receive, send, "JSON 请求体超过 4 MB，请拆分后提交。", status=413
                )
                return
        if b"\\u0000" in body or b"\x00" in body:
            await _refuse(
                scope, receive, send, "提交的 JSON 中含有空字符（\\u0000），请删除后重试。"
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _refuse(
    scope: Scope, receive: Receive, send: Send, detail: str, status: int = 400
) -> None:
    response = problem_response(
        status=status,
        code="nul-character" if status == 400 else "body-too-large",
        title="请求含有非法字符" if status == 400 else "请求体过大",
        detail=detail,
        instance=scope.get("path"),
    )
    await response(scope, receive, send)


def _address_has_nul(scope: Scope) -> bool:
    query = scope.get("query_string", b"").lower()
    return "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query


def _is_json(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-type":
            return b"json" in value.lower()
    return False
