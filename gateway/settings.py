"""Settings of the gateway (``GONGKAI_*``)."""

from typing import Any

from pydantic import Field, model_validator

from services.common.settings import CommonSettings, normalise_database_url

# The routes that carry a documents attachment (and a gazette issue's PDF) as multipart: their
# body limit follows GONGKAI_ATTACHMENT_MAX_BYTES, which the documents service enforces on the
# file itself; the body is a little larger than the file (boundaries, part headers, the name).
UPLOAD_ROUTES = ("/api/v1/documents/*/attachments*", "/api/v1/documents/gazette/*/pdf")
MULTIPART_ALLOWANCE = 64 * 1024


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

    # The gateway's own database: users, clients, codes, refresh tokens, the denylist.
    gateway_database_url: str | None = Field(
        None, description="Database of the gateway; default: a SQLite file under data_dir."
    )

    # Authorization server.
    access_token_lifetime: int = Field(600, description="Seconds an access token lives.")
    refresh_token_lifetime: int = Field(
        30 * 24 * 3600, description="Seconds a refresh token family lives."
    )
    authorization_code_lifetime: int = Field(600, description="Seconds a code may be exchanged.")
    generate_signing_key: bool | None = Field(
        None,
        description="Generate a signing key when none exists (default: yes outside production).",
    )
    login_attempts: int = Field(5, description="Password attempts per account per 15 minutes.")
    oidc_providers: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='External OIDC providers: {"name": {"discovery_url", "client_id", '
        '"client_secret"}} (JSON).',
    )

    # Rate limits (the `limits` library's notation).
    redis_url: str | None = Field(
        None, description="Redis for shared rate-limit counters; unset: in memory."
    )
    rate_limit_prefix: str = Field("gongkai", description="Prefix of the rate-limit keys in Redis.")
    rate_limit_enabled: bool = Field(True, description="Turn rate limiting on or off.")
    rate_limit_anonymous: str = Field("120/minute", description="Per anonymous client IP.")
    rate_limit_user: str = Field("600/minute", description="Per signed-in user.")
    rate_limit_client: str = Field("1200/minute", description="Per integrator client.")
    rate_limit_client_daily: str = Field(
        "100000/day", description="Daily quota per client, reset at Beijing midnight."
    )
    rate_limit_fallback: str = Field(
        "60/minute", description="Per-IP limit of anonymous reads while Redis is unreachable."
    )

    # The edge.
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser."
    )
    max_body_bytes: int = Field(1024 * 1024, description="Largest request body by default.")
    attachment_max_bytes: int = Field(
        50 * 1024 * 1024,
        ge=1,
        description="Largest attachment the documents service accepts (read by it too); the "
        "body limit of the upload routes follows it.",
    )
    body_limits: dict[str, int] = Field(
        default_factory=lambda: {
            "/api/v1/documents/import*": 50 * 1024 * 1024,
            "/api/v1/requests/*/attachments*": 20 * 1024 * 1024,
        },
        description="Body limits in bytes per path prefix or fnmatch pattern (JSON object); "
        "the documents upload routes default to GONGKAI_ATTACHMENT_MAX_BYTES plus 64 KiB.",
    )
    max_header_bytes: int = Field(16 * 1024, description="Largest total size of the headers.")
    public_docs: bool | None = Field(
        None, description="Serve /docs and /openapi.json (default: not in production)."
    )
    circuit_failures: int = Field(
        5, description="Failures in a row (5xx or unreachable) that open a service's breaker."
    )
    circuit_open_seconds: float = Field(
        10.0, description="How long an open breaker refuses calls before one probe."
    )

    @model_validator(mode="before")
    @classmethod
    def _upload_limits_follow_attachments(cls, values: Any) -> Any:
        """The documents upload routes get the attachment limit (plus multipart framing)
        unless GONGKAI_BODY_LIMITS names them; a limit set there below it refuses to start,
        rather than the gateway silently refusing files the documents service accepts."""
        if not isinstance(values, dict):
            return values
        raw = values.get("attachment_max_bytes", 50 * 1024 * 1024)
        try:
            needed = int(raw) + MULTIPART_ALLOWANCE
        except (TypeError, ValueError):
            return values  # the field's own validation reports it
        limits = values.get("body_limits")
        if limits is None:
            limits = cls.model_fields["body_limits"].get_default(call_default_factory=True)
        if not isinstance(limits, dict):
            return values
        limits = dict(limits)
        for route in UPLOAD_ROUTES:
            given = limits.setdefault(route, needed)
            if isinstance(given, int) and given < needed:
                raise ValueError(
                    f"GONGKAI_BODY_LIMITS 中 {route} 的上限 {given} 字节小于附件上限 "
                    f"GONGKAI_ATTACHMENT_MAX_BYTES（{raw} 字节）加 multipart 开销 "
                    f"{MULTIPART_ALLOWANCE} 字节：网关会拒收文件服务接受的附件。"
                    "请调高该上限，或删去该项让它随附件上限。"
                )
        return {**values, "body_limits": limits}

    @property
    def database_url(self) -> str:
        return normalise_database_url(self.gateway_database_url or self.sqlite_url("gateway"))
