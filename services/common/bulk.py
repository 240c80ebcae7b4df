"""Bulk snapshots: JSONL and CSV files written batch by batch, with a SHA-256 manifest.

A service describes its tables (a name, CSV columns and an async iterator of record batches);
:func:`write_snapshot` streams every batch into ``<name>.jsonl`` and ``<name>.csv`` at once,
hashing and counting as it writes, so memory stays at one batch whatever the size. The CSV
starts with a UTF-8 byte order mark, which Excel needs to read Chinese correctly.

Served snapshots live under a directory per dataset: one sub-directory per snapshot and a
``current`` file naming the newest. A snapshot records the ``state`` of the data it was
made from; when the service's state has moved on (a change, a new day) it is rebuilt before
it is served again, so a withdrawn record never lingers in a served file.
"""

import asyncio
import base64
import csv
import datetime as dt
import hashlib
import io
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO, TypeVar

import orjson
from fastapi import APIRouter, Header, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.responses import FileResponse, Response

from services.common.auth import Principal, public
from services.common.db import Database, is_sqlite
from services.common.errors import NotFound, ServiceUnavailable, problem_responses
from services.common.listing import matches

# A request waits this long for a rebuild before it gets a 503 (gateway read timeout: 30 s).
REBUILD_WAIT_SECONDS = 20.0
RETRY_AFTER_SECONDS = 30
BOM = "\ufeff".encode()
MANIFEST = "manifest.json"
CURRENT = "current"
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class Table:
    """One kind of record in a snapshot, written as ``<name>.jsonl`` and ``<name>.csv``."""

    name: str
    csv_header: Sequence[str]
    csv_row: Callable[[dict[str, Any]], Sequence[Any]]
    batches: Callable[[], AsyncIterator[list[dict[str, Any]]]]


Columns = Sequence[tuple[str, str]]  # (key of the flattened record, CSV header a person reads)


def _same(record: dict[str, Any]) -> dict[str, Any]:
    return record


def columns_table(
    name: str,
    columns: Columns,
    batches: Callable[[], AsyncIterator[list[dict[str, Any]]]],
    flatten: Callable[[dict[str, Any]], dict[str, Any]] = _same,
) -> Table:
    """A table whose CSV has one column per ``columns`` entry, read from ``flatten(record)``."""
    return Table(
        name=name,
        csv_header=[label for _, label in columns],
        csv_row=lambda record: [flatten(record).get(key) for key, _ in columns],
        batches=batches,
    )


class FileEntry(BaseModel):
    name: str
    media_type: str
    records: int = Field(description="记录条数（CSV 不含表头行）")
    bytes: int
    sha256: str = Field(description="文件内容的 SHA-256（十六进制）")


class Manifest(BaseModel):
    dataset: str
    generated_at: dt.datetime
    state: str = Field(description="生成时数据的状态标记；数据变化后快照会重新生成")
    files: list[FileEntry]

    def file(self, name: str) -> FileEntry | None:
        return next((f for f in self.files if f.name == name), None)


class ExportRead(Manifest):
    """A manifest as the API shows it, with where to download each file."""

    links: dict[str, str] = Field(description="各文件（及 manifest.json）的下载地址")

    @classmethod
    def of(cls, manifest: Manifest, base: str) -> "ExportRead":
        names = [f.name for f in manifest.files] + [MANIFEST]
        return cls(**manifest.model_dump(), links={n: f"{base}/{n}" for n in names})


class _Sink:
    """A file that hashes, counts and sizes what is written to it."""

    def __init__(self, path: Path, media_type: str, prefix: bytes = b"") -> None:
        self.path = path
        self.media_type = media_type
        self.handle: BinaryIO = path.open("wb")
        self.digest = hashlib.sha256()
        self.size = 0
        self.records = 0
        self.write(prefix)

    def write(self, data: bytes) -> None:
        if data:
            self.handle.write(data)
            self.digest.update(data)
            self.size += len(data)

    def close(self) -> FileEntry:
        self.handle.close()
        return FileEntry(
            name=self.path.name,
            media_type=self.media_type,
            records=self.records,
            bytes=self.size,
            sha256=self.digest.hexdigest(),
        )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """One CSV cell: lists of words joined by ；, structures as JSON, booleans as 是/否.

    Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading ',
    as OWASP advises for CSV exports; the JSONL keeps the value exactly.
    """
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return csv_text("；".join(str(v) for v in value))
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


