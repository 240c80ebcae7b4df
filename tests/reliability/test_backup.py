"""``gongkai backup`` / ``gongkai restore``: an online backup restored into an empty instance
holds every record of every database, the attachments, and a rebuilt search index."""

import asyncio
import hashlib
import importlib
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from typer.testing import CliRunner

from gateway.app import create_app
from gateway.oauth.admin import create_client, create_user
from gateway.settings import GatewaySettings
from gongkai.backup import BackupError, Instance, create_backup, verify_backup
from gongkai.cli import cli
from services.common.auth import Role
from services.common.settings import ServiceSettings
from tests.conftest import ServiceSettingsFactory
from tests.documents.attachments.files import chinese_pdf_bytes
from tests.support.apps import client_for
from tests.support.databases import DatabaseFactory, in_ci
from tests.support.documents import DOCS, document_body
from tests.support.oauth import PASSWORD, database
from tests.support.requests import BASE, officer, request_body
from tests.support.tokens import TokenMinter

pytestmark = pytest.mark.slow
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def sqlite_path(url: str) -> Path:
    return Path(url.split(":///", 1)[1])


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in sorted(tables)
        }
    finally:
        conn.close()


def environment(
    data_dir: Path, services: dict[str, ServiceSettings], gateway_url: str
) -> dict[str, str]:
    return {
        "GONGKAI_ENVIRONMENT": "test",
        "GONGKAI_DATA_DIR": str(data_dir),
        "GONGKAI_GATEWAY_DATABASE_URL": gateway_url,
        **{f"GONGKAI_{n.upper()}_DATABASE_URL": s.database_url for n, s in services.items()},
    }


async def populate(
    services: dict[str, ServiceSettings], gateway_settings: GatewaySettings, tokens: TokenMinter
) -> dict[str, Any]:
    """The demo data of every service, an attachment, a submitted request, a user and a
    client, written through the running system."""
    for name in ("catalog", "documents", "requests"):
        await importlib.import_module(f"services.{name}.demo").load(services)
    app = create_app(gateway_settings, services)
    async with client_for(app) as client:
        listed = (await client.get("/api/v1/catalog/agencies", params={"limit": 1})).json()
        agency = listed["items"][0]["id"]
        staff = tokens.headers(roles=[Role.EDITOR], scopes=["documents:write"], agencies=[agency])
        created = await client.post(DOCS, json=document_body(agency), headers=staff)
        assert created.status_code == 201, created.text
        document = created.json()
        content = chinese_pdf_bytes("备份恢复测试附件")
        uploaded = await client.post(
            f"{DOCS}/{document['id']}/attachments",
            files={"file": ("附件.pdf", content, "application/pdf")},
            headers=staff,
        )
        assert uploaded.status_code == 201, uploaded.text
        submitted = await client.post(BASE, json=request_body(agency))
        assert submitted.status_code == 201, submitted.text
        await create_user(
            database(app),
            username="backup-user",
            password=PASSWORD,
            roles=[Role.EDITOR],
            agencies=[agency],
        )
        await create_client(database(app), client_id="backup-client", scopes=["opendata:read"])
        search = (await client.get(f"{DOCS}/search", params={"q": "政务公开"})).json()
        return {
            "agency": agency,
            "document": document,
            "attachment": uploaded.json(),
            "content": content,
            "request": submitted.json(),
            "search_total": search["total"],
        }


@SQLITE_ONLY
async def test_backup_restored_into_an_empty_instance_holds_every_record(
    make_service_settings: ServiceSettingsFactory,
    gateway_settings: GatewaySettings,
    tokens: TokenMinter,
    data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    services = await make_service_settings(["catalog", "documents", "requests"])
    made = await populate(services, gateway_settings, tokens)
    source = Instance.from_settings(services, gateway_settings.database_url, data_dir)
    target = tmp_path_factory.mktemp("backup") / "gongkai-backup"

    # Online: the system keeps running (and writing) while the backup is taken.
    app = create_app(gateway_settings, services)
    async with client_for(app) as client:
        writes = [
            client.post(BASE, json=request_body(made["agency"], title=f"并发写入 {i}"))
            for i in range(3)
        ]
        _, *statuses = await asyncio.gather(
            asyncio.to_thread(create_backup, source, target), *writes
        )
        assert all(s.status_code == 201 for s in statuses)
    manifest = verify_backup(target)
    assert set(manifest["databases"]) == {"catalog", "documents", "requests", "gateway"}
    assert all(e["revision"] for e in manifest["databases"].values())
    key = made["attachment"]["sha256"]
    assert f"attachments/objects/{key[:2]}/{key[2:4]}/{key}" in manifest["files"]
    assert "keys/signing.json" in manifest["files"] or "keys/jwks.json" in manifest["files"]

    # Restore into a new, empty instance through the command line.
    fresh = tmp_path_factory.mktemp("restored")
    restored_services = {
        name: type(s)(
            _env_file=None,  # type: ignore[call-arg]
            environment="test",
            data_dir=fresh,
            **{f"{name}_database_url": f"sqlite:///{fresh}/{name}.db"},
        )
        for name, s in services.items()
    }
    gateway_url = f"sqlite:///{fresh}/gateway.db"
    env = environment(fresh, restored_services, gateway_url)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["restore", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert "检索索引已重建" in result.output

    # Every row of every table of every database is back (the backup's snapshot).
    copied = Instance.from_settings(restored_services, gateway_url, fresh)
    for name, path in copied.databases.items():
        in_backup = dump(target / manifest["databases"][name]["file"])
        assert dump(path) == in_backup, name
        assert sum(len(rows) for rows in in_backup.values()) > 0
    original_documents = dump(source.databases["documents"])
    assert dump(copied.databases["documents"]) == original_documents

    # And the restored system serves them: records, attachment bytes, search.
    restored_gateway = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=fresh,
        gateway_database_url=gateway_url,
    )
    async with client_for(create_app(restored_gateway, restored_services)) as client:
        document = (
            await client.get(
                f"{DOCS}/{made['document']['id']}",
                headers=tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["documents:read"]),
            )
        ).json()
        assert document["title"] == made["document"]["title"]
        download = await client.get(
            f"{DOCS}/{made['document']['id']}/attachments/{made['attachment']['id']}/content",
            headers=tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["documents:read"]),
        )
        assert hashlib.sha256(download.content).hexdigest() == key
        search = (await client.get(f"{DOCS}/search", params={"q": "政务公开"})).json()
        assert search["total"] == made["search_total"]
        request = await client.get(
            f"{BASE}/{made['request']['id']}", headers=officer(tokens, made["agency"])
        )
        assert request.status_code == 200, request.text


