"""``gongkai``: run the system (all-in-one or one service), migrate, and administer it."""

import asyncio
import importlib
import importlib.resources
import importlib.util
import socket
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# Commands import what they use when they run: `gongkai --help` and the light commands then
# start without loading every service's app (seconds of CPU).
if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from gongkai.backup import Instance
    from services.common.db import Database

cli = typer.Typer(help="Gongkai（公开）政务公开后端。", no_args_is_help=True, add_completion=False)

HostOption = Annotated[str | None, typer.Option(help="监听地址；'::' 同时监听 IPv6 与 IPv4")]
PortOption = Annotated[int | None, typer.Option(help="监听端口")]


def _serve(app: "ASGIApp", host: str, port: int, log_level: str) -> None:
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="on",
        log_level=log_level.lower(),
    )
    server = uvicorn.Server(config)
    sockets = [_bind(host, port)] if ":" in host else None
    server.run(sockets=sockets)


def _bind(host: str, port: int) -> socket.socket:
    """An IPv6 socket that also accepts IPv4 (asyncio would set IPV6_V6ONLY on its own)."""
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if host in {"::", "[::]"}:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind((host.strip("[]"), port))
    sock.set_inheritable(True)
    return sock


@cli.command()
def serve(host: HostOption = None, port: PortOption = None) -> None:
    """Run the gateway with every service that has no URL configured, in one process."""
    from gateway.app import create_app as create_gateway
    from gateway.settings import GatewaySettings
    from services.common.logging import configure_logging

    settings = GatewaySettings()
    configure_logging(settings.log_level, settings.log_format)
    _serve(
        create_gateway(settings), host or settings.host, port or settings.port, settings.log_level
    )


@cli.command("serve-service")
def serve_service(
    name: Annotated[str, typer.Argument(help="catalog、documents 或 requests")],
    host: HostOption = None,
    port: PortOption = None,
) -> None:
    """Run one service on its own (the distributed mode)."""
    from gateway.services import BY_NAME, build_service_apps, service_settings
    from gateway.settings import GatewaySettings
    from services.common.logging import configure_logging

    if name not in BY_NAME:
        raise typer.BadParameter(f"未知的服务：{name}（可选 catalog、documents、requests）")
    settings = service_settings()
    configure_logging(settings[name].log_level, settings[name].log_format)
    missing = [p for p in BY_NAME[name].peers if not settings[name].service_url(p)]
    if missing:
        names = "、".join(f"GONGKAI_{p.upper()}_URL" for p in missing)
        raise typer.BadParameter(f"单独运行 {name} 服务时必须设置 {names}")
    app = build_service_apps(settings, only={name})[name]
    gateway_settings = GatewaySettings()
    _serve(
        app, host or gateway_settings.host, port or gateway_settings.port, settings[name].log_level
    )


@cli.command()
def migrate(
    names: Annotated[list[str] | None, typer.Argument(help="要迁移的服务；默认全部")] = None,
) -> None:
    """Bring each service's database to the latest schema."""
    from gateway.services import SERVICES, service_settings
    from gateway.settings import GatewaySettings
    from services.common.migrations import upgrade

    settings = service_settings()
    for entry in SERVICES:
        if names and entry.name not in names:
            continue
        asyncio.run(upgrade(entry.name, settings[entry.name].database_url))
        typer.echo(f"{entry.name}: 已迁移到最新版本")
    if not names or "gateway" in names:
        asyncio.run(upgrade("gateway", GatewaySettings().database_url))
        typer.echo("gateway: 已迁移到最新版本")


@cli.command()
def demo() -> None:
    """Load the demo data of every service that has some (idempotent; `make run` calls it)."""
    from gateway.services import SERVICES, service_settings

    settings = service_settings()
    for entry in SERVICES:
        module_name = f"services.{entry.name}.demo"
        if importlib.util.find_spec(module_name) is None:
            continue
        loader = importlib.import_module(module_name)
        summary = asyncio.run(loader.load(settings))
        typer.echo(f"{entry.name}: {summary}")


@cli.command()
def reindex() -> None:
    """Rebuild the documents search index (embedded or Meilisearch) from the database."""
    from gateway.services import service_settings
    from services.documents.search.reindex import rebuild_from_settings

    typer.echo(asyncio.run(rebuild_from_settings(service_settings()["documents"])))


