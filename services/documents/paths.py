"""Path parameters: an id that is not a UUID names no record, so it is a 404 like any other."""

import uuid
from typing import Annotated

from fastapi import Depends, Path

from services.common.errors import NotFound


def _document_id(document_id: Annotated[str, Path(max_length=64)]) -> uuid.UUID:
    try:
        return uuid.UUID(document_id)
    except ValueError:
        raise NotFound(
            f"未找到编号为 {document_id} 的文件（文件编号应为 UUID）。", code="document-not-found"
        ) from None


DocumentId = Annotated[uuid.UUID, Depends(_document_id)]
