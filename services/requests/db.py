"""The requests service's tables live in their own registry and metadata."""

from sqlmodel import SQLModel

from services.common.db import table_registry


class RequestsTable(SQLModel, registry=table_registry()):
    """Base of every table model of the requests service."""


metadata = RequestsTable.metadata
