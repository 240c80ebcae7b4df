"""The documents service's tables live in their own registry and metadata."""

from sqlmodel import SQLModel

from services.common.db import table_registry


class DocumentsTable(SQLModel, registry=table_registry()):
    """Base of every table model of the documents service."""


metadata = DocumentsTable.metadata
