"""HTTP routes of information requests: intake, tracking, staff queues, handling and reveals."""

import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from services.common.auth import Principal, Role, public, requires
from services.common.db import Database, SessionDep, WriteSessionDep, lock_key
from services.common.errors import problem_responses
from services.common.pagination import PageParams, next_link, page_params
from services.requests import letters
from services.requests.applications import correspondence, handling, idempotency, service
from services.requests.applications.models import TrackFailure
from services.requests.applications.schemas import (
    ApplicantRevealed,
    ApplicantWithdrawal,
    AuditRead,
    QueueList,
    RequestCreate,
    RequestRead,
    RequestReceipt,
    RevealBody,
    TrackRead,
    Transition,
)
from services.requests.pii import PiiCipher
from services.requests.settings import RequestsSettings
from services.requests.workflow import STATE_LABELS, RequestState

router = APIRouter(prefix="/api/v1/requests", tags=["依申请公开"])

HANDLER_ROLES = [Role.REQUEST_OFFICER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN]
Reader = Annotated[Principal, requires(roles=HANDLER_ROLES, scopes=["requests:read"])]
Writer = Annotated[Principal, requires(roles=HANDLER_ROLES, scopes=["requests:write"])]
Revealer = Annotated[
    Principal, requires(roles=HANDLER_ROLES, scopes=["requests:read", "pii:reveal"])
]
Auditor = Annotated[
    Principal, requires(roles=[Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN], scopes=["requests:manage"])
]
Anyone = Annotated[Principal, public()]
NO_STORE = {"Cache-Control": "no-store"}

TrackNumber = Annotated[str, Query(min_length=1, max_length=40, description="查询号")]
TrackCode = Annotated[str, Query(min_length=1, max_length=40, description="查询码")]
Format = Annotated[letters.LetterFormat, Query(description="docx 或 pdf")]
LETTER_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {media: {} for media in letters.MEDIA_TYPES.values()},
        "description": "文书文件",
    }
}


def _file(rendered: letters.RenderedLetter) -> Response:
    return Response(
        content=rendered.content,
        media_type=rendered.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(rendered.filename)}",
            "X-Content-Type-Options": "nosniff",
            **NO_STORE,
        },
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def context(request: Request) -> service.Context:
    settings: RequestsSettings = request.app.state.settings
    cipher: PiiCipher = request.app.state.pii_cipher
    database: Database = request.app.state.db

    async def record_failures(keys: list[str]) -> None:
        # Its own transaction: the failed attempt must count even though the request fails.
        async with database.write_sessions() as session:
            await service.forget_old_failures(session, ctx_settings=settings)
            for key in keys:
                session.add(TrackFailure(key=key))
            await session.commit()

    return service.Context(
        cipher=cipher,
        settings=settings,
        catalog=request.app.state.peers.get("catalog"),
        record_failures=record_failures,
    )


Ctx = Annotated[service.Context, Depends(context)]


@router.post(
    "",
    status_code=201,
    response_model=RequestReceipt,
    responses=problem_responses(409, 413, 415, 422, 503),
)
async def create_request(
    body: RequestCreate,
    session: SessionDep,
    ctx: Ctx,
    caller: Anyone,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=200, description="重试时带同一个值，不会重复登记"),
    ] = None,
) -> RequestReceipt | Response:
    """提交（或由工作人员代为登记）政府信息公开申请；返回查询号和查询码."""
    response.headers.update(NO_STORE)
    key = idempotency.scoped_key(ctx.cipher, caller, idempotency_key)
    payload = body.model_dump_json().encode()
    if key is not None:
        await lock_key(session, f"requests-idempotency|{key}")
        replay = await idempotency.replay(session, ctx.cipher, key, payload)
        if replay is not None:
            return Response(
                content=replay, status_code=201, media_type="application/json", headers=NO_STORE
            )
    created, query_code = await service.create(session, ctx, caller=caller, data=body)
    receipt = RequestReceipt(
        id=created.id,
        tracking_number=created.tracking_number,
        query_code=query_code,
        state=RequestState(created.state),
        state_label=STATE_LABELS[RequestState(created.state)],
        received_on=created.received_on,
        due_on=created.due_on,
        message="申请已登记。请保存查询号和查询码，凭二者查询办理进度和答复；查询码不会再次显示。",
    )
    if key is not None:
        idempotency.remember(session, ctx.cipher, key, payload, receipt.model_dump_json())
    return receipt