@cli.command("make-migration")
def make_migration(
    name: Annotated[str, typer.Argument(help="catalog、documents、requests 或 gateway")],
    message: Annotated[str, typer.Option("-m", "--message", help="迁移说明（英文短句）")],
) -> None:
    """Autogenerate the next Alembic revision of a service from its models (for developers)."""
    from alembic import command

    from gateway.services import BY_NAME
    from services.common.migrations import (
        MIGRATION_PACKAGES,
        alembic_config,
        migrations_package,
        upgrade,
    )

    if name not in BY_NAME and name not in MIGRATION_PACKAGES:
        raise typer.BadParameter(f"未知的服务：{name}")
    package = migrations_package(name)
    versions = Path(str(importlib.resources.files(package) / "migrations" / "versions"))
    number = len(list(versions.glob(f"{name}_*.py"))) + 1
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/head.db"
        asyncio.run(upgrade(name, url))
        config = alembic_config(name, url)
        command.revision(config, message=message, autogenerate=True, rev_id=f"{name}_{number:04d}")


@cli.command("import")
def import_documents(
    paths: Annotated[list[Path], typer.Argument(help="历史文件的文本文件（UTF-8 或 GBK）")],
    publish: Annotated[bool, typer.Option(help="同时按原发布日期发布标注为主动公开的文件")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只识别、不登记")] = False,
    type_code: Annotated[str, typer.Option("--type", help="文件类型代码")] = "normative",
) -> None:
    """Read legacy documents' raw text, report per file what was found, and register them."""
    from gateway.services import service_settings
    from services.documents.importer import decode_legacy_bytes
    from services.documents.legacy.runner import import_texts

    files = []
    for path in paths:
        if not path.is_file():
            raise typer.BadParameter(f"找不到文件：{path}")
        files.append((path.name, decode_legacy_bytes(path.read_bytes())))
    response = asyncio.run(
        import_texts(
            service_settings(), files, publish=publish, dry_run=dry_run, type_code=type_code
        )
    )
    for result in response.results:
        typer.echo(f"{result.filename}：{result.status_label}")
        for field in result.fields:
            typer.echo(f"  {'✓' if field.found else '✗'} {field.message}")
        for message in result.messages:
            if not any(message == f.message for f in result.fields):
                typer.echo(f"  ! {message}")
    typer.echo(f"共 {len(response.results)} 份，登记 {response.created} 份")


@cli.command("load-holidays")
def load_holidays(
    year: Annotated[int, typer.Argument(help="年份，如 2027")],
    path: Annotated[Path, typer.Argument(help="放假安排通知的 JSON 文件（格式同 API）")],
    loaded_by: Annotated[str, typer.Option(help="载入人")] = "cli",
) -> None:
    """Load a year's State Council holiday notice and recompute open request deadlines."""
    from gateway.services import service_settings
    from services.common.errors import GongkaiError
    from services.requests.holidays.loader import NoticeFileError, load_file
    from services.requests.settings import RequestsSettings

    settings = service_settings()["requests"]
    assert isinstance(settings, RequestsSettings)
    try:
        count = asyncio.run(load_file(settings, year=year, path=path, loaded_by=loaded_by))
    except (NoticeFileError, GongkaiError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{year} 年放假安排已载入；重新计算了 {count} 件未办结申请的答复期限")


@cli.command("purge-pii")
def purge_pii(
    today: Annotated[
        str | None, typer.Option(help="按哪一天计算保存期限（YYYY-MM-DD）；默认今天（北京时间）")
    ] = None,
) -> None:
    """Remove applicants' personal data from requests closed longer than the retention period."""
    import datetime as dt

    from gateway.services import service_settings
    from services.common.db import Database
    from services.requests.applications.clock import china_today
    from services.requests.applications.retention import purge_all
    from services.requests.settings import RequestsSettings

    settings = service_settings()["requests"]
    assert isinstance(settings, RequestsSettings)
    try:
        day = dt.date.fromisoformat(today) if today else china_today()
    except ValueError:
        typer.echo(f"日期格式应为 YYYY-MM-DD：{today}", err=True)
        raise typer.Exit(2) from None
    days = settings.requests_pii_retention_days

    async def run() -> int:
        database = Database(settings.database_url)
        try:
            return (await purge_all(database, today=day, retention_days=days)).count
        finally:
            await database.dispose()

    count = asyncio.run(run())
    cutoff = day - dt.timedelta(days=days)
    typer.echo(
        f"已删除 {count} 件申请的申请人个人信息"
        f"（{cutoff.isoformat()} 及以前办结，保存期限 {days} 天）"
    )


@cli.command("export")
def export_command(
    names: Annotated[list[str] | None, typer.Argument(help="documents、catalog；默认两者")] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="写到此目录下的 <名称>/ 中；默认更新接口提供的全量导出"),
    ] = None,
) -> None:
    """Write the open-data bulk export: JSONL, CSV (UTF-8 with BOM) and a SHA-256 manifest."""
    from gateway.services import service_settings
    from services.catalog.exports import service as catalog_export
    from services.common.bulk import Manifest, SnapshotStore, snapshot_root
    from services.common.db import Database
    from services.documents.exports import service as documents_export

    exports = {"documents": documents_export, "catalog": catalog_export}
    chosen = names or list(exports)
    for name in chosen:
        if name not in exports:
            raise typer.BadParameter(f"未知的导出：{name}（可选 documents、catalog）")
    settings = service_settings()

    async def run(name: str) -> tuple[Path, Manifest]:
        export = exports[name].EXPORT
        database = Database(settings[name].database_url)
        try:
            if out is not None:
                return out / name, await export.write(database, out / name)
            store = SnapshotStore(snapshot_root(settings[name].data_dir, name))
            return await store.publish(lambda directory: export.write(database, directory))
        finally:
            await database.dispose()

    for name in chosen:
        directory, manifest = asyncio.run(run(name))
        typer.echo(f"{name}: {directory}")
        for entry in manifest.files:
            typer.echo(f"  {entry.name}  {entry.records} 条  sha256 {entry.sha256}")


