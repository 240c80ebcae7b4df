"""Attachment content storage: content-addressed (SHA-256) blobs behind a small interface.

`LocalStorage` streams an upload into a temporary file under its root while hashing and
counting it, stops as soon as the size limit is passed, lets the caller check the complete
file (`verify`), and only then renames it atomically to `objects/ab/cd/<sha256>`. A
refused or interrupted upload leaves nothing behind.

The same content uploaded twice is stored once: `StoredBlob.created` says whether this save
added it, and a caller that deletes must first make sure no other attachment names the key.
"""

import errno
import hashlib
import logging
import os
import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import anyio

from services.documents.attachments.errors import (
    AttachmentStorageFull,
    AttachmentStorageUnavailable,
    AttachmentTooLarge,
    BlobNotFound,
)

logger = logging.getLogger("gongkai.documents.attachments")

CHUNK = 64 * 1024
# A write refused for want of room: disk full, quota exceeded, file size limit.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
HEAD_BYTES = 8192
_KEY = re.compile(r"^[0-9a-f]{64}$")

Verifier = Callable[[Path], None]


class AsyncReadable(Protocol):
    """Anything with `await read(n)`, such as Starlette's `UploadFile`."""

    async def read(self, size: int = -1) -> bytes: ...


async def read_chunks(source: AsyncReadable, chunk_size: int = CHUNK) -> AsyncIterator[bytes]:
    """An upload as chunks for `Storage.save`, so it is never held in memory whole."""
    while chunk := await source.read(chunk_size):
        yield chunk


@dataclass(frozen=True)
class StoredBlob:
    key: str  # the SHA-256 of the content, lower-case hex
    size: int
    head: bytes  # the first bytes, for sniffing without reopening the file
    created: bool  # False when identical content was already stored

    @property
    def sha256(self) -> str:
        return self.key


class Storage(Protocol):
    """Where attachment content lives. Keys are SHA-256 hex digests."""

    async def save(
        self, chunks: AsyncIterable[bytes], *, max_size: int, verify: Verifier | None = None
    ) -> StoredBlob: ...

    def open_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]: ...

    async def size(self, key: str) -> int: ...

    async def delete(self, key: str) -> bool: ...

    def local_path(self, key: str) -> Path: ...


def _too_large(max_size: int) -> AttachmentTooLarge:
    mib = 1024 * 1024
    limit = f"{max_size / mib:.0f} MiB" if max_size >= mib else f"{max_size} 字节"
    return AttachmentTooLarge(f"附件超过大小上限 {limit}，请压缩或拆分后重新上传。")


class LocalStorage:
    """Blobs as files under a directory (the default storage)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._incoming = root / "incoming"  # same file system as objects/, so rename is atomic
        self._objects = root / "objects"

    def local_path(self, key: str) -> Path:
        """The file holding `key` (raises `BlobNotFound` for a malformed key)."""
        if not _KEY.match(key):
            raise BlobNotFound("附件标识无效。")
        return self._objects / key[:2] / key[2:4] / key

    async def save(
        self, chunks: AsyncIterable[bytes], *, max_size: int, verify: Verifier | None = None
    ) -> StoredBlob:
        """Store a stream; `AttachmentTooLarge` as soon as it passes `max_size` bytes.

        `verify(path)` runs on the complete temporary file (in a worker thread) before it is
        stored; whatever it raises aborts the save and is passed on. A storage that cannot
        take the file (full, read-only) raises `AttachmentStorageFull` or
        `AttachmentStorageUnavailable`; nothing is left behind either way.
        """
        try:
            return await self._save(chunks, max_size=max_size, verify=verify)
        except ConnectionError:
            raise  # the upload's stream broke (client gone), not the storage
        except OSError as exc:
            logger.error("attachment storage write failed: %s (errno %s)", exc.strerror, exc.errno)
            if exc.errno in _NO_ROOM:
                raise AttachmentStorageFull(
                    "附件存储空间已满，本次上传未保存。请联系系统管理员清理或扩容后重新上传。"
                ) from None
            raise AttachmentStorageUnavailable(
                "附件存储暂时无法写入，本次上传未保存。请稍后重试；如持续出现请联系系统管理员。"
            ) from None

    async def _save(
        self, chunks: AsyncIterable[bytes], *, max_size: int, verify: Verifier | None
    ) -> StoredBlob:
        await anyio.to_thread.run_sync(lambda: self._incoming.mkdir(parents=True, exist_ok=True))
        temporary = self._incoming / f"{secrets.token_hex(16)}.part"
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            handle: IO[bytes] = await anyio.to_thread.run_sync(temporary.open, "xb")
            try:
                async for chunk in chunks:
                    if not chunk:
                        continue
                    size += len(chunk)
                    if size > max_size:
                        raise _too_large(max_size)
                    digest.update(chunk)
                    if len(head) < HEAD_BYTES:
                        head = (head + chunk)[:HEAD_BYTES]
                    await anyio.to_thread.run_sync(handle.write, chunk)
                await anyio.to_thread.run_sync(_flush_and_sync, handle)
            finally:
                await anyio.to_thread.run_sync(handle.close)
            if verify is not None:
                await anyio.to_thread.run_sync(verify, temporary)
            key = digest.hexdigest()
            created = await anyio.to_thread.run_sync(self._place, temporary, key)
        except BaseException:
            await anyio.to_thread.run_sync(lambda: temporary.unlink(missing_ok=True))
            raise
        return StoredBlob(key=key, size=size, head=head, created=created)

    def _place(self, temporary: Path, key: str) -> bool:
        target = self.local_path(key)
        if target.exists():
            temporary.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, target)
        return True

    async def size(self, key: str) -> int:
        path = self.local_path(key)
        try:
            return (await anyio.to_thread.run_sync(path.stat)).st_size
        except FileNotFoundError as exc:
            raise BlobNotFound("附件文件不存在或已被删除。") from exc

    async def open_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Bytes `start`…`end` (inclusive, as in HTTP ranges) of a blob, in chunks."""
        path = self.local_path(key)
        if start < 0 or end < start:
            raise ValueError("invalid byte range")
        try:
            handle: IO[bytes] = await anyio.to_thread.run_sync(path.open, "rb")
        except FileNotFoundError as exc:
            raise BlobNotFound("附件文件不存在或已被删除。") from exc
        try:
            await anyio.to_thread.run_sync(handle.seek, start)
            remaining = end - start + 1
            while remaining > 0:
                data = await anyio.to_thread.run_sync(handle.read, min(CHUNK, remaining))
                if not data:
                    break
                remaining -= len(data)
                yield data
        finally:
            await anyio.to_thread.run_sync(handle.close)

    async def delete(self, key: str) -> bool:
        """Remove a blob; False when there was none."""
        path = self.local_path(key)
        try:
            await anyio.to_thread.run_sync(path.unlink)
        except FileNotFoundError:
            return False
        return True


def _flush_and_sync(handle: IO[bytes]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _conforms(root: Path) -> Storage:
    """Type check only: LocalStorage implements the Storage protocol."""
    return LocalStorage(root)