# GET /api/v1/requests itself is the service index every service has.
@router.get("/queue", response_model=QueueList, responses=problem_responses(400, 401, 403, 422))
async def list_requests(
    request: Request,
    session: SessionDep,
    caller: Reader,
    response: Response,
    page: Annotated[PageParams, Depends(page_params)],
    agency_id: Annotated[uuid.UUID | None, Query(description="机关；默认本人所属全部机关")] = None,
    state: Annotated[list[RequestState] | None, Query(max_length=12)] = None,
    assignee: Annotated[str | None, Query(max_length=200)] = None,
    due: Annotated[
        str | None,
        Query(pattern="^(soon|overdue)$", description="soon：3 个工作日内到期；overdue：已超期"),
    ] = None,
) -> QueueList:
    """工作人员的待办队列：按状态、承办人、临近到期、已超期筛选，按答复期限排序."""
    response.headers.update(NO_STORE)
    items, cursor = await service.queue(
        session,
        caller=caller,
        agency_id=agency_id,
        states=state or [],
        assignee=assignee,
        due=due,
        page=page,
    )
    return QueueList(items=items, next_cursor=cursor, next=next_link(request, cursor))


@router.get("/track", response_model=TrackRead, responses=problem_responses(404, 422, 429))
async def track_request(
    request: Request,
    session: WriteSessionDep,
    ctx: Ctx,
    _caller: Anyone,
    response: Response,
    number: TrackNumber,
    code: TrackCode,
) -> TrackRead:
    """凭查询号和查询码查询办理状态、答复期限和答复（个人信息脱敏）；错误过多将被限制."""
    response.headers.update(NO_STORE)
    # Checked first in a read transaction (recording a wrong attempt needs the write lock), then
    # read and audited in a writer's session: on SQLite a reader that writes its audit entry
    # fails at once when another request wrote in between.
    database: Database = request.app.state.db
    async with database.sessions() as check:
        found = await service.verify_tracking(
            check, ctx, number=number, code=code, client=_client(request)
        )
    return await service.track(session, ctx, request_id=found.id)


@router.post(
    "/track/withdraw", response_model=TrackRead, responses=problem_responses(404, 409, 422, 429)
)
async def withdraw_request(
    body: ApplicantWithdrawal,
    request: Request,
    session: SessionDep,
    ctx: Ctx,
    _caller: Anyone,
    response: Response,
) -> TrackRead:
    """申请人凭查询号和查询码撤回尚未办结的申请."""
    response.headers.update(NO_STORE)
    database: Database = request.app.state.db
    # Checked in a read transaction of its own: on SQLite this request's write transaction
    # would otherwise hold the lock that recording a wrong attempt needs.
    async with database.sessions() as check:
        found = await service.verify_tracking(
            check, ctx, number=body.number, code=body.code, client=_client(request)
        )
    await handling.withdraw_by_applicant(session, ctx, request_id=found.id, reason=body.reason)
    return await service.track(session, ctx, request_id=found.id)


@router.get(
    "/track/letters",
    response_model=list[correspondence.LetterInfo],
    responses=problem_responses(404, 422, 429),
)
async def track_letters(
    request: Request,
    session: SessionDep,
    ctx: Ctx,
    _caller: Anyone,
    response: Response,
    number: TrackNumber,
    code: TrackCode,
) -> list[correspondence.LetterInfo]:
    """凭查询号和查询码列出本件收到的文书（答复书、补正告知书、延期告知书、收费通知书）."""
    response.headers.update(NO_STORE)
    found = await service.verify_tracking(
        session, ctx, number=number, code=code, client=_client(request)
    )
    return await correspondence.available(session, found, staff=False)


@router.get(
    "/track/letters/{sequence}",
    response_class=Response,
    responses={**problem_responses(404, 422, 429), **LETTER_RESPONSES},
)
async def track_letter(
    sequence: Annotated[int, Path(ge=1, le=10_000)],
    request: Request,
    session: SessionDep,
    ctx: Ctx,
    _caller: Anyone,
    number: TrackNumber,
    code: TrackCode,
    format: Format = letters.LetterFormat.PDF,
) -> Response:
    """凭查询号和查询码下载一份文书（DOCX 或 PDF）."""
    found = await service.verify_tracking(
        session, ctx, number=number, code=code, client=_client(request)
    )
    service.audit(session, Principal(subject="tracking"), "letter", found)
    rendered = await correspondence.render(
        session, ctx, found, sequence=sequence, letter_format=format, staff=False
    )
    return _file(rendered)


