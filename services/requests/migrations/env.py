"""Alembic environment of the requests service."""

import services.requests.app  # noqa: F401  (imports every table model)
from services.common.migrations import run_env
from services.requests.db import metadata

run_env(metadata, "requests")
