"""Forged, stale and misdirected access tokens (security.md AUTH-02 … AUTH-10).

Each case starts from a real token of the gateway's own authorization server, then tampers
with it, or re-signs changed claims with the server's own key (for the controls that must
pass), and calls the all-in-one system with it.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from gateway.app import Gateway
from gateway.oauth.keys import SigningKeys, load_signing_keys
from services.common.auth import KeySource, Role, TokenVerifier
from services.common.errors import Unauthorized
from tests.support.apps import client_for
from tests.support.oauth import bearer, user_tokens

# The request officer's queue: it needs a valid token with the right role and scope.
QUEUE = "/api/v1/requests/queue"
INVALID = 'Bearer error="invalid_token"'
GENERIC = "访问令牌无效或已过期，请重新登录后再试。"


@dataclass
class Issued:
    http: httpx.AsyncClient
    gateway: Gateway
    token: str
    keys: SigningKeys

    @property
    def header(self) -> dict[str, Any]:
        return dict(json.loads(_b64decode(self.token.split(".")[0])))

    @property
    def claims(self) -> dict[str, Any]:
        return dict(json.loads(_b64decode(self.token.split(".")[1])))

    def resign(self, header: dict[str, Any] | None = None, **claims: Any) -> str:
        """The same token with changed claims, signed with the server's real key."""
        head = {**self.header, **(header or {})}
        body = {k: v for k, v in {**self.claims, **claims}.items() if v is not None}
        return jwt.encode(head, body, self.keys.current)

    async def call(self, token: str) -> httpx.Response:
        return await self.http.get(QUEUE, headers=bearer(token))


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
async def issued(gateway: Gateway) -> AsyncIterator[Issued]:
    async with client_for(gateway) as http:
        response = await user_tokens(
            http,
            gateway,
            roles=[Role.REQUEST_OFFICER],
            scope="requests:read",
            agencies=[str(uuid.uuid4())],
        )
        keys = load_signing_keys(gateway.api.state.settings.data_dir, generate=False)
        yield Issued(http, gateway, response["access_token"], keys)


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == INVALID
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    # No detail leak: one generic message, whichever check failed.
    assert body["detail"] == GENERIC, body
    assert set(body) <= {"type", "title", "status", "detail", "instance", "request_id"}
    text = response.text.lower()
    for word in ("alg", "signature", "kid", "expired", "audience", "jose", "traceback"):
        assert word not in text, (word, body)


async def test_a_real_token_passes(issued: Issued) -> None:
    """AUTH-01 (control for the cases below)."""
    response = await issued.call(issued.token)
    assert response.status_code == 200, response.text
    # Re-signing the unchanged claims with the server's key is accepted too.
    assert (await issued.call(issued.resign())).status_code == 200


async def test_alg_none_is_refused(issued: Issued) -> None:
    """AUTH-02: ``alg: none`` gives 401 with ``invalid_token`` and no detail."""
    header = {**issued.header, "alg": "none"}
    payload = _b64encode(json.dumps(issued.claims).encode())
    for signature in ("", issued.token.split(".")[2]):
        forged = f"{_b64encode(json.dumps(header).encode())}.{payload}.{signature}"
        assert_refused(await issued.call(forged))
    for variant in ("None", "NONE", "nOnE"):
        head = _b64encode(json.dumps({**header, "alg": variant}).encode())
        assert_refused(await issued.call(f"{head}.{payload}."))


async def test_hs256_with_a_public_or_guessed_key_is_refused(issued: Issued) -> None:
    """AUTH-03: HS256 signed with the server's public key (key confusion) or a guessed secret."""
    public_pem = issued.keys.current.as_pem(private=False)
    public_jwk = json.dumps(issued.keys.current.as_dict(private=False)).encode()
    header = _b64encode(json.dumps({**issued.header, "alg": "HS256"}).encode())
    payload = _b64encode(json.dumps(issued.claims).encode())
    for secret in (public_pem, public_jwk, b"secret", b"gongkai", b""):
        mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        assert_refused(await issued.call(f"{header}.{payload}.{_b64encode(mac)}"))


