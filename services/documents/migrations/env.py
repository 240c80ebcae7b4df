"""Alembic environment of the documents service."""

import services.documents.app  # noqa: F401  (imports every table model)
from services.common.migrations import run_env
from services.documents.db import metadata

run_env(metadata, "documents")
