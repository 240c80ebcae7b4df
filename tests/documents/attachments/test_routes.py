"""Attachments over HTTP: sniffed types, size limit, SHA-256, text, download headers, ranges."""

import hashlib
from urllib.parse import quote

from tests.documents.attachments.files import chinese_pdf_bytes, docx_bytes, pdf_bytes, zip_bytes
from tests.documents.conftest import ATTACHMENT_LIMIT
from tests.support.documents import DOCS, PROBLEM, World


async def test_upload_download_and_ranges(world: World) -> None:
    """FILE-01: a download has Content-Disposition attachment with filename*=UTF-8'' and
    nosniff.
    """
    document = await world.create()
    url = f"{DOCS}/{document['id']}/attachments"
    content = chinese_pdf_bytes("张掖市政务公开重点工作推进方案")
    name = "推进方案（附件1）.pdf"
    uploaded = await world.docs.post(
        url, files={"file": (name, content, "application/octet-stream")}, headers=world.staff()
    )
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    assert attachment["kind"] == "pdf"
    assert attachment["sha256"] == hashlib.sha256(content).hexdigest()
    assert attachment["size"] == len(content)
    assert attachment["has_text"] is True
    docx = await world.docs.post(
        url, files={"file": ("解读.docx", docx_bytes(["政策解读"]))}, headers=world.staff()
    )
    assert docx.json()["kind"] == "docx"

    # A draft's attachments are as invisible as the draft.
    assert (await world.docs.get(attachment["download"])).status_code == 404
    await world.publish(document)
    listed = await world.docs.get(url)
    assert [a["filename"] for a in listed.json()["items"]] == [name, "解读.docx"]

    download = await world.docs.get(attachment["download"])
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].endswith(f"filename*=UTF-8''{quote(name)}")
    tag = download.headers["etag"]
    assert (
        await world.docs.get(attachment["download"], headers={"If-None-Match": tag})
    ).status_code == 304
    part = await world.docs.get(attachment["download"], headers={"Range": "bytes=0-9"})
    assert part.status_code == 206
    assert part.content == content[:10]
    assert part.headers["content-range"] == f"bytes 0-9/{len(content)}"
    stale = await world.docs.get(
        attachment["download"], headers={"Range": "bytes=0-9", "If-Range": '"other"'}
    )
    assert stale.status_code == 200
    beyond = await world.docs.get(
        attachment["download"], headers={"Range": f"bytes={len(content)}-"}
    )
    assert beyond.status_code == 416
    assert beyond.headers["content-type"] == PROBLEM

    # Adding a file to a published document keeps a version.
    staff = world.staff()
    versions = (await world.docs.get(f"{DOCS}/{document['id']}/versions", headers=staff)).json()
    assert [v["reason"] for v in versions["items"]] == ["发布"]
    more = await world.docs.post(url, files={"file": ("补充.pdf", pdf_bytes("x"))}, headers=staff)
    assert more.status_code == 201
    versions = (await world.docs.get(f"{DOCS}/{document['id']}/versions", headers=staff)).json()
    assert versions["items"][-1]["reason"] == "添加附件：补充.pdf"


async def test_disguised_oversize_and_malformed_uploads_are_refused(world: World) -> None:
    """FILE-01: an .exe renamed .pdf gives 415; a zip bomb is refused before extraction."""
    document = await world.create()
    url = f"{DOCS}/{document['id']}/attachments"
    staff = world.staff()
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    cases = [
        (("通知.pdf", html), 415, "网页"),
        (("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200), 415, "PDF"),
        (("table.docx", pdf_bytes()), 415, "扩展名"),
        (("virus.exe", pdf_bytes()), 415, "扩展名"),
        (("big.pdf", b"%PDF-1.7\n" + b"0" * (ATTACHMENT_LIMIT + 1)), 413, "附件"),
        (("bomb.zip", zip_bytes({"a.txt": b"0" * (8 * 1024 * 1024)})), 422, "压缩"),
    ]
    for (name, data), status, text in cases:
        response = await world.docs.post(url, files={"file": (name, data)}, headers=staff)
        assert response.status_code == status, (name, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert text in response.json()["detail"], (name, response.text)

    malformed = await world.docs.post(
        url,
        content=b'--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated',
        headers={**staff, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert malformed.status_code in {400, 422}
    assert malformed.headers["content-type"] == PROBLEM
    missing = await world.docs.post(url, data={"note": "no file"}, headers=staff)
    assert missing.status_code == 422
    # Nothing was stored, and the document did not change.
    assert (await world.docs.get(url, headers=staff)).json()["items"] == []
    read = await world.docs.get(f"{DOCS}/{document['id']}", headers=staff)
    assert read.json()["version"] == 1
    incoming = world.attachments_root / "incoming"
    assert not incoming.exists() or list(incoming.iterdir()) == []
    objects = world.attachments_root / "objects"
    assert not objects.exists() or not any(p.is_file() for p in objects.rglob("*"))

    other = await world.docs.post(
        url, files={"file": ("a.pdf", pdf_bytes())}, headers=world.staff(world.other)
    )
    assert other.status_code == 404
