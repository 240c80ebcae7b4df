"""``gongkai import PATH…``: the same importer from the command line, reporting per file."""

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from gongkai.cli import cli
from services.catalog.app import create_app as create_catalog
from services.common.db import Database
from services.documents.records.models import Document
from services.documents.samples import sample_files
from tests.conftest import ServiceSettingsFactory
from tests.documents.legacy.test_routes import OFFICES
from tests.support.apps import client_for
from tests.support.catalog import agency_body
from tests.support.documents import CATALOG, register_agencies
from tests.support.tokens import TokenMinter


async def test_gongkai_import_reports_per_file_and_registers_once(
    make_service_settings: ServiceSettingsFactory,
    tokens: TokenMinter,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = await make_service_settings(["catalog", "documents"])
    async with client_for(create_catalog(settings["catalog"])) as catalog:
        await register_agencies(catalog, tokens)
        admin = tokens.headers(roles=["platform_admin"], scopes=["catalog:manage"])
        for name in OFFICES:
            created = await catalog.post(
                f"{CATALOG}/agencies", json=agency_body(name), headers=admin
            )
            assert created.status_code == 201, created.text
    # Legacy files come in GBK too.
    paths = []
    for sample in sample_files():
        path = tmp_path / sample.name
        encoding = "gbk" if sample.name.startswith("boshan") else "utf-8"
        path.write_bytes(sample.read_text(encoding="utf-8").encode(encoding))
        paths.append(str(path))
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GONGKAI_CATALOG_DATABASE_URL", settings["catalog"].database_url)
    monkeypatch.setenv("GONGKAI_DOCUMENTS_DATABASE_URL", settings["documents"].database_url)

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["import", *args])
        assert result.exit_code == 0, result.output
        return result.output

    preview = await asyncio.to_thread(run, "--dry-run", *paths)
    assert preview.count("已识别（未登记）") == 5
    assert "共 5 份，登记 0 份" in preview
    output = await asyncio.to_thread(run, "--publish", *paths)
    assert "共 5 份，登记 5 份" in output
    for number in ("博政办字〔2020〕45号", "交政办发〔2020〕78号", "张政办函〔2020〕100号"):
        assert number in output
    assert output.count("已登记并发布") == 3  # the three marked （此件公开发布）
    again = await asyncio.to_thread(run, *paths)
    assert "共 5 份，登记 0 份" in again
    assert again.count("未重复登记") == 5

    missing = CliRunner().invoke(cli, ["import", str(tmp_path / "nowhere.txt")])
    assert missing.exit_code != 0
    assert "找不到文件" in missing.output

    database = Database(settings["documents"].database_url)
    try:
        async with database.sessions() as session:
            rows = list(await session.exec(select(Document)))
    finally:
        await database.dispose()
    assert sorted(d.doc_number_key or "" for d in rows) == sorted(
        ["博政办字〔2020〕45号", "交政办发〔2020〕78号", "石政办函〔2020〕28号",
         "张政办函〔2020〕100号", "资府办发〔2020〕31号"]
    )  # fmt: skip
