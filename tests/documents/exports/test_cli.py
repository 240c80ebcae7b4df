"""``gongkai export``: the same files as the API, into a directory or the served snapshots."""

import asyncio
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import cli
from tests.support.documents import World

EXPORTS = "/api/v1/open/exports/documents"


async def test_export_command_writes_files_and_manifest(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = await world.publish(await world.create())
    draft = await world.create(doc_number="张政办函〔2020〕101号", title="尚未发布的草稿")
    monkeypatch.setenv("GONGKAI_DOCUMENTS_DATABASE_URL", world.database_url)
    monkeypatch.setenv("GONGKAI_CATALOG_DATABASE_URL", world.catalog_database_url)
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(world.data_dir))
    out = tmp_path / "out"

    result = await asyncio.to_thread(CliRunner().invoke, cli, ["export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "documents.jsonl  1 条" in result.output
    manifest = json.loads((out / "documents" / "manifest.json").read_text())
    for entry in manifest["files"]:
        content = (out / "documents" / entry["name"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert entry["records"] == (1 if entry["name"].startswith("documents") else 0)
    lines = (out / "documents" / "documents.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [public["id"]]
    assert draft["id"] not in (out / "documents" / "documents.csv").read_text("utf-8-sig")
    catalog = json.loads((out / "catalog" / "manifest.json").read_text())
    assert {f["name"]: f["records"] for f in catalog["files"]}["agencies.jsonl"] == 2

    # Without --out it refreshes what the API serves: the API then serves that very snapshot.
    unknown = await asyncio.to_thread(CliRunner().invoke, cli, ["export", "minutes"])
    assert unknown.exit_code != 0
    served = await asyncio.to_thread(CliRunner().invoke, cli, ["export", "documents"])
    assert served.exit_code == 0, served.output
    listed = (await world.docs.get(EXPORTS)).json()
    written = json.loads(
        next((world.data_dir / "exports" / "documents").glob("*/manifest.json")).read_text()
    )
    assert listed["generated_at"].replace("Z", "+00:00") == written["generated_at"].replace(
        "Z", "+00:00"
    )
    assert listed["files"] == written["files"]
