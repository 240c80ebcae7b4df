"""HTTP routes of webhook subscriptions (数据对接方 register callbacks for feed events)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.common.auth import Principal, Role, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.documents.settings import DocumentsSettings
from services.documents.webhooks import service
from services.documents.webhooks.schemas import (
    DeliveryList,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionList,
    SubscriptionRead,
)

router = APIRouter(prefix="/api/v1/documents/webhooks", tags=["开放数据推送"])

Integrator = Annotated[Principal, requires(roles=[Role.INTEGRATOR], scopes=["opendata:read"])]
READ_PROBLEMS = problem_responses(401, 403, 404)


@router.post(
    "", status_code=201, response_model=SubscriptionCreated,
    responses=problem_responses(401, 403, 409, 422),
)  # fmt: skip
async def create_subscription(
    body: SubscriptionCreate, request: Request, response: Response, session: SessionDep,
    caller: Integrator,
) -> SubscriptionCreated:  # fmt: skip
    """登记推送订阅：回调地址和事件类型；签名密钥只在此返回一次."""
    settings: DocumentsSettings = request.app.state.settings
    created = await service.create(
        session, caller=caller, data=body,
        server_secret=settings.secret_key.get_secret_value(),
        allow_private=settings.webhook_private_targets_allowed,
    )  # fmt: skip
    response.headers["Location"] = created.links["self"]
    response.headers["Cache-Control"] = "no-store"
    return created


@router.get("", response_model=SubscriptionList, responses=problem_responses(401, 403))
async def list_subscriptions(session: SessionDep, caller: Integrator) -> SubscriptionList:
    """本对接方的推送订阅."""
    return SubscriptionList(
        items=[service.to_read(r) for r in await service.listing(session, caller)]
    )


@router.get("/{subscription_id}", response_model=SubscriptionRead, responses=READ_PROBLEMS)
async def read_subscription(
    subscription_id: uuid.UUID, session: SessionDep, caller: Integrator
) -> SubscriptionRead:
    """一个推送订阅的状态（连续失败次数、是否暂停、推送位置）."""
    return service.to_read(await service.get_own(session, caller, subscription_id))


@router.delete(
    "/{subscription_id}", status_code=204, response_class=Response, responses=READ_PROBLEMS
)
async def delete_subscription(
    subscription_id: uuid.UUID, session: SessionDep, caller: Integrator
) -> Response:
    """删除推送订阅及其投递记录."""
    await service.delete(session, caller=caller, subscription_id=subscription_id)
    return Response(status_code=204)


@router.post(
    "/{subscription_id}/resume", response_model=SubscriptionRead,
    responses=problem_responses(401, 403, 404, 409),
)  # fmt: skip
async def resume_subscription(
    subscription_id: uuid.UUID, session: SessionDep, caller: Integrator
) -> SubscriptionRead:
    """恢复已暂停的推送：从最早未送达的事件立即重试."""
    row = await service.resume(session, caller=caller, subscription_id=subscription_id)
    return service.to_read(row)


@router.get("/{subscription_id}/deliveries", response_model=DeliveryList, responses=READ_PROBLEMS)
async def delivery_log(
    subscription_id: uuid.UUID, request: Request, session: SessionDep, caller: Integrator,
    limit: Annotated[int, Query(ge=1, le=100, description="每页条数")] = 20,
    before: Annotated[int | None, Query(ge=1, description="只列出序号小于此值的投递")] = None,
) -> DeliveryList:  # fmt: skip
    """投递记录：每个事件的状态和每次尝试（新的在前）."""
    items, cursor = await service.delivery_log(
        session, caller=caller, subscription_id=subscription_id, before=before, limit=limit
    )
    following = str(request.url.include_query_params(before=cursor)) if cursor else None
    return DeliveryList(items=items, next_cursor=str(cursor) if cursor else None, next=following)
