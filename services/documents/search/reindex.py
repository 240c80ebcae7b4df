"""``gongkai reindex``: rebuild the search index from the documents database."""

from anyio import to_thread

from services.common.db import Database
from services.common.settings import ServiceSettings
from services.documents.search.config import SearchOptions, open_search_index
from services.documents.search.indexer import Indexer
from services.documents.search.tantivy_index import SearchWriterBusy


async def rebuild_from_settings(settings: ServiceSettings) -> str:
    """Clears the configured index, loads every document, records the outbox position.

    The embedded index has one writer: with the server running (it holds the writer), stop
    it first; Meilisearch can be rebuilt while the service runs.
    """
    assert isinstance(settings, SearchOptions)
    try:
        index = await to_thread.run_sync(
            lambda: open_search_index(settings, settings.data_dir, writable=True)
        )
    except SearchWriterBusy:
        raise SystemExit(
            "检索索引正由运行中的服务写入；请先停止服务（或让服务的索引进程完成追赶）再重建索引。"
        ) from None
    database = Database(settings.database_url)
    try:
        count = await Indexer(index, database.sessions).rebuild()
    finally:
        await database.dispose()
        await to_thread.run_sync(index.close)
    return f"检索索引已重建：{count} 份文件"
