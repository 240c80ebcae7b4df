"""HTTP routes of the open-data bulk export of documents (开放数据：文件库全量导出)."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response

from services.common.bulk import ExportRead, file_response
from services.common.errors import problem_responses
from services.documents.access import Anyone
from services.documents.exports import service

BASE = "/api/v1/open/exports/documents"
router = APIRouter(prefix=BASE, tags=["开放数据"])
FileName = Annotated[str, Path(max_length=64, description="如 documents.jsonl、documents.csv")]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match", max_length=200)]


@router.get("", response_model=ExportRead, responses=problem_responses(503))
async def export_manifest(request: Request, _caller: Anyone) -> ExportRead:
    """主动公开文件的全量导出清单：文件名、记录数、SHA-256、生成时间；数据变化后重新生成."""
    _, manifest = await service.EXPORT.served(request.app.state)
    return ExportRead.of(manifest, BASE)


@router.get(
    "/{name}",
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