def _csv_line(values: Sequence[Any]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([csv_text(v) for v in values])
    return buffer.getvalue().encode()


async def write_snapshot(
    directory: Path, *, dataset: str, state: str, tables: Sequence[Table]
) -> Manifest:
    """Write every table into ``directory`` (created; files replaced) and its manifest."""
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    entries: list[FileEntry] = []
    for table in tables:
        jsonl = _Sink(directory / f"{table.name}.jsonl", MEDIA_TYPES["jsonl"])
        sheet = _Sink(directory / f"{table.name}.csv", MEDIA_TYPES["csv"], BOM)
        try:
            sheet.write(_csv_line(table.csv_header))
            async for batch in table.batches():
                lines = b"".join(orjson.dumps(r) + b"\n" for r in batch)
                buffer = io.StringIO()
                writer = csv.writer(buffer, lineterminator="\r\n")
                writer.writerows([csv_text(v) for v in table.csv_row(r)] for r in batch)
                # Disk writes off the event loop: other requests go on while a big export runs.
                await asyncio.to_thread(jsonl.write, lines)
                await asyncio.to_thread(sheet.write, buffer.getvalue().encode())
                jsonl.records += len(batch)
                sheet.records += len(batch)
        finally:
            entries.extend([jsonl.close(), sheet.close()])
    manifest = Manifest(
        dataset=dataset, generated_at=dt.datetime.now(dt.UTC), state=state, files=entries
    )
    (directory / MANIFEST).write_bytes(
        orjson.dumps(manifest.model_dump(mode="json"), option=orjson.OPT_INDENT_2)
    )
    return manifest


Row = TypeVar("Row", bound=SQLModel)


async def id_batches(
    session: AsyncSession, model: type[Row], visible: ColumnElement[bool], size: int
) -> AsyncIterator[list[Row]]:
    """The rows of ``model`` matching ``visible``, in id order, from windows of ``size`` ids.

    Each window is read along the primary key first and only then filtered, so every batch
    costs the same however far in it is (filtering first lets SQLite pick the status index
    and sort every remaining row again for each batch: quadratic in the table size).
    """
    key = getattr(model, "id")  # noqa: B009 (every exported table has a uuid id)
    after: Any = None
    while True:
        window = select(key).order_by(key).limit(size)
        if after is not None:
            window = window.where(key > after)
        ids = list(await session.exec(window))
        if not ids:
            return
        query = select(model).where(key.in_(ids), visible).order_by(key)
        rows = list(await session.exec(query))
        if rows:
            yield rows
            # The rows are written by now: let the session forget them (constant memory).
            session.expunge_all()
        after = ids[-1]


def snapshot_root(data_dir: Path, dataset: str) -> Path:
    """Where a service keeps the snapshots of ``dataset`` it serves."""
    return data_dir / "exports" / dataset


class SnapshotStore:
    """The served snapshots of one dataset under ``root``; rebuilt when the state moves on.

    A rebuild runs as a task of its own: a request waits for it at most ``wait`` seconds
    (below the gateway's read timeout), then gets a 503 with ``Retry-After`` while the
    rebuild goes on, never a snapshot older than the data.
    """

    def __init__(self, root: Path, *, wait: float = REBUILD_WAIT_SECONDS) -> None:
        self.root = root
        self.wait = wait
        self._lock = asyncio.Lock()
        self._rebuild: asyncio.Task[tuple[Path, Manifest]] | None = None

    def current(self) -> tuple[Path, Manifest] | None:
        try:
            name = (self.root / CURRENT).read_text().strip()
            directory = self.root / name
            data = (directory / MANIFEST).read_bytes()
        except OSError:
            return None
        return directory, Manifest.model_validate_json(data)

    async def fresh(
        self,
        state: Callable[[], Awaitable[str]],
        build: Callable[[Path], Awaitable[Manifest]],
    ) -> tuple[Path, Manifest]:
        """The current snapshot, first rebuilt by ``build(dir)`` if made from an older state."""
        found = self.current()
        if found is not None and found[1].state == await state():
            return found
        if self._rebuild is None or self._rebuild.done():
            self._rebuild = asyncio.create_task(self._rebuilt(state, build))
            # A failure nobody waited for is still collected (and raised to the next waiter).
            self._rebuild.add_done_callback(lambda t: t.cancelled() or t.exception())
        try:
            return await asyncio.wait_for(asyncio.shield(self._rebuild), self.wait)
        except TimeoutError:
            raise ServiceUnavailable(
                "全量导出正在按最新数据重新生成，请稍后再试。",
                code="export-rebuilding",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            ) from None

    async def _rebuilt(
        self,
        state: Callable[[], Awaitable[str]],
        build: Callable[[Path], Awaitable[Manifest]],
    ) -> tuple[Path, Manifest]:
        async with self._lock:
            found = self.current()
            if found is not None and found[1].state == await state():
                return found
            return await self.publish(build)

    async def publish(self, build: Callable[[Path], Awaitable[Manifest]]) -> tuple[Path, Manifest]:
        """Build a snapshot in a new directory, then make it current (atomically)."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
        directory = self.root / name
        try:
            manifest = await build(directory)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        pointer = self.root / f".{CURRENT}-{name}"
        pointer.write_text(name)
        os.replace(pointer, self.root / CURRENT)
        self._prune()
        return directory, manifest

    def _prune(self) -> None:
        """Remove all but the newest two snapshots (a download of the previous may be running)."""
        snapshots = sorted(p for p in self.root.iterdir() if p.is_dir())
        for old in snapshots[:-2]:
            shutil.rmtree(old, ignore_errors=True)


async def served_snapshot(
    app_state: Any,
    root: Path,
    state: Callable[[], Awaitable[str]],
    build: Callable[[Path], Awaitable[Manifest]],
) -> tuple[Path, Manifest]:
    """The fresh snapshot under ``root``, through one store per app (so one rebuild at a time)."""
    stores: dict[Path, SnapshotStore] = getattr(app_state, "bulk_snapshots", None) or {}
    app_state.bulk_snapshots = stores
    store = stores.setdefault(root, SnapshotStore(root))
    return await store.fresh(state, build)


@asynccontextmanager
async def snapshot_session(database: Database) -> AsyncIterator[AsyncSession]:
    """A read-only session seeing one consistent state of the database from its first query.

    PostgreSQL needs REPEATABLE READ for that; a SQLite read transaction (WAL) already is one.
    """
    async with database.sessions() as session:
        if not is_sqlite(database.url):
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield session
        finally:
            await session.rollback()


def file_response(
    directory: Path, manifest: Manifest, name: str, if_none_match: str | None
) -> Response:
    """One file of a snapshot (or its manifest), streamed from disk, with ETag = its SHA-256."""
    if name == MANIFEST:
        body = (directory / MANIFEST).read_bytes()
        tag = f'"{hashlib.sha256(body).hexdigest()}"'
        if matches(if_none_match, tag):
            return Response(status_code=304, headers={"ETag": tag})
        return Response(body, media_type="application/json", headers={"ETag": tag})
    entry = manifest.file(name)
    if entry is None:
        names = "、".join([f.name for f in manifest.files] + [MANIFEST])
        raise NotFound(f"没有名为 {name} 的导出文件；可下载：{names}。", code="export-not-found")
    tag = f'"{entry.sha256}"'
    digest = base64.b64encode(bytes.fromhex(entry.sha256)).decode()
    headers = {
        "ETag": tag,
        "Repr-Digest": f"sha-256=:{digest}:",
        "X-Content-Type-Options": "nosniff",
    }
    if matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    return FileResponse(
        directory / name, media_type=entry.media_type, filename=name, headers=headers
    )


@dataclass(frozen=True)
class Export:
    """One service's bulk export: its dataset name, the state it is made from, its tables."""

    dataset: str
    state: Callable[[AsyncSession], Awaitable[str]]
    tables: Callable[[AsyncSession, int], Sequence[Table]]
    batch_size: int = 500

    async def write(
        self, database: Database, directory: Path, *, batch_size: int | None = None
    ) -> Manifest:
        """Write the export into ``directory`` from one consistent read of the database."""
        async with snapshot_session(database) as session:
            return await write_snapshot(
                directory,
                dataset=self.dataset,
                state=await self.state(session),
                tables=self.tables(session, batch_size or self.batch_size),
            )

    async def current_state(self, database: Database) -> str:
        async with database.sessions() as session:
            return await self.state(session)

    async def served(self, app_state: Any) -> tuple[Path, Manifest]:
        """The app's served snapshot, rebuilt first when the data changed since it was made."""
        database: Database = app_state.db
        return await served_snapshot(
            app_state,
            snapshot_root(app_state.settings.data_dir, self.dataset),
            lambda: self.current_state(database),
            lambda directory: self.write(database, directory),
        )


def export_router(base: str, export: Export, *, about: str, example_files: str) -> APIRouter:
    """The public routes of a served export at ``base``: its manifest, and each of its files.

    ``about`` describes the manifest route (what the export holds) in the API documentation.
    """
    router = APIRouter(prefix=base, tags=["开放数据"])
    anyone = Annotated[Principal, public()]
    file_name = Annotated[str, PathParam(max_length=64, description=f"如 {example_files}")]
    if_none_match = Annotated[str | None, Header(alias="If-None-Match", max_length=200)]

    @router.get("", response_model=ExportRead, responses=problem_responses(503), description=about)
    async def export_manifest(request: Request, _caller: anyone) -> ExportRead:
        _, manifest = await export.served(request.app.state)
        return ExportRead.of(manifest, base)

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
        name: file_name, request: Request, _caller: anyone, if_none_match: if_none_match = None
    ) -> Response:
        """下载全量导出的一个文件：JSONL，或带 BOM 的 UTF-8 CSV（Excel 可直接打开）."""
        directory, manifest = await export.served(request.app.state)
        return file_response(directory, manifest, name, if_none_match)

    return router
