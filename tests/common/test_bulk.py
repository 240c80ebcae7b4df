"""Bulk snapshots without a database: files, hashes, the BOM, cells, and serving a snapshot."""

import asyncio
import csv
import hashlib
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.common.bulk import (
    MANIFEST,
    Manifest,
    SnapshotStore,
    Table,
    csv_text,
    file_response,
    write_snapshot,
)
from services.common.errors import NotFound, ServiceUnavailable


def _table(name: str, records: list[dict[str, Any]], size: int = 2) -> Table:
    async def batches() -> AsyncIterator[list[dict[str, Any]]]:
        for start in range(0, len(records), size):
            yield records[start : start + size]

    return Table(
        name=name,
        csv_header=["编号", "标题", "主题词"],
        csv_row=lambda r: [r["id"], r["title"], r["keywords"]],
        batches=batches,
    )


RECORDS = [
    {"id": 1, "title": "关于做好政务公开工作的通知", "keywords": ["政务公开", "标准化"]},
    {"id": 2, "title": '=HYPERLINK("http://x")', "keywords": []},
    {"id": 3, "title": '含\n换行，与"引号"', "keywords": ["一"]},
]


async def test_snapshot_files_match_their_manifest(tmp_path: Path) -> None:
    manifest = await write_snapshot(
        tmp_path, dataset="test", state="s1", tables=[_table("docs", RECORDS), _table("none", [])]
    )
    on_disk = json.loads((tmp_path / MANIFEST).read_bytes())
    assert on_disk == manifest.model_dump(mode="json")
    assert [(f.name, f.records) for f in manifest.files] == [
        ("docs.jsonl", 3), ("docs.csv", 3), ("none.jsonl", 0), ("none.csv", 0),
    ]  # fmt: skip
    for entry in manifest.files:
        content = (tmp_path / entry.name).read_bytes()
        assert entry.sha256 == hashlib.sha256(content).hexdigest()
        assert entry.bytes == len(content)
    lines = (tmp_path / "docs.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == RECORDS
    raw = (tmp_path / "docs.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["编号", "标题", "主题词"],
        ["1", "关于做好政务公开工作的通知", "政务公开；标准化"],
        ["2", '\'=HYPERLINK("http://x")', ""],
        ["3", '含\n换行，与"引号"', "一"],
    ]
    assert (tmp_path / "none.csv").read_bytes() == "\ufeff编号,标题,主题词\r\n".encode()


def test_cells() -> None:
    assert csv_text(None) == ""
    assert csv_text(True) == "是"
    assert csv_text(False) == "否"
    assert csv_text(12) == "12"
    assert csv_text(["a", 1]) == "a；1"
    assert csv_text([{"id": 1}]) == '[{"id":1}]'
    assert csv_text({"code": "01"}) == '{"code":"01"}'
    for risky in ("=1+1", "+86 931", "-2", "@SUM(A1)"):
        assert csv_text(risky) == "'" + risky
    assert csv_text(["=1"]) == "'=1"
    assert csv_text("〔2020〕1号") == "〔2020〕1号"


async def test_store_rebuilds_only_when_the_state_moves_and_keeps_two(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "exports")
    state = {"now": "a"}
    built: list[Path] = []

    async def current_state() -> str:
        return state["now"]

    async def build(directory: Path) -> Manifest:
        built.append(directory)
        return await write_snapshot(
            directory, dataset="t", state=state["now"], tables=[_table("docs", RECORDS)]
        )

    assert store.current() is None
    first, manifest = await store.fresh(current_state, build)
    assert manifest.state == "a"
    again, _ = await store.fresh(current_state, build)
    assert again == first
    assert len(built) == 1
    for now in ("b", "c", "d"):
        state["now"] = now
        latest, manifest = await store.fresh(current_state, build)
        assert manifest.state == now
    assert len(built) == 4
    kept = sorted(p for p in (tmp_path / "exports").iterdir() if p.is_dir())
    assert kept == built[-2:]
    assert store.current() == (latest, manifest)

    response = file_response(latest, manifest, "docs.csv", None)
    assert response.headers["etag"] == f'"{manifest.files[1].sha256}"'
    assert file_response(latest, manifest, "docs.csv", response.headers["etag"]).status_code == 304
    with pytest.raises(NotFound):
        file_response(latest, manifest, "../docs.csv", None)


async def test_a_slow_rebuild_answers_503_and_goes_on(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "exports", wait=0.05)
    release = asyncio.Event()
    builds = 0

    async def current_state() -> str:
        return "a"

    async def build(directory: Path) -> Manifest:
        nonlocal builds
        builds += 1
        await release.wait()
        return await write_snapshot(
            directory, dataset="t", state="a", tables=[_table("docs", RECORDS)]
        )

    with pytest.raises(ServiceUnavailable) as busy:
        await store.fresh(current_state, build)
    assert busy.value.headers["Retry-After"] == "30"
    assert store.current() is None  # nothing older is served meanwhile
    with pytest.raises(ServiceUnavailable):
        await store.fresh(current_state, build)  # joins the running rebuild
    release.set()
    directory, manifest = await store.fresh(current_state, build)
    assert manifest.state == "a"
    assert builds == 1
    assert store.current() == (directory, manifest)
