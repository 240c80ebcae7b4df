"""HTTP route of the legacy import."""

from fastapi import APIRouter, Request

from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.documents.access import Writer
from services.documents.legacy import service
from services.documents.legacy.schemas import ImportRequest, ImportResponse

router = APIRouter(prefix="/api/v1/documents", tags=["历史文件导入"])


@router.post("/import", response_model=ImportResponse, responses=problem_responses(401, 403, 422))
async def import_legacy(
    body: ImportRequest, request: Request, session: SessionDep, caller: Writer
) -> ImportResponse:
    """导入历史文件的原始文本（含网页残留、断行）：逐个报告识别出和未识别出的项目，并登记."""
    return await service.import_files(
        session, caller=caller, catalog=request.app.state.peers["catalog"], data=body
    )
