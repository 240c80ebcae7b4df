"""authlib's (synchronous) authorization server, adapted to our async database.

authlib runs in a worker thread (``anyio.to_thread``); whenever it needs the database it
calls back into the event loop (``anyio.from_thread.run``) with the request's
:class:`OAuthStore`. The store travels in a context variable, which anyio copies into
the worker thread.
"""

import contextvars
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio.from_thread
from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer as _AuthorizationServer
from authlib.oauth2 import OAuth2Request
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidRequestError,
    grants,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gateway.oauth.keys import SigningKeys
from gateway.oauth.models import AuthorizationCode, Client, IssuedToken, User
from gateway.oauth.passwords import secret_matches, token_hash
from gateway.oauth.scopes import SCOPES_SUPPORTED, scopes_for_roles, split
from gateway.oauth.store import OAuthStore
from services.common.app import audience
from services.common.db import utcnow
from services.common.settings import SERVICE_NAMES

T = TypeVar("T")

_store: contextvars.ContextVar[OAuthStore] = contextvars.ContextVar("oauth_store")
_issued: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("oauth_issued")

PASSWORD_ACR = "urn:gongkai:acr:pwd"  # noqa: S105 (an acr value, not a secret)


def db(func: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    """Run a store coroutine on the event loop from authlib's worker thread."""
    return anyio.from_thread.run(func, *args)


def store() -> OAuthStore:
    return _store.get()


# --- authlib's view of our rows -------------------------------------------------------


class OAuthClient(ClientMixin):  # type: ignore[misc]
    def __init__(self, row: Client) -> None:
        self.row = row
        self.client_id = row.client_id
        self.redirect_uris = split(row.redirect_uris)
        self.grant_types = set(split(row.grant_types))
        self.scopes = set(split(row.scope))

    @property
    def is_public(self) -> bool:
        return self.row.auth_method == "none"

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        """What the client asked for and may have; what it may not have is dropped (AS-06)."""
        if not scope:
            return " ".join(sorted(self.scopes))
        return " ".join(s for s in split(scope) if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Exact string comparison: no prefix, case folding or trailing-slash leniency (AS-04).
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secret_matches(self.row.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.row.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


@dataclass
class OAuthUser:
    row: User
    auth_time: int = field(default_factory=lambda: int(time.time()))
    acr: str | None = PASSWORD_ACR

    def get_user_id(self) -> str:
        return str(self.row.id)


class Code:
    def __init__(self, row: AuthorizationCode) -> None:
        self.row = row

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


class Credential:
    """A refresh token row, or an access token's verified claims (introspection, revocation)."""

    def __init__(self, row: IssuedToken | None = None, claims: dict[str, Any] | None = None):
        self.row, self.claims = row, claims

    def check_client(self, client: OAuthClient) -> bool:
        owner = self.row.client_id if self.row else (self.claims or {}).get("client_id")
        return bool(owner == client.get_client_id())

    def get_scope(self) -> str:
        return self.row.scope if self.row else str((self.claims or {}).get("scope", ""))

    def is_expired(self) -> bool:
        if self.row:
            return self.row.expires_at <= utcnow()
        return int((self.claims or {}).get("exp", 0)) <= time.time()

    def is_revoked(self) -> bool:
        return bool(self.row and (self.row.revoked_at or self.row.rotated_at))


# --- grants ---------------------------------------------------------------------------


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]  # noqa: RUF012 (authlib reads it)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt", "none"]  # noqa: RUF012 (authlib reads it)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        user: OAuthUser = request.user
        allowed = scopes_for_roles(split(user.row.roles))
        row = AuthorizationCode(
            code_hash=token_hash(code),
            client_id=request.client.get_client_id(),
            user_id=user.row.id,
            redirect_uri=request.payload.redirect_uri or "",
            scope=" ".join(s for s in split(request.scope) if s in allowed),
            code_challenge=request.payload.data["code_challenge"],
            code_challenge_method=request.payload.data["code_challenge_method"],
            auth_time=user.auth_time,
            acr=user.acr,
        )
        db(store().add, row)

    def query_authorization_code(self, code: str, client: OAuthClient) -> Code | None:
        row = db(store().use_code, token_hash(code), client.get_client_id())
        if row is None:
            return None
        age = utcnow() - row.created_at
        if age > dt.timedelta(seconds=self.server.code_lifetime):
            return None
        return Code(row)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        """Kept (marked used) so that a replay can revoke what it gave (AS-02)."""

    def authenticate_user(self, authorization_code: Code) -> OAuthUser | None:
        row = db(store().user, authorization_code.row.user_id)
        if row is None:
            return None
        return OAuthUser(row, authorization_code.row.auth_time, authorization_code.row.acr)


class S256Only(CodeChallenge):  # type: ignore[misc]
    """PKCE for every authorization request, S256 only (AS-01)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012 (authlib reads it)
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge' (PKCE S256 is required).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: Code) -> str:
        return authorization_code.row.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: Code) -> str:
        return authorization_code.row.code_challenge_method


class RefreshTokenGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt", "none"]  # noqa: RUF012 (authlib reads it)
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Credential | None:
        row = db(store().refresh_token, token_hash(refresh_token))
        return Credential(row) if row is not None else None

    def authenticate_user(self, refresh_token: Credential) -> OAuthUser | None:
        assert refresh_token.row is not None
        row = db(store().user, refresh_token.row.user_id)
        if row is None:
            return None
        return OAuthUser(row, refresh_token.row.auth_time or 0, refresh_token.row.acr)

    def revoke_old_credential(self, refresh_token: Credential) -> None:
        assert refresh_token.row is not None
        db(store().rotated, refresh_token.row.id)


class PrivateKeyJWT(JWTBearerClientAssertion):  # type: ignore[misc]
    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, audiences: list[str]) -> None:
        super().__init__(validate_jti=True, leeway=30)
        self.audiences = audiences

    def get_audiences(self) -> list[str]:
        return self.audiences

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        expires = dt.datetime.fromtimestamp(int(claims["exp"]) + 60, dt.UTC)
        return bool(db(store().assertion_unused, f"{claims['sub']}:{jti}", expires))

    def resolve_client_public_key(self, client: OAuthClient) -> KeySet:
        return KeySet.import_key_set(_json(client.row.jwks or '{"keys": []}'))


def _json(text: str) -> Any:
    return json.loads(text)


# --- revocation and introspection ------------------------------------------------------


def _query_token(server: "AuthorizationServer", token: str, hint: str | None) -> Credential | None:
    if token.count(".") == 2:
        claims = server.verify_own(token)
        if claims is not None:
            return Credential(claims=claims)
    row = db(store().refresh_token, token_hash(token)) if hint != "access_token" else None
    return Credential(row) if row is not None else None


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt", "none"]  # noqa: RUF012 (authlib reads it)

    def query_token(self, token_string: str, token_type_hint: str | None) -> Credential | None:
        return _query_token(self.server, token_string, token_type_hint)

    def revoke_token(self, token: Credential, request: OAuth2Request) -> None:
        if token.row is not None:
            db(store().revoke_family, token.row.family_id, "revoked")
        elif token.claims is not None:
            expires = dt.datetime.fromtimestamp(int(token.claims["exp"]), dt.UTC)
            db(store().deny, str(token.claims["jti"]), expires, "revoked")


class Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]  # noqa: RUF012 (authlib reads it)

    def query_token(self, token_string: str, token_type_hint: str | None) -> Credential | None:
        return _query_token(self.server, token_string, token_type_hint)

    def check_permission(self, token: Credential, client: OAuthClient, request: Any) -> bool:
        return True  # any registered confidential client may ask (resource servers)

    def introspect_token(self, token: Credential) -> dict[str, Any]:
        if token.claims is not None:
            snapshot = db(store().denylist.snapshot)
            if snapshot.refuses(token.claims):
                return {"active": False}
            return {"active": True, "token_type": "Bearer", **token.claims}
        assert token.row is not None
        return {
            "active": True,
            "token_type": "refresh_token",
            "client_id": token.row.client_id,
            "scope": token.row.scope,
            "sub": str(token.row.user_id),
            "exp": int(token.row.expires_at.timestamp()),
        }


# --- the server -------------------------------------------------------------------------


class AuthorizationServer(_AuthorizationServer):  # type: ignore[misc]
    def __init__(
        self,
        *,
        issuer: str,
        keys: SigningKeys,
        access_lifetime: int = 600,
        refresh_lifetime: int = 30 * 24 * 3600,
        code_lifetime: int = 600,
    ) -> None:
        super().__init__(scopes_supported=sorted(SCOPES_SUPPORTED))
        self.issuer = issuer.rstrip("/")
        self.keys = keys
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self.code_lifetime = code_lifetime
        self.register_token_generator("default", self.generate_bearer_token)
        self.register_client_auth_method(
            "private_key_jwt",
            PrivateKeyJWT([self.issuer + "/oauth/token", self.issuer]),
        )
        self.register_grant(ClientCredentialsGrant)
        self.register_grant(AuthorizationCodeGrant, [S256Only(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.register_endpoint(Revocation)
        self.register_endpoint(Introspection)

    # The hooks authlib asks the framework for.
    def query_client(self, client_id: str) -> OAuthClient | None:
        row = db(store().client, client_id)
        return OAuthClient(row) if row is not None else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        issued = _issued.get()
        family = uuid.uuid4()
        if request.authorization_code is not None:
            family = request.authorization_code.row.family_id
        elif request.refresh_token is not None:
            family = request.refresh_token.row.family_id
        user: OAuthUser | None = request.user
        client_id = request.client.get_client_id()
        common = {
            "family_id": family,
            "client_id": client_id,
            "user_id": user.row.id if user else None,
            "scope": issued["scope"],
            "auth_time": issued.get("auth_time"),
            "acr": issued.get("acr"),
        }
        db(
            store().add,
            IssuedToken(
                kind="access",
                jti=issued["jti"],
                expires_at=dt.datetime.fromtimestamp(issued["exp"], dt.UTC),
                **common,
            ),
        )
        if "refresh_token" in token:
            expires = utcnow() + dt.timedelta(seconds=self.refresh_lifetime)
            if request.refresh_token is not None:  # a rotation keeps the family's end
                expires = request.refresh_token.row.expires_at
            db(
                store().add,
                IssuedToken(
                    kind="refresh",
                    token_hash=token_hash(token["refresh_token"]),
                    expires_at=expires,
                    **common,
                ),
            )

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def create_json_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    # Tokens.
    def generate_bearer_token(
        self,
        grant_type: str,
        client: OAuthClient,
        user: OAuthUser | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        now = int(time.time())
        # What the client may have of what it asked for (all of its scopes when it named none).
        scope = client.get_allowed_scope(scope)
        if user is not None:
            roles = split(user.row.roles)
            agencies = split(user.row.agencies)
            subject = user.get_user_id()
        else:
            roles = split(client.row.roles)
            agencies = split(client.row.agencies)
            subject = client.get_client_id()
        allowed = scopes_for_roles(roles) if user is not None else client.scopes
        granted = " ".join(s for s in split(scope) if s in allowed and s in client.scopes)
        lifetime = self.access_lifetime
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject,
            "aud": [audience(s) for s in SERVICE_NAMES],
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "client_id": client.get_client_id(),
            "scope": granted,
            "roles": roles,
            "agencies": agencies,
        }
        if user is not None:
            claims["auth_time"] = user.auth_time
            if user.acr:
                claims["acr"] = user.acr
        key = self.keys.current
        header = {"alg": "RS256", "typ": "at+jwt", "kid": key.kid}
        _issued.set(claims)
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": jwt.encode(header, claims, key, algorithms=["RS256"]),
            "expires_in": lifetime,
            "scope": granted,
        }
        if include_refresh_token and user is not None and client.check_grant_type("refresh_token"):
            token["refresh_token"] = generate_token(48)
        return token

    def verify_own(self, token: str) -> dict[str, Any] | None:
        """Claims of an unexpired access token this server signed, else None."""
        try:
            decoded = jwt.decode(token, self.keys.key_set, algorithms=["RS256"])
        except (JoseError, ValueError):
            return None
        claims = decoded.claims
        if decoded.header.get("typ") != "at+jwt" or claims.get("iss") != self.issuer:
            return None
        if int(claims.get("exp", 0)) <= time.time():
            return None
        return claims

    # Entry points for the adapter (each runs in a worker thread).
    def token_response(self, request: OAuth2Request) -> tuple[int, Any, list[tuple[str, str]]]:
        return self.create_token_response(request)  # type: ignore[no-any-return]

    def endpoint_response(
        self, name: str, request: OAuth2Request
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return self.create_endpoint_response(name, request)  # type: ignore[no-any-return]


def oauth_request(
    method: str,
    uri: str,
    headers: Any,
    data: dict[str, str],
    query: dict[str, str] | None = None,
) -> OAuth2Request:
    """An authlib request. ``uri`` is given as https: TLS ends in front of the gateway."""
    request = _Request(method, uri, headers=headers)
    request._form = data
    request._args = query or {}
    request.payload = BasicOAuth2Payload({**(query or {}), **data})
    return request


class _Request(OAuth2Request):  # type: ignore[misc]
    _form: dict[str, str]
    _args: dict[str, str]

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


async def run_in_thread(oauth_store: OAuthStore, func: Callable[..., T], *args: Any) -> T:
    """Run an authlib call in a worker thread with this request's store."""
    token = _store.set(oauth_store)
    try:
        return await anyio.to_thread.run_sync(func, *args)
    finally:
        _store.reset(token)
