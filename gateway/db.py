"""The gateway's own tables (users, clients, codes, refresh tokens, denylist)."""

from sqlmodel import SQLModel

from services.common.db import table_registry


class GatewayTable(SQLModel, registry=table_registry()):
    """Base of every table model of the gateway."""


metadata = GatewayTable.metadata
