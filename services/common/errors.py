"""Errors as problem+json (RFC 9457) with Chinese titles and details a person can act on."""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from services.common.jsonutil import dumps
from services.common.requestid import current_request_id
from services.common.validation_zh import translate_validation_errors

logger = logging.getLogger("gongkai.errors")

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:gongkai:problem:"


class FieldProblem(BaseModel):
    """One rejected field: where it is and what is wrong with it, in Chinese."""

    field: str = Field(description="字段路径，如 body.applicant.id_number")
    message: str = Field(description="错误说明")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldProblem] | None = None


class GongkaiError(Exception):
    """Base of every expected error; subclasses fix the status, code and Chinese title."""

    status: int = 400
    code: str = "bad-request"
    title: str = "请求有误"

    def __init__(
        self,
        detail: str,
        *,
        title: str | None = None,
        code: str | None = None,
        errors: Sequence[FieldProblem] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if title is not None:
            self.title = title
        if code is not None:
            self.code = code
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


class BadRequest(GongkaiError):
    status, code, title = 400, "bad-request", "请求有误"


class Unauthorized(GongkaiError):
    status, code, title = 401, "unauthorized", "需要登录或令牌无效"


class Forbidden(GongkaiError):
    status, code, title = 403, "forbidden", "无权执行此操作"


class NotFound(GongkaiError):
    status, code, title = 404, "not-found", "未找到"


class Conflict(GongkaiError):
    status, code, title = 409, "conflict", "与现有数据冲突"


class PreconditionFailed(GongkaiError):
    status, code, title = 412, "precondition-failed", "数据已被他人修改"


class PayloadTooLarge(GongkaiError):
    status, code, title = 413, "payload-too-large", "提交的内容过大"


class UnsupportedMediaType(GongkaiError):
    status, code, title = 415, "unsupported-media-type", "不支持的文件或内容类型"


class Unprocessable(GongkaiError):
    status, code, title = 422, "validation-failed", "提交的数据未通过校验"


class TooManyRequests(GongkaiError):
    status, code, title = 429, "too-many-requests", "请求过于频繁"


class BadGateway(GongkaiError):
    status, code, title = 502, "bad-gateway", "上游服务不可用"


class ServiceUnavailable(GongkaiError):
    status, code, title = 503, "service-unavailable", "服务暂时不可用"


class GatewayTimeout(GongkaiError):
    status, code, title = 504, "gateway-timeout", "上游服务响应超时"


# Titles for errors raised by Starlette/FastAPI themselves (unknown route, wrong method …).
HTTP_TITLES: dict[int, tuple[str, str, str]] = {
    400: ("bad-request", "请求有误", "请求格式不正确，请检查后重试。"),
    401: ("unauthorized", "需要登录或令牌无效", "请提供有效的访问令牌。"),
    403: ("forbidden", "无权执行此操作", "当前身份无权访问该资源。"),
    404: ("not-found", "未找到", "请求的地址不存在，请检查网址是否正确。"),
    405: ("method-not-allowed", "不支持该请求方法", "该地址不支持此请求方法。"),
    406: ("not-acceptable", "无法提供所需格式", "服务器无法按请求的 Accept 格式返回内容。"),
    411: ("length-required", "缺少内容长度", "请求需要 Content-Length。"),
    413: ("payload-too-large", "提交的内容过大", "请求体超过了允许的大小。"),
    415: ("unsupported-media-type", "不支持的内容类型", "请使用接口说明中的 Content-Type。"),
    431: ("headers-too-large", "请求头过大", "请求头超过了允许的大小。"),
}


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None,
    instance: str | None = None,
    errors: Sequence[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "request_id": current_request_id(),
    }
    if errors:
        body["errors"] = [e.model_dump() for e in errors]
    if extra:
        body.update(extra)
    return Response(
        content=dumps(body),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


async def _gongkai_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GongkaiError)
    return problem_response(
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        instance=request.url.path,
        errors=exc.errors,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        FieldProblem(field=field, message=msg)
        for field, msg in translate_validation_errors(exc.errors())
    ]
    detail = "；".join(f"{p.field}：{p.message}" for p in problems[:5])
    if len(problems) > 5:
        detail += f"；另有 {len(problems) - 5} 处错误"
    return problem_response(
        status=422,
        code="validation-failed",
        title="提交的数据未通过校验",
        detail=detail,
        instance=request.url.path,
        errors=problems,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, title, default_detail = HTTP_TITLES.get(
        exc.status_code, ("http-error", "请求无法处理", "请求无法处理。")
    )
    # Starlette's own English details are replaced; a Chinese detail from our code is kept.
    detail = exc.detail if _is_chinese(exc.detail) else default_detail
    return problem_response(
        status=exc.status_code,
        code=code,
        title=title,
        detail=detail,
        instance=request.url.path,
        headers=getattr(exc, "headers", None),
    )


async def _integrity_error(request: Request, exc: Exception) -> Response:
    logger.warning("integrity error on %s: %s", request.url.path, type(exc).__name__)
    return problem_response(
        status=409,
        code="conflict",
        title="与现有数据冲突",
        detail="提交的数据与已有记录冲突（可能重复或引用了不存在的记录），请检查后重试。",
        instance=request.url.path,
    )


async def _data_error(request: Request, exc: Exception) -> Response:
    logger.warning("data error on %s: %s", request.url.path, type(exc).__name__)
    return problem_response(
        status=422,
        code="validation-failed",
        title="提交的数据未通过校验",
        detail="提交的数据超出了允许的范围或格式，请检查长度和取值后重试。",
        instance=request.url.path,
    )


async def _database_error(request: Request, exc: Exception) -> Response:
    logger.error("database error on %s: %s", request.url.path, type(exc).__name__)
    return problem_response(
        status=503,
        code="database-unavailable",
        title="数据库暂时不可用",
        detail="数据库暂时无法访问，本次操作未保存，请稍后重试。",
        instance=request.url.path,
        headers={"Retry-After": "5"},
    )


async def _dbapi_error(request: Request, exc: Exception) -> Response:
    # asyncpg reports a NUL in a text value as a generic DBAPI error; it is the caller's input.
    if "0x00" in str(getattr(exc, "orig", "")):
        return problem_response(
            status=422,
            code="nul-character",
            title="提交的文本含有非法字符",
            detail="提交的文本中含有空字符（\\u0000），请删除后重试。",
            instance=request.url.path,
        )
    orig = getattr(exc, "orig", None)
    # On connecting, SQLAlchemy's asyncpg adapter wraps the driver's error once more.
    names = {type(orig).__name__, type(getattr(orig, "__cause__", None)).__name__}
    if names & _UNAVAILABLE or exc_is_disconnect(exc):
        return await _database_error(request, exc)
    return await _unexpected_error(request, exc)


# Driver errors that mean "the database cannot take this request now", not "the request is bad".
_UNAVAILABLE = frozenset(
    {"TooManyConnectionsError", "CannotConnectNowError", "ConnectionDoesNotExistError"}
)


def exc_is_disconnect(exc: Exception) -> bool:
    return bool(getattr(exc, "connection_invalidated", False))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem_response(
        status=500,
        code="internal-error",
        title="服务器内部错误",
        detail="服务器处理请求时出错，已记录，请稍后重试或联系管理员。",
        instance=request.url.path,
    )


def _is_chinese(text: object) -> bool:
    return isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def install_error_handlers(app: FastAPI) -> None:
    """Render every error of this app as problem+json."""
    app.add_exception_handler(GongkaiError, _gongkai_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(InterfaceError, _database_error)
    app.add_exception_handler(ConnectionError, _database_error)
    app.add_exception_handler(DBAPIError, _dbapi_error)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the problem responses a route may give."""
    return {
        status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": title}
        for status in statuses
        for title in [HTTP_TITLES.get(status, ("", "错误", ""))[1]]
    }
