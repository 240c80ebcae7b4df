"""Gateways with settings of the test's choosing, on fresh databases."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from gateway.app import Gateway, create_app
from gateway.settings import GatewaySettings
from services.common.settings import SERVICE_NAMES
from tests.conftest import FreshDatabase, ServiceSettingsFactory

MakeGateway = Callable[..., Awaitable[Gateway]]


@pytest.fixture
def make_gateway(
    make_service_settings: ServiceSettingsFactory, fresh_database: FreshDatabase, data_dir: Path
) -> MakeGateway:
    """``await make_gateway(rate_limit_anonymous="3/minute")``: the all-in-one system."""
    services: dict[str, Any] = {}

    async def make(**overrides: Any) -> Gateway:
        if not services:
            services.update(await make_service_settings(SERVICE_NAMES))
        settings = GatewaySettings(
            _env_file=None,  # type: ignore[call-arg]
            environment=overrides.pop("environment", "test"),
            data_dir=data_dir,
            gateway_database_url=overrides.pop("gateway_database_url", None)
            or await fresh_database("gateway"),
            **overrides,
        )
        return create_app(settings, services)

    return make
