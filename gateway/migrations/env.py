"""Alembic environment of the gateway's database."""

import gateway.oauth.models  # noqa: F401  (imports every table model)
from gateway.db import metadata
from services.common.migrations import run_env

run_env(metadata, "gateway")
