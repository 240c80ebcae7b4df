"""HTTP routes of the catalog's open data: the bulk export and the DCAT-AP catalog."""

from typing import Annotated

from fastapi import APIRouter, Request, Response

from services.catalog.exports import dcat, service
from services.common.auth import Principal, public
from services.common.bulk import export_router
from services.common.db import SessionDep
from services.common.jsonutil import dumps

BASE = "/api/v1/open/exports/catalog"
router = APIRouter()
router.include_router(
    export_router(
        BASE,
        service.EXPORT,
        about="机关名录和各机关当前目录的全量导出清单：文件名、记录数、SHA-256、生成时间.",
        example_files="items.csv、agencies.jsonl",
    )
)
Anyone = Annotated[Principal, public()]


@router.get(
    "/api/v1/open/dcat",
    tags=["开放数据"],
    response_class=Response,
    responses={200: {"content": {dcat.MEDIA_TYPE: {}}}},
)
async def dcat_catalog(request: Request, session: SessionDep, _caller: Anyone) -> Response:
    """开放数据目录（DCAT-AP，JSON-LD）：全量导出、接口和订阅，按机关列出，供数据门户采集."""
    base = str(request.base_url).rstrip("/")
    return Response(dumps(await dcat.catalog(session, base)), media_type=dcat.MEDIA_TYPE)