def main() -> None:
    cli()


# --- administration (the gateway's users and clients) -------------------------------------


async def _gateway_database() -> "Database":
    """The gateway's database, brought to the latest schema first."""
    from gateway.settings import GatewaySettings
    from services.common.db import Database
    from services.common.migrations import upgrade

    settings = GatewaySettings()
    await upgrade("gateway", settings.database_url)
    return Database(settings.database_url)


def _split_option(values: list[str] | None) -> list[str]:
    return [part for value in values or [] for part in value.replace(",", " ").split() if part]


@cli.command("create-user")
def create_user_command(
    username: Annotated[str, typer.Argument(help="登录用户名")],
    role: Annotated[list[str], typer.Option("--role", help="角色，可重复，如 editor")],
    agency: Annotated[
        list[str] | None, typer.Option("--agency", help="所属机关编号（UUID）")
    ] = None,
    display_name: Annotated[str, typer.Option(help="显示名称")] = "",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="密码")
    ] = "",
) -> None:
    """Create a staff account (password stored as an argon2 hash)."""
    from gateway.oauth.admin import AdminError, create_user

    async def run() -> str:
        database = await _gateway_database()
        try:
            user = await create_user(
                database,
                username=username,
                password=password,
                roles=_split_option(role),
                agencies=_split_option(agency),
                display_name=display_name,
            )
            return str(user.id)
        finally:
            await database.dispose()

    try:
        user_id = asyncio.run(run())
    except AdminError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"已创建用户 {username}（{user_id}）")