async def test_one_flipped_payload_byte_is_refused(issued: Issued) -> None:
    """AUTH-04: a payload edited to add a scope keeps the signature and fails on it."""
    head, payload, signature = issued.token.split(".")
    claims = issued.claims
    claims["scope"] = claims["scope"] + " requests:manage pii:reveal"
    escalated = _b64encode(json.dumps(claims).encode())
    assert_refused(await issued.call(f"{head}.{escalated}.{signature}"))
    raw = bytearray(_b64decode(payload))
    for position in (0, len(raw) // 2, len(raw) - 2):
        flipped = bytearray(raw)
        flipped[position] ^= 0x01
        assert_refused(await issued.call(f"{head}.{_b64encode(bytes(flipped))}.{signature}"))


async def test_a_foreign_key_reusing_our_kid_is_refused(issued: Issued) -> None:
    """AUTH-05: signed by an attacker's RSA key that carries the legitimate ``kid``."""
    kid = issued.header["kid"]
    foreign = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256"})
    forged = jwt.encode(issued.header, issued.claims, foreign)
    assert_refused(await issued.call(forged))


async def test_key_location_headers_are_ignored_without_fetching(
    issued: Issued, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AUTH-06: ``jku``, ``x5u`` and an embedded ``jwk`` are ignored; no request goes out."""
    outbound: list[str] = []
    original = httpx.AsyncHTTPTransport.handle_async_request

    async def record(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        outbound.append(str(request.url))
        return await original(self, request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", record)
    attacker = RSAKey.generate_key(2048, parameters={"kid": "attacker-1", "alg": "RS256"})
    public = attacker.as_dict(private=False)
    own_kid = issued.header["kid"]
    for kid in (own_kid, "attacker-1"):
        for extra in (
            {"jku": "https://evil.example/jwks.json"},
            {"x5u": "https://evil.example/cert.pem"},
            {"jwk": public},
            {"jku": "https://evil.example/jwks.json", "jwk": public},
        ):
            forged = jwt.encode({**issued.header, "kid": kid, **extra}, issued.claims, attacker)
            assert_refused(await issued.call(forged))
    assert outbound == []

    # And on a verifier that fetches its keys over HTTP: only the configured JWKS URL.
    seen: list[str] = []

    def jwks(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=issued.keys.public_jwks)

    verifier = _verifier(issued, httpx.MockTransport(jwks))
    forged = jwt.encode(
        {**issued.header, "jku": "https://evil.example/jwks.json", "jwk": public},
        issued.claims,
        attacker,
    )
    with pytest.raises(Unauthorized):
        await verifier.verify(forged)
    assert seen == [JWKS_URL]


async def test_expiry_and_not_before_with_leeway(issued: Issued) -> None:
    """AUTH-07: past ``exp`` beyond the 30 s leeway and future ``nbf`` give 401; 20 s past is ok."""
    now = int(time.time())
    assert_refused(await issued.call(issued.resign(exp=now - 45)))
    assert_refused(await issued.call(issued.resign(exp=now - 3600)))
    assert_refused(await issued.call(issued.resign(nbf=now + 120)))
    late = await issued.call(issued.resign(exp=now - 20))
    assert late.status_code == 200, late.text


async def test_audience(issued: Issued) -> None:
    """AUTH-08: another service's audience gives 401; a list containing ours gives 200."""
    assert_refused(await issued.call(issued.resign(aud="gongkai:documents")))
    assert_refused(await issued.call(issued.resign(aud=["gongkai:documents", "gongkai:catalog"])))
    assert_refused(await issued.call(issued.resign(aud="https://other.example")))
    assert_refused(await issued.call(issued.resign(aud=None)))
    listed = await issued.call(issued.resign(aud=["gongkai:documents", "gongkai:requests"]))
    assert listed.status_code == 200, listed.text
    alone = await issued.call(issued.resign(aud="gongkai:requests"))
    assert alone.status_code == 200, alone.text


async def test_id_tokens_and_untyped_tokens_are_refused(issued: Issued) -> None:
    """AUTH-09: an ID token (``typ: JWT``, no ``client_id``) and a token with no ``typ``."""
    id_token = issued.resign(header={"typ": "JWT"}, client_id=None, nonce="n-1")
    assert_refused(await issued.call(id_token))
    assert_refused(await issued.call(issued.resign(header={"typ": "JWT"})))
    untyped = dict(issued.header)
    del untyped["typ"]
    assert_refused(await issued.call(jwt.encode(untyped, issued.claims, issued.keys.current)))
    # RFC 9068 requires client_id: an at+jwt without one is not one of our access tokens.
    assert_refused(await issued.call(issued.resign(client_id=None)))
    no_kid = dict(issued.header)
    del no_kid["kid"]
    assert_refused(await issued.call(jwt.encode(no_kid, issued.claims, issued.keys.current)))


JWKS_URL = "http://gateway.internal/.well-known/jwks.json"


def _verifier(issued: Issued, transport: httpx.AsyncBaseTransport) -> TokenVerifier:
    return TokenVerifier(
        issuer=issued.claims["iss"],
        audience="gongkai:requests",
        keys=KeySource(url=JWKS_URL, transport=transport),
    )


async def test_unknown_kid_refetches_the_jwks_once_a_minute(issued: Issued) -> None:
    """AUTH-10: an unknown ``kid`` refetches once; ten more within 60 s fetch nothing."""
    fetches: list[float] = []

    def jwks(_request: httpx.Request) -> httpx.Response:
        fetches.append(time.monotonic())
        return httpx.Response(200, json=issued.keys.public_jwks)

    verifier = _verifier(issued, httpx.MockTransport(jwks))
    await verifier.verify(issued.token)
    assert len(fetches) == 1  # the first load
    strangers = [
        RSAKey.generate_key(2048, parameters={"kid": f"unknown-{i}", "alg": "RS256"})
        for i in range(2)
    ]
    with pytest.raises(Unauthorized):
        await verifier.verify(
            jwt.encode({**issued.header, "kid": "unknown-0"}, issued.claims, strangers[0])
        )
    assert len(fetches) == 2  # exactly one refetch
    for i in range(10):
        forged = jwt.encode(
            {**issued.header, "kid": f"unknown-{i + 1}"}, issued.claims, strangers[i % 2]
        )
        with pytest.raises(Unauthorized):
            await verifier.verify(forged)
    assert len(fetches) == 2
    # The known key still verifies without a fetch.
    await verifier.verify(issued.token)
    assert len(fetches) == 2


async def test_unknown_kid_in_the_all_in_one_system(issued: Issued) -> None:
    """AUTH-10 through the gateway: the requests service rereads its JWKS at most once."""
    service = issued.gateway.api.state.upstreams["requests"].app
    source: KeySource = service.state.token_verifier.keys
    assert (await issued.call(issued.token)).status_code == 200  # keys loaded
    before = source.fetch_count
    stranger = RSAKey.generate_key(2048, parameters={"kid": "unknown-x", "alg": "RS256"})
    for i in range(11):
        forged = jwt.encode({**issued.header, "kid": f"unknown-{i}"}, issued.claims, stranger)
        assert_refused(await issued.call(forged))
    assert source.fetch_count - before == 1
    assert (await issued.call(issued.token)).status_code == 200


async def test_key_sets_carry_no_symmetric_keys(issued: Issued) -> None:
    """Guards AUTH-03: the published JWKS holds RSA public keys only."""
    keys = KeySet.import_key_set(issued.keys.public_jwks)
    assert all(isinstance(k, RSAKey) and not k.is_private for k in keys.keys)
