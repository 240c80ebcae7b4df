"""HTTP routes of reference data: public reads, platform-admin writes."""

from typing import Annotated

from fastapi import APIRouter, Path

from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.documents.access import Admin, Anyone
from services.documents.reference import repository, service
from services.documents.reference.schemas import (
    DocumentTypeList,
    DocumentTypeRead,
    DocumentTypeWrite,
    SubjectList,
    SubjectRead,
    SubjectWrite,
)

router = APIRouter(prefix="/api/v1/documents", tags=["参考数据"])


@router.get("/types", response_model=DocumentTypeList)
async def list_types(session: SessionDep, _caller: Anyone) -> DocumentTypeList:
    """文件类型（规章、行政规范性文件、其他政策文件 …）."""
    rows = await repository.document_types(session)
    return DocumentTypeList(items=[DocumentTypeRead.model_validate(r.model_dump()) for r in rows])


@router.put(
    "/types/{code}", response_model=DocumentTypeRead, responses=problem_responses(401, 403, 422)
)
async def put_type(
    code: Annotated[str, Path(max_length=32)],
    body: DocumentTypeWrite,
    session: SessionDep,
    caller: Admin,
) -> DocumentTypeRead:
    """新增或修改一种文件类型（平台管理员）."""
    row = await service.put_document_type(session, caller=caller, code=code, data=body)
    return DocumentTypeRead.model_validate(row.model_dump())


@router.get("/subjects", response_model=SubjectList)
async def list_subjects(session: SessionDep, _caller: Anyone) -> SubjectList:
    """主题分类（政府网站的 22 个一级类及其二级类）."""
    rows = await repository.subjects(session)
    return SubjectList(items=[SubjectRead.model_validate(r.model_dump()) for r in rows])


@router.put(
    "/subjects/{code}", response_model=SubjectRead, responses=problem_responses(401, 403, 422)
)
async def put_subject(
    code: Annotated[str, Path(max_length=16)],
    body: SubjectWrite,
    session: SessionDep,
    caller: Admin,
) -> SubjectRead:
    """新增或修改一个主题分类（平台管理员）."""
    row = await service.put_subject(session, caller=caller, code=code, data=body)
    return SubjectRead.model_validate(row.model_dump())
