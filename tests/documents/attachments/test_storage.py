"""LocalStorage: streamed, hashed, size-limited, verified, atomically placed, content-addressed."""

import hashlib
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest

from services.documents.attachments import (
    AttachmentTooLarge,
    AttachmentTypeRefused,
    BlobNotFound,
    FileKind,
    LocalStorage,
    Storage,
    inspect_file,
    read_chunks,
)
from services.documents.attachments.errors import AttachmentStorageUnavailable
from tests.documents.attachments import files


async def _stream(parts: Iterable[bytes], pulled: list[int] | None = None) -> AsyncIterator[bytes]:
    for part in parts:
        if pulled is not None:
            pulled.append(len(part))
        yield part


def _leftovers(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


async def test_save_hashes_counts_and_places_by_content(tmp_path: Path) -> None:
    storage: Storage = LocalStorage(tmp_path)
    data = files.pdf_bytes("first", "second")
    blob = await storage.save(_stream([data[:100], b"", data[100:]]), max_size=10_000_000)
    assert blob.key == hashlib.sha256(data).hexdigest() == blob.sha256
    assert blob.size == len(data)
    assert blob.created
    assert blob.head == data[:8192]
    path = storage.local_path(blob.key)
    assert path == tmp_path / "objects" / blob.key[:2] / blob.key[2:4] / blob.key
    assert path.read_bytes() == data
    assert await storage.size(blob.key) == len(data)
    assert _leftovers(tmp_path) == [path]  # no temporary file left behind


async def test_same_content_is_stored_once(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    first = await storage.save(_stream([b"same bytes"]), max_size=100)
    second = await storage.save(_stream([b"same ", b"bytes"]), max_size=100)
    assert first.key == second.key
    assert first.created
    assert not second.created
    assert len(_leftovers(tmp_path)) == 1


async def test_oversize_stream_is_cut_off_mid_stream(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    pulled: list[int] = []
    chunks = [b"x" * 1024] * 100  # 100 KiB offered, 10 KiB allowed
    with pytest.raises(AttachmentTooLarge) as caught:
        await storage.save(_stream(chunks, pulled), max_size=10 * 1024)
    assert caught.value.status == 413
    assert "10240 字节" in caught.value.detail
    assert len(pulled) == 11  # stopped at the first chunk past the limit
    assert _leftovers(tmp_path) == []


async def test_limit_is_inclusive(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    blob = await storage.save(_stream([b"x" * 1024]), max_size=1024)
    assert blob.size == 1024
    with pytest.raises(AttachmentTooLarge):
        await storage.save(_stream([b"y" * 1025]), max_size=1024)


async def test_limit_message_in_mib(tmp_path: Path) -> None:
    with pytest.raises(AttachmentTooLarge) as caught:
        await LocalStorage(tmp_path).save(
            _stream([b"z" * (3 * 1024 * 1024)]), max_size=2 * 1024 * 1024
        )
    assert "2 MiB" in caught.value.detail


async def test_verify_refusal_stores_nothing(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    html = b"<!DOCTYPE html><html></html>"
    with pytest.raises(AttachmentTypeRefused):
        await storage.save(
            _stream([html]),
            max_size=1000,
            verify=lambda path: inspect_file(path, "通知.pdf") and None,
        )
    assert _leftovers(tmp_path) == []


async def test_verify_sees_the_whole_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    data = files.docx_bytes(["正文"])
    kinds: list[FileKind] = []
    blob = await storage.save(
        _stream([data[i : i + 1000] for i in range(0, len(data), 1000)]),
        max_size=len(data),
        verify=lambda path: kinds.append(inspect_file(path, "通知.docx")),
    )
    assert kinds == [FileKind.DOCX]
    assert storage.local_path(blob.key).read_bytes() == data


async def test_interrupted_stream_leaves_nothing(tmp_path: Path) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"partial upload"
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await LocalStorage(tmp_path).save(broken(), max_size=1000)
    assert _leftovers(tmp_path) == []


async def test_unwritable_storage_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "objects").write_bytes(b"")  # where the blobs go there is a file
    with pytest.raises(AttachmentStorageUnavailable) as refused:
        await LocalStorage(tmp_path).save(_stream([b"content"]), max_size=1000)
    assert refused.value.status == 503
    assert "本次上传未保存" in refused.value.detail
    assert _leftovers(tmp_path) == [tmp_path / "objects"]


async def _read(storage: Storage, key: str, start: int, end: int) -> bytes:
    return b"".join([part async for part in storage.open_range(key, start, end)])


async def test_open_range(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    data = bytes(range(256)) * 1024  # 256 KiB, several read chunks
    blob = await storage.save(_stream([data]), max_size=len(data))
    assert await _read(storage, blob.key, 0, len(data) - 1) == data
    assert await _read(storage, blob.key, 10, 19) == data[10:20]
    assert await _read(storage, blob.key, 70_000, 200_000) == data[70_000:200_001]
    assert await _read(storage, blob.key, len(data) - 1, len(data) - 1) == data[-1:]
    # past the end: what there is
    assert await _read(storage, blob.key, len(data) - 5, len(data) + 100) == data[-5:]
    with pytest.raises(ValueError):
        await _read(storage, blob.key, 10, 5)


async def test_unknown_and_malformed_keys(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    absent = "0" * 64
    with pytest.raises(BlobNotFound):
        await storage.size(absent)
    with pytest.raises(BlobNotFound):
        await _read(storage, absent, 0, 10)
    for bad in ("../../etc/passwd", "A" * 64, "0" * 63, ""):
        with pytest.raises(BlobNotFound):
            storage.local_path(bad)
        with pytest.raises(BlobNotFound):
            await storage.delete(bad)


async def test_delete(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    blob = await storage.save(_stream([b"to delete"]), max_size=100)
    assert await storage.delete(blob.key)
    assert not await storage.delete(blob.key)
    with pytest.raises(BlobNotFound):
        await storage.size(blob.key)


class _Upload:
    """Reads like Starlette's UploadFile."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.reads = 0

    async def read(self, size: int = -1) -> bytes:
        self.reads += 1
        part, self.data = self.data[:size], self.data[size:]
        return part


async def test_read_chunks_from_an_upload(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    upload = _Upload(data)
    blob = await LocalStorage(tmp_path).save(read_chunks(upload, 10_000), max_size=len(data))
    assert blob.size == len(data)
    assert upload.reads == 27  # 26 chunks and the empty read that ends it
