"""HTTP routes of Excel import and export."""

import uuid
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response

from services.catalog.excel import service
from services.catalog.excel.schemas import ImportResult
from services.common.auth import Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import PayloadTooLarge, problem_responses

router = APIRouter(prefix="/api/v1/catalog/agencies/{agency_id}", tags=["目录 Excel"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024
Editor = Annotated[
    Principal,
    requires(
        roles=[Role.EDITOR, Role.PUBLISHER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN],
        scopes=["catalog:write"],
    ),
]


@router.post(
    "/catalog.xlsx",
    response_model=ImportResult,
    responses=problem_responses(401, 403, 404, 413, 422),
)
async def import_catalog(
    agency_id: uuid.UUID, file: UploadFile, session: SessionDep, caller: Editor
) -> ImportResult:
    """导入 Excel 目录到本机关的草稿：每个工作表为一个领域，按事项名称对应更新；
    任一行有问题则整份文件不导入，并逐行列出问题."""
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge("Excel 文件不能超过 5 MB，请分领域导入。")
    return await service.import_workbook(session, caller=caller, agency_id=agency_id, data=data)


@router.get(
    "/catalog.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX: {}}, "description": "Excel 目录"},
        **problem_responses(401, 403, 404, 422),
    },
)
async def export_catalog(
    agency_id: uuid.UUID,
    session: SessionDep,
    caller: Annotated[Principal, public()],
    version: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="版本号；不填为当前发布版本")
    ] = None,
    view: Annotated[
        Literal["published", "draft"], Query(description="draft：草稿（仅本机关工作人员）")
    ] = "published",
) -> Response:
    """导出 Excel 目录（与各地公布的目录格式一致）."""
    data, filename = await service.export_workbook(
        session, caller=caller, agency_id=agency_id, number=version, draft=view == "draft"
    )
    disposition = f"attachment; filename=\"catalog.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return Response(content=data, media_type=XLSX, headers={"Content-Disposition": disposition})
