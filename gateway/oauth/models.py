"""Tables of the authorization server: who may log in, which clients exist, what was issued."""

import datetime as dt
import uuid

import sqlalchemy
from sqlmodel import Field

from gateway.db import GatewayTable
from services.common.db import UTCDateTime, utcnow


class User(GatewayTable, table=True):
    """A staff member or applicant. Local users have a username and an argon2 hash;
    federated users are keyed by (issuer, external subject)."""

    __tablename__ = "users"
    __table_args__ = (sqlalchemy.UniqueConstraint("issuer", "external_subject"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    username: str | None = Field(default=None, max_length=100, unique=True)
    password_hash: str | None = Field(default=None, max_length=200)
    display_name: str = Field(default="", max_length=100)
    roles: str = Field(default="", max_length=500, description="space-separated roles")
    agencies: str = Field(default="", max_length=4000, description="space-separated agency ids")
    issuer: str | None = Field(default=None, max_length=500)
    external_subject: str | None = Field(default=None, max_length=255)
    disabled: bool = Field(default=False)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Client(GatewayTable, table=True):
    """An OAuth client: an integrator (client credentials) or an app (code + PKCE)."""

    __tablename__ = "clients"

    client_id: str = Field(primary_key=True, max_length=100)
    name: str = Field(default="", max_length=200)
    secret_hash: str | None = Field(default=None, max_length=128)
    auth_method: str = Field(default="client_secret_basic", max_length=40)
    jwks: str | None = Field(default=None, max_length=20000, description="public keys (JSON)")
    redirect_uris: str = Field(default="", max_length=4000, description="space-separated")
    grant_types: str = Field(default="client_credentials", max_length=200)
    scope: str = Field(default="", max_length=2000, description="scopes it may be granted")
    roles: str = Field(default="", max_length=500, description="roles of its own tokens")
    agencies: str = Field(default="", max_length=4000)
    disabled: bool = Field(default=False)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuthorizationCode(GatewayTable, table=True):
    """A code of the authorization-code flow; kept after use so a replay can be detected."""

    __tablename__ = "authorization_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    family_id: uuid.UUID = Field(default_factory=uuid.uuid4, index=True)
    client_id: str = Field(max_length=100)
    user_id: uuid.UUID
    redirect_uri: str = Field(max_length=2000)
    scope: str = Field(default="", max_length=2000)
    code_challenge: str = Field(max_length=128)
    code_challenge_method: str = Field(max_length=10)
    auth_time: int
    acr: str | None = Field(default=None, max_length=100)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    used_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class IssuedToken(GatewayTable, table=True):
    """A refresh token (by hash) or an access token (by jti) of one grant family.

    Revoking a family revokes every refresh token in it and denylists its access tokens.
    """

    __tablename__ = "issued_tokens"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    family_id: uuid.UUID = Field(index=True)
    kind: str = Field(max_length=10, description="refresh or access")
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    jti: str | None = Field(default=None, max_length=64)
    client_id: str = Field(max_length=100)
    user_id: uuid.UUID | None = None
    scope: str = Field(default="", max_length=2000)
    auth_time: int | None = None
    acr: str | None = Field(default=None, max_length=100)
    issued_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
    rotated_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeniedToken(GatewayTable, table=True):
    """An access token refused before its expiry (revoked, or its family was)."""

    __tablename__ = "denied_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    reason: str = Field(default="", max_length=40)


class SubjectNotBefore(GatewayTable, table=True):
    """Tokens of this subject issued before ``not_before`` are refused (disabled users)."""

    __tablename__ = "subject_not_before"

    subject: str = Field(primary_key=True, max_length=255)
    not_before: int


class UsedAssertion(GatewayTable, table=True):
    """``jti`` of client assertions (private_key_jwt) already used, against replay."""

    __tablename__ = "used_assertions"

    key: str = Field(primary_key=True, max_length=200)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
