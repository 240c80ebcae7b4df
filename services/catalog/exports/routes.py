"""HTTP routes of the catalog's open data: the bulk export and the DCAT-AP catalog."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response

from services.catalog.exports import dcat, service
from services.common.auth import Principal, public
from services.common.bulk import ExportRead, file_response
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.jsonutil import dumps

BASE = "/api/v1/open/exports/catalog"
router = APIRouter(tags=["开放数据"])
Anyone = Annotated[Principal, public()]
FileName = Annotated[str, Path(max_length=64, description="如 items.csv、agencies.jsonl")]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match", max_length=200)]


@router.get(BASE, response_model=ExportRead, responses=problem_responses(503))
async def export_manifest(request: Request, _caller: Anyone) -> ExportRead:
    """机关名录和各机关当前目录的全量导出清单：文件名、记录数、SHA-256、生成时间."""
    _, manifest = await service.EXPORT.served(request.app.state)
    return ExportRead.of(manifest, BASE)


@router.get(
    BASE + "/{name}",
    response_class=Response,
    responses={
        **problem_responses(404, 503),
        200: {"content": {"application/x-ndjson": {}, "text/csv": {}, "application/json": {}}},
        304: {"description": "与 If-None-Match 相同"},
    },
)
async def export_file(
    name: FileName, request: Request, _caller: Anyone, if_none_match: IfNoneMatch = None
) -> Response:
    """下载全量导出的一个文件：JSONL，或带 BOM 的 UTF-8 CSV（Excel 可直接打开）."""
    directory, manifest = await service.EXPORT.served(request.app.state)
    return file_response(directory, manifest, name, if_none_match)


@router.get(
    "/api/v1/open/dcat",
    response_class=Response,
    responses={200: {"content": {dcat.MEDIA_TYPE: {}}}},
)
async def dcat_catalog(request: Request, session: SessionDep, _caller: Anyone) -> Response:
    """开放数据目录（DCAT-AP，JSON-LD）：全量导出、接口和订阅，按机关列出，供数据门户采集."""
    base = str(request.base_url).rstrip("/")
    return Response(dumps(await dcat.catalog(session, base)), media_type=dcat.MEDIA_TYPE)