@router.get("/audit", response_model=list[AuditRead], responses=problem_responses(401, 403))
async def read_audit_log(
    session: SessionDep,
    caller: Auditor,
    response: Response,
    request_id: Annotated[uuid.UUID | None, Query(description="只看这件申请")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditRead]:
    """审计日志：谁在何时查看或办理了哪件申请（本机关；平台管理员可看全部）；不含个人信息."""
    response.headers.update(NO_STORE)
    return await service.audit_log(session, caller=caller, request_id=request_id, limit=limit)


@router.get(
    "/{request_id}",
    response_model=RequestRead,
    responses={**problem_responses(401, 403, 404), 304: {"description": "未修改"}},
)
async def read_request(
    request_id: uuid.UUID,
    session: SessionDep,
    ctx: Ctx,
    caller: Reader,
    response: Response,
    if_none_match: Annotated[str | None, Header(max_length=200)] = None,
) -> RequestRead | Response:
    """承办机关工作人员查看申请（个人信息脱敏）、办理记录和答复期限的计算过程."""
    found = await service.for_staff(session, caller, request_id)
    tag = handling.etag(found)
    if if_none_match and tag in {t.strip().removeprefix("W/") for t in if_none_match.split(",")}:
        return Response(status_code=304, headers={"ETag": tag, **NO_STORE})
    read = await service.read(session, ctx, caller=caller, request_id=request_id)
    response.headers.update({"ETag": tag, **NO_STORE})
    return read


@router.post(
    "/{request_id}/transitions",
    response_model=RequestRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def transition_request(
    request_id: uuid.UUID,
    body: Transition,
    session: SessionDep,
    ctx: Ctx,
    caller: Writer,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=200)] = None,
) -> RequestRead:
    """办理一步（受理、补正、征求意见、延期、收费、提出意见、决定、报批、送达、归档、撤回、终止）."""
    changed = await handling.transition(
        session, ctx, caller=caller, request_id=request_id, body=body, if_match=if_match
    )
    response.headers.update({"ETag": handling.etag(changed), **NO_STORE})
    return await service.build_read(session, ctx, changed)


@router.post(
    "/{request_id}/reveal",
    response_model=ApplicantRevealed,
    responses=problem_responses(401, 403, 404, 410, 422),
)
async def reveal_applicant(
    request_id: uuid.UUID,
    body: RevealBody,
    session: SessionDep,
    ctx: Ctx,
    caller: Revealer,
    response: Response,
) -> ApplicantRevealed:
    """查看申请人的完整个人信息（须有 pii:reveal 权限并说明事由，记入审计日志）."""
    response.headers.update(NO_STORE)
    return await service.reveal(
        session, ctx, caller=caller, request_id=request_id, reason=body.reason
    )


@router.get(
    "/{request_id}/letters",
    response_model=list[correspondence.LetterInfo],
    responses=problem_responses(401, 403, 404),
)
async def list_letters(
    request_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[correspondence.LetterInfo]:
    """本件的全部文书，含发给第三方的征求意见函."""
    found = await service.for_staff(session, caller, request_id)
    return await correspondence.available(session, found, staff=True)


@router.get(
    "/{request_id}/letters/{sequence}",
    response_class=Response,
    responses={**problem_responses(401, 403, 404, 422), **LETTER_RESPONSES},
)
async def download_letter(
    request_id: uuid.UUID,
    sequence: Annotated[int, Path(ge=1, le=10_000)],
    session: SessionDep,
    ctx: Ctx,
    caller: Reader,
    format: Format = letters.LetterFormat.PDF,
) -> Response:
    """下载一份文书（DOCX 或 PDF，内嵌中文字体）."""
    found = await service.for_staff(session, caller, request_id)
    service.audit(session, caller, "letter", found, detail=f"letter {sequence}")
    rendered = await correspondence.render(
        session, ctx, found, sequence=sequence, letter_format=format, staff=True
    )
    return _file(rendered)


@router.get(
    "/{request_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={
        **problem_responses(401, 403, 404),
        200: {"content": {"application/octet-stream": {}}, "description": "附件内容"},
    },
)
async def download_attachment(
    request_id: uuid.UUID,
    attachment_id: uuid.UUID,
    session: SessionDep,
    ctx: Ctx,
    caller: Revealer,
) -> Response:
    """下载申请人的身份证明材料（解密后提供，记入审计日志）."""
    name, media_type, content = await service.attachment_content(
        session, ctx, caller=caller, request_id=request_id, attachment_id=attachment_id
    )
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            **NO_STORE,
        },
    )