@cli.command("create-client")
def create_client_command(
    client_id: Annotated[str, typer.Argument(help="客户端编号")],
    scope: Annotated[list[str], typer.Option("--scope", help="可授予的权限范围，可重复")],
    name: Annotated[str, typer.Option(help="名称")] = "",
    auth_method: Annotated[
        str, typer.Option(help="client_secret_basic、private_key_jwt 或 none（公开应用）")
    ] = "client_secret_basic",
    grant: Annotated[
        list[str] | None, typer.Option("--grant", help="授权类型，默认 client_credentials")
    ] = None,
    role: Annotated[list[str] | None, typer.Option("--role", help="默认 integrator")] = None,
    agency: Annotated[list[str] | None, typer.Option("--agency", help="机关编号")] = None,
    redirect_uri: Annotated[list[str] | None, typer.Option("--redirect-uri")] = None,
    jwks_file: Annotated[Path | None, typer.Option(help="private_key_jwt 的公钥 JWKS 文件")] = None,
) -> None:
    """Create an OAuth client; a generated secret is shown once and stored only hashed."""
    from gateway.oauth.admin import AdminError, create_client

    async def run() -> tuple[str, str | None]:
        database = await _gateway_database()
        try:
            made = await create_client(
                database,
                client_id=client_id,
                name=name,
                auth_method=auth_method,
                grant_types=_split_option(grant) or ["client_credentials"],
                scopes=_split_option(scope),
                roles=_split_option(role) if role else ["integrator"],
                agencies=_split_option(agency),
                redirect_uris=_split_option(redirect_uri),
                jwks=jwks_file.read_text("utf-8") if jwks_file else None,
            )
            return made.client_id, made.secret
        finally:
            await database.dispose()

    try:
        made_id, secret = asyncio.run(run())
    except AdminError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"已创建客户端 {made_id}")
    if secret:
        typer.echo(f"客户端密钥（只显示这一次，请妥善保存）：{secret}")


@cli.command("rotate-keys")
def rotate_keys_command() -> None:
    """Put a new token-signing key first; the previous one stays in the JWKS."""
    from gateway.oauth.keys import rotate
    from gateway.settings import GatewaySettings

    keys = rotate(GatewaySettings().data_dir)
    typer.echo(f"新签名密钥：{keys.current.kid}；JWKS 中共 {len(keys.keys)} 个密钥")


@cli.command("role-table")
def role_table_command(
    write: Annotated[bool, typer.Option(help="写入 README.md，而不是打印")] = False,
) -> None:
    """Print (or write into README.md) the table of which role may call which route."""
    from gateway.roletable import access_rows, replace_in
    from gateway.roletable import render as render_role_table
    from gateway.services import service_settings

    table = render_role_table(access_rows(service_settings()))
    if not write:
        typer.echo(table)
        return
    readme = Path("README.md")
    readme.write_text(replace_in(readme.read_text("utf-8"), table), encoding="utf-8")
    typer.echo("README.md 的角色权限表已更新")


# --- backups (the all-in-one mode; PostgreSQL: pg_dump, see the README) -------------------


def _instance() -> "Instance":
    from gateway.services import service_settings
    from gateway.settings import GatewaySettings
    from gongkai.backup import Instance

    gateway = GatewaySettings()
    return Instance.from_settings(service_settings(), gateway.database_url, gateway.data_dir)


@cli.command()
def backup(
    target: Annotated[Path, typer.Argument(help="备份写入的新目录")],
) -> None:
    """Back up an all-in-one installation (SQLite databases, attachments, signing keys)."""
    from gongkai.backup import BackupError, create_backup

    try:
        manifest = create_backup(_instance(), target)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    files = manifest["files"]
    size = sum(entry["size"] for entry in files.values())
    typer.echo(
        f"已备份到 {target}：{len(manifest['databases'])} 个数据库、共 {len(files)} 个文件"
        f"（{size / 1024 / 1024:.1f} MiB），清单含各文件的 SHA-256；检索索引恢复时重建"
    )


@cli.command()
def restore(
    source: Annotated[Path, typer.Argument(help="gongkai backup 写出的备份目录")],
    force: Annotated[bool, typer.Option(help="覆盖目标实例已有的数据库")] = False,
) -> None:
    """Restore a backup into this installation (stop the services first), then migrate and
    rebuild the search index."""
    from gateway.services import service_settings
    from gateway.settings import GatewaySettings
    from gongkai.backup import BackupError, restore_backup
    from services.common.migrations import upgrade
    from services.documents.search.reindex import rebuild_from_settings

    try:
        names = restore_backup(source, _instance(), force=force)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    settings = service_settings()
    for name in names:
        url = GatewaySettings().database_url if name == "gateway" else settings[name].database_url
        asyncio.run(upgrade(name, url))
    typer.echo(f"已恢复并迁移：{'、'.join(names)}")
    typer.echo(asyncio.run(rebuild_from_settings(settings["documents"])))
