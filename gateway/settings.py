"""Settings of the gateway (``GONGKAI_*``)."""

from pydantic import Field

from services.common.settings import CommonSettings


class GatewaySettings(CommonSettings):
    upstream_connect_timeout: float = Field(
        2.0, description="Seconds to wait for a connection to a service (distributed mode)."
    )
    upstream_read_timeout: float = Field(
        30.0, description="Seconds to wait between bytes from a service (distributed mode)."
    )
    route_timeouts: dict[str, float] = Field(
        default_factory=lambda: {
            "/api/v1/documents/search": 10.0,
            "/api/v1/documents/suggest": 5.0,
        },
        description="Read timeouts per path prefix (JSON object), overriding the default.",
    )
    upstream_pool_size: int = Field(
        100, description="Keep-alive connections per service (distributed mode)."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Peers (IP or CIDR) whose X-Forwarded-* headers are believed (JSON list).",
    )
