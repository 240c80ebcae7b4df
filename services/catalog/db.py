"""The catalog service's tables live in their own registry and metadata."""

from sqlmodel import SQLModel

from services.common.db import table_registry


class CatalogTable(SQLModel, registry=table_registry()):
    """Base of every table model of the catalog service."""


metadata = CatalogTable.metadata
