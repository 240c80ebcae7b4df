"""``gongkai``: run the system (all-in-one or one service), migrate, and administer it."""

import asyncio
import importlib
import importlib.resources
import importlib.util
import socket
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from alembic import command
from starlette.types import ASGIApp

from gateway.app import create_app as create_gateway
from gateway.services import BY_NAME, SERVICES, build_service_apps, service_settings
from gateway.settings import GatewaySettings
from services.common.errors import GongkaiError
from services.common.logging import configure_logging
from services.common.migrations import alembic_config, upgrade
from services.documents.importer import decode_legacy_bytes
from services.documents.legacy.runner import import_texts
from services.documents.search.reindex import rebuild_from_settings
from services.requests.holidays.loader import NoticeFileError, load_file
from services.requests.settings import RequestsSettings

cli = typer.Typer(help="Gongkai（公开）政务公开后端。", no_args_is_help=True, add_completion=False)

HostOption = Annotated[str | None, typer.Option(help="监听地址；'::' 同时监听 IPv6 与 IPv4")]
PortOption = Annotated[int | None, typer.Option(help="监听端口")]


def _serve(app: ASGIApp, host: str, port: int, log_level: str) -> None:
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
    settings = service_settings()
    for entry in SERVICES:
        if names and entry.name not in names:
            continue
        asyncio.run(upgrade(entry.name, settings[entry.name].database_url))
        typer.echo(f"{entry.name}: 已迁移到最新版本")


@cli.command()
def demo() -> None:
    """Load the demo data of every service that has some (idempotent; `make run` calls it)."""
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
    typer.echo(asyncio.run(rebuild_from_settings(service_settings()["documents"])))


@cli.command("make-migration")
def make_migration(
    name: Annotated[str, typer.Argument(help="catalog、documents 或 requests")],
    message: Annotated[str, typer.Option("-m", "--message", help="迁移说明（英文短句）")],
) -> None:
    """Autogenerate the next Alembic revision of a service from its models (for developers)."""
    if name not in BY_NAME:
        raise typer.BadParameter(f"未知的服务：{name}")
    versions = Path(str(importlib.resources.files(f"services.{name}") / "migrations" / "versions"))
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
    """Load a year's State Council holiday notice and recompute open request deadlines."""
    settings = service_settings()["requests"]
    assert isinstance(settings, RequestsSettings)
    try:
        count = asyncio.run(load_file(settings, year=year, path=path, loaded_by=loaded_by))
    except (NoticeFileError, GongkaiError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{year} 年放假安排已载入；重新计算了 {count} 件未办结申请的答复期限")


def main() -> None:
    cli()
