"""HTTP routes of the open-data bulk export of documents (开放数据：文件库全量导出)."""

from services.common.bulk import export_router
from services.documents.exports import service

BASE = "/api/v1/open/exports/documents"
router = export_router(
    BASE,
    service.EXPORT,
    about="主动公开文件的全量导出清单：文件名、记录数、SHA-256、生成时间；数据变化后重新生成.",
    example_files="documents.jsonl、documents.csv",
)
