"""``gongkai backup`` and ``gongkai restore`` for the all-in-one mode (SQLite files).

A backup is a directory:

    manifest.json             what is in it, each file with its size and SHA-256
    databases/<name>.db       every service's database and the gateway's, copied with SQLite's
                              online backup API (a consistent snapshot while the system runs)
    attachments/objects/…     attachment content (content-addressed, copied as is)
    keys/…                    the token-signing keys (secret: keep the backup as safe as they)

The search index is not in it: it is derived from the documents database and is rebuilt on
restore. A backup is written under ``<target>.partial`` and renamed when complete, so a
directory with a manifest is a finished backup. Restore checks every file against the
manifest before touching anything, then replaces the instance's files and migrates them to
this version's schema. PostgreSQL installations use ``pg_dump`` instead (see the README).
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.common.db import is_sqlite
from services.common.settings import ServiceSettings, normalise_database_url

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in Chinese."""


@dataclass(frozen=True)
class Instance:
    """Where one all-in-one installation keeps what a backup holds."""

    databases: Mapping[str, Path]  # name → SQLite file, in migration order
    attachments: Path
    keys: Path
    search_index: Path

    @classmethod
    def from_settings(
        cls, services: Mapping[str, ServiceSettings], gateway_database_url: str, data_dir: Path
    ) -> "Instance":
        from services.documents.search.config import index_dir  # noqa: PLC0415
        from services.documents.settings import DocumentsSettings  # noqa: PLC0415

        urls = {name: s.database_url for name, s in services.items()}
        urls["gateway"] = gateway_database_url
        databases: dict[str, Path] = {}
        for name, given in urls.items():
            url = normalise_database_url(given)
            if not is_sqlite(url):
                raise BackupError(
                    f"{name} 的数据库不是 SQLite（{url.split('://', 1)[0]}）：PostgreSQL 请用 "
                    "pg_dump / pg_restore 备份与恢复，步骤见 README 的“备份与恢复”一节。"
                )
            databases[name] = Path(url.split(":///", 1)[1])
        documents = services["documents"]
        assert isinstance(documents, DocumentsSettings)
        return cls(
            databases=databases,
            attachments=documents.attachments_root,
            keys=data_dir / "keys",
            search_index=index_dir(data_dir),
        )


def create_backup(instance: Instance, target: Path) -> dict[str, Any]:
    """Write a complete backup of ``instance`` to the new directory ``target``."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 已存在且不为空，请指定一个新目录。")
    missing = [name for name, path in instance.databases.items() if not path.is_file()]
    if missing:
        raise BackupError(
            f"找不到数据库文件：{'、'.join(missing)}。请先运行 gongkai migrate（或检查数据目录）。"
        )
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "databases").mkdir(parents=True)
    databases: dict[str, dict[str, str | None]] = {}
    for name, path in instance.databases.items():
        copy = partial / "databases" / f"{name}.db"
        _online_copy(path, copy)
        databases[name] = {"file": f"databases/{name}.db", "revision": _revision(copy, name)}
    if instance.attachments.is_dir():
        objects = instance.attachments / "objects"
        if objects.is_dir():
            shutil.copytree(objects, partial / "attachments" / "objects")
    if instance.keys.is_dir():
        shutil.copytree(instance.keys, partial / "keys")
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "databases": databases,
        "search_index": "不包含：恢复时由文件数据库重建（gongkai reindex）",
        "files": {
            rel: {"size": size, "sha256": digest} for rel, size, digest in _checksums(partial)
        },
    }
    (partial / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if target.exists():
        target.rmdir()
    partial.rename(target)
    return manifest


def verify_backup(source: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists is present and unchanged."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} 不是 Gongkai 备份：缺少 {MANIFEST}（备份可能未完成）。")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
        files: dict[str, dict[str, Any]] = manifest["files"]
        databases: dict[str, dict[str, Any]] = manifest["databases"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"备份清单 {path} 已损坏，无法读取。") from None
    if manifest.get("format") != FORMAT:
        found = manifest.get("format")
        raise BackupError(f"不支持的备份格式 {found!r}（本版本读取格式 {FORMAT}）。")
    problems: list[str] = []
    for rel, expected in files.items():
        file = source / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            problems.append(f"{rel}：路径不合法")
        elif not file.is_file():
            problems.append(f"{rel}：文件缺失")
        elif file.stat().st_size != expected.get("size"):
            problems.append(f"{rel}：大小不符")
        elif _sha256(file) != expected.get("sha256"):
            problems.append(f"{rel}：SHA-256 校验和不符")
    for name, entry in databases.items():
        if entry.get("file") not in files:
            problems.append(f"数据库 {name} 不在清单的文件列表中")
    if problems:
        more = f"；等共 {len(problems)} 处" if len(problems) > 5 else ""
        shown = "；".join(problems[:5]) + more
        raise BackupError(f"备份已损坏，拒绝恢复：{shown}。")
    return manifest


def restore_backup(source: Path, instance: Instance, *, force: bool = False) -> list[str]:
    """Replace the instance's databases, attachments and keys by the backup's.

    Run it with the services stopped. Returns the names of the restored databases; the
    caller migrates them and rebuilds the search index.
    """
    manifest = verify_backup(source)
    databases: dict[str, dict[str, Any]] = manifest["databases"]
    unknown = sorted(set(databases) - set(instance.databases))
    if unknown:
        raise BackupError(f"备份中有本实例没有的数据库：{'、'.join(unknown)}。")
    absent = sorted(set(instance.databases) - set(databases))
    if absent:
        raise BackupError(f"备份中缺少数据库：{'、'.join(absent)}，拒绝恢复不完整的备份。")
    existing = [str(p) for p in instance.databases.values() if p.exists()]
    if existing and not force:
        raise BackupError(
            f"目标实例已有数据库文件（{'、'.join(existing)}）。恢复会覆盖它们："
            "请先停止服务；确认覆盖时加 --force。"
        )
    for name, path in instance.databases.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(path.name + ".restoring")
        shutil.copyfile(source / databases[name]["file"], staged)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(staged, path)
    objects = source / "attachments" / "objects"
    if objects.is_dir():
        shutil.copytree(objects, instance.attachments / "objects", dirs_exist_ok=True)
    if (source / "keys").is_dir():
        shutil.copytree(source / "keys", instance.keys, dirs_exist_ok=True)
    # the index described the instance before the restore; it is rebuilt from the database
    shutil.rmtree(instance.search_index, ignore_errors=True)
    return list(instance.databases)


def _online_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while the services write."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (result,) = dst.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"数据库 {source} 的完整性检查未通过：{result}")
    finally:
        dst.close()
        src.close()


def _revision(database: Path, name: str) -> str | None:
    conn = sqlite3.connect(database)
    try:
        table = f"alembic_version_{name}"  # name is one of our services, not input
        row = conn.execute(f'SELECT version_num FROM "{table}"').fetchone()  # noqa: S608
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return str(row[0]) if row else None


def _walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path


def _checksums(root: Path) -> Iterator[tuple[str, int, str]]:
    for path in _walk(root):
        yield path.relative_to(root).as_posix(), path.stat().st_size, _sha256(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
