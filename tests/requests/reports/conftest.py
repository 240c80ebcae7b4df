"""A year of requests is ~300 calls by one officer in a minute or two: more than the
gateway's per-user rate limit, which is not what these tests are about."""

import pytest

from gateway.settings import GatewaySettings


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(update={"rate_limit_enabled": False})