@SQLITE_ONLY
async def test_restore_refuses_a_corrupted_or_incomplete_backup(
    make_service_settings: ServiceSettingsFactory,
    gateway_settings: GatewaySettings,
    data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    services = await make_service_settings(["catalog", "documents", "requests"])
    env = environment(data_dir, services, gateway_settings.database_url)
    target = tmp_path_factory.mktemp("backup") / "b"
    made = await asyncio.to_thread(CliRunner().invoke, cli, ["backup", str(target)], env=env)
    assert made.exit_code == 0, made.output
    assert "已备份到" in made.output

    empty = tmp_path_factory.mktemp("empty")
    empty_env = {
        **environment(empty, services, f"sqlite:///{empty}/gateway.db"),
        **{f"GONGKAI_{n.upper()}_DATABASE_URL": f"sqlite:///{empty}/{n}.db" for n in services},
    }

    # A flipped byte in one database: refused, and nothing is written.
    damaged = target / "databases" / "documents.db"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    refused = await asyncio.to_thread(
        CliRunner().invoke, cli, ["restore", str(target)], env=empty_env
    )
    assert refused.exit_code == 1
    assert "备份已损坏，拒绝恢复" in refused.output
    assert "databases/documents.db：SHA-256 校验和不符" in refused.output
    assert not (empty / "documents.db").exists()

    # A missing file, a missing manifest.
    damaged.unlink()
    with pytest.raises(BackupError, match=r"databases/documents\.db：文件缺失"):
        verify_backup(target)
    manifest = json.loads((target / "manifest.json").read_text("utf-8"))
    (target / "manifest.json").unlink()
    with pytest.raises(BackupError, match=r"缺少 manifest\.json"):
        verify_backup(target)
    (target / "manifest.json").write_text(json.dumps(manifest)[:-20], encoding="utf-8")
    with pytest.raises(BackupError, match=r"清单.*已损坏"):
        verify_backup(target)

    # An existing instance is overwritten only on request.
    again = await asyncio.to_thread(CliRunner().invoke, cli, ["backup", str(target)], env=env)
    assert again.exit_code == 1
    assert "已存在且不为空" in again.output
    second = target.with_name("second")
    await asyncio.to_thread(CliRunner().invoke, cli, ["backup", str(second)], env=env)
    busy = await asyncio.to_thread(CliRunner().invoke, cli, ["restore", str(second)], env=env)
    assert busy.exit_code == 1
    assert "--force" in busy.output


async def pg_dump_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        tables = await conn.fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        return {
            t["table_name"]: sorted(
                (tuple(r) for r in await conn.fetch(f'SELECT * FROM "{t["table_name"]}"')),
                key=repr,
            )
            for t in tables
        }
    finally:
        await conn.close()


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_the_readmes_pg_dump_procedure_restores_every_record(
    make_service_settings: ServiceSettingsFactory,
    gateway_settings: GatewaySettings,
    tokens: TokenMinter,
    database_factories: dict[str, DatabaseFactory],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    missing = [n for n in ("pg_dump", "pg_restore") if shutil.which(n) is None]
    if missing:
        if in_ci():
            pytest.fail(f"CI=true 时需要 {'、'.join(missing)}")
        pytest.skip(f"找不到 {'、'.join(missing)}")
    services = await make_service_settings(["catalog", "documents", "requests"])
    await populate(services, gateway_settings, tokens)
    urls = {n: s.database_url for n, s in services.items()}
    urls["gateway"] = gateway_settings.database_url
    folder = tmp_path_factory.mktemp("pg_dump")
    factory = database_factories["postgresql"]
    for name, url in urls.items():
        dump_file = folder / f"{name}.dump"
        libpq = url.replace("+asyncpg", "")
        dumped = await asyncio.to_thread(
            subprocess.run,
            ["pg_dump", "--format=custom", "--no-owner", f"--file={dump_file}", libpq],
            capture_output=True,
            text=True,
        )
        assert dumped.returncode == 0, dumped.stderr
        target = await factory.empty(name)
        restored = await asyncio.to_thread(
            subprocess.run,
            ["pg_restore", "--no-owner", "--exit-on-error",
             f"--dbname={target.replace('+asyncpg', '')}", str(dump_file)],
            capture_output=True,
            text=True,
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr
        before = await pg_dump_rows(url)
        assert sum(len(rows) for rows in before.values()) > 0
        assert await pg_dump_rows(target) == before, name
