"""Alembic environment of the catalog service."""

import services.catalog.app  # noqa: F401  (imports every table model)
from services.catalog.db import metadata
from services.common.migrations import run_env

run_env(metadata, "catalog")
