"""Demo data of the documents service: the five sample documents, imported and published."""

from collections.abc import Mapping

from services.common.settings import ServiceSettings
from services.documents.legacy.runner import import_texts
from services.documents.legacy.schemas import ImportStatus
from services.documents.samples import sample_files


async def load(settings: Mapping[str, ServiceSettings]) -> str:
    """Import the samples through the importer (idempotent: an existing 发文字号 is skipped)."""
    files = [(f.name, f.read_text(encoding="utf-8")) for f in sample_files()]
    response = await import_texts(settings, files, publish=True)
    counts = {status: 0 for status in ImportStatus}
    for result in response.results:
        counts[result.status] += 1
    missing = [r.filename for r in response.results if r.status is ImportStatus.INCOMPLETE]
    summary = (
        f"示例文件 {len(files)} 份：新登记并发布 {counts[ImportStatus.PUBLISHED]} 份，"
        f"新登记草稿 {counts[ImportStatus.CREATED]} 份，已存在 {counts[ImportStatus.EXISTS]} 份"
    )
    if missing:
        summary += f"；未登记（目录中缺少发文机关等）：{'、'.join(missing)}"
    return summary
