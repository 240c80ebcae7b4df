"""The attachment errors, as problem+json with a Chinese detail a person can act on."""

from services.common.errors import (
    GongkaiError,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    Unprocessable,
    UnsupportedMediaType,
)


class AttachmentTypeRefused(UnsupportedMediaType):
    """415: the content is not an accepted type, or not the type its name says."""

    code = "attachment-type-refused"
    title = "不接受的附件类型"


class AttachmentTooLarge(PayloadTooLarge):
    """413: the upload passed the size limit (it was cut off mid-stream)."""

    code = "attachment-too-large"
    title = "附件过大"


class UnsafeArchive(Unprocessable):
    """422: a ZIP (or DOCX, XLSX, OFD) that would expand too far: refused before extraction."""

    code = "unsafe-archive"
    title = "压缩文件不安全或已损坏"


class BlobNotFound(NotFound):
    """404: no stored content under this key."""

    code = "attachment-content-not-found"
    title = "附件文件不存在"


class RangeNotSatisfiable(GongkaiError):
    """416: the Range asks for bytes the file does not have; `size` goes in Content-Range."""

    status = 416
    code = "range-not-satisfiable"
    title = "请求的范围无效"

    def __init__(self, size: int) -> None:
        super().__init__(
            f"请求的字节范围超出文件大小（{size} 字节），请去掉 Range 头后重新下载。",
            headers={"Content-Range": f"bytes */{size}"},
        )
        self.size = size


class AttachmentStorageFull(GongkaiError):
    """507: the storage has no room (disk full, quota, file size limit); nothing was kept."""

    status = 507
    code = "attachment-storage-full"
    title = "附件存储空间不足"


class AttachmentStorageUnavailable(ServiceUnavailable):
    """503: the storage cannot be written (read-only, missing, permissions); nothing was kept."""

    code = "attachment-storage-unavailable"
    title = "附件存储暂时不可写"
