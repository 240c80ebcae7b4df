"""Webhook secrets and signatures, as the Standard Webhooks specification defines them.

The signature is ``v1,`` + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))
where key is the base64 part of the ``whsec_…`` secret; receivers can verify it with any
Standard Webhooks library. Secrets are stored encrypted (AES-GCM, key derived from the
server secret), because signing needs the secret itself, not a hash of it.
"""

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "whsec_"
_PURPOSE = b"gongkai webhook secrets v1"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(server_secret: str) -> bytes:
    return hmac.new(server_secret.encode(), _PURPOSE, hashlib.sha256).digest()


def seal(secret: str, server_secret: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(server_secret)).encrypt(nonce, secret.encode(), None)
    return base64.b64encode(nonce + sealed).decode()


def unseal(sealed: str, server_secret: str) -> str:
    raw = base64.b64decode(sealed)
    return AESGCM(_key(server_secret)).decrypt(raw[:12], raw[12:], None).decode()


def sign(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    message = f"{delivery_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (used by the tests and given as the reference in the docs)."""
    expected = sign(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    offered = headers["webhook-signature"].split()
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)
