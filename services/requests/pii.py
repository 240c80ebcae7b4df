"""Applicants' personal data at rest: AES-256-GCM ciphertext, HMAC lookups, and masking.

A ciphertext is ``<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``; the field name is bound in as
associated data, so a value cannot be moved to another column. Lookups (the same ID number
asking again, Art. 35) use an HMAC of the normalised value, never the value itself.
"""

import base64
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.requests.settings import RequestsSettings

NONCE_BYTES = 12


class PiiKeyError(Exception):
    """A ciphertext that this key cannot open (another key id, or tampered)."""


class PiiCipher:
    def __init__(self, key: bytes, key_id: str, lookup_key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("PII key must be 32 bytes")
        self._aead = AESGCM(key)
        self.key_id = key_id
        self._lookup_key = lookup_key

    @classmethod
    def from_settings(cls, settings: RequestsSettings) -> "PiiCipher":
        secret = settings.secret_key.get_secret_value().encode()
        if settings.requests_pii_key is not None:
            key = base64.b64decode(settings.requests_pii_key.get_secret_value())
        else:
            key = hmac.new(secret, b"gongkai requests pii encryption", hashlib.sha256).digest()
        lookup = hmac.new(secret, b"gongkai requests pii lookup", hashlib.sha256).digest()
        return cls(key, settings.requests_pii_key_id, lookup)

    def encrypt_bytes(self, data: bytes, *, purpose: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, self._aad(purpose))

    def decrypt_bytes(self, blob: bytes, *, purpose: str) -> bytes:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], self._aad(purpose))
        except (InvalidTag, ValueError):
            raise PiiKeyError("无法解密：密钥不匹配或数据已损坏") from None

    def encrypt(self, value: str | None, *, purpose: str) -> str | None:
        if value is None:
            return None
        blob = self.encrypt_bytes(value.encode("utf-8"), purpose=purpose)
        return f"{self.key_id}:{base64.b64encode(blob).decode()}"

    def decrypt(self, token: str | None, *, purpose: str) -> str | None:
        if token is None:
            return None
        key_id, _, body = token.partition(":")
        if key_id != self.key_id:
            raise PiiKeyError(f"密文使用的密钥 {key_id} 不是当前密钥")
        return self.decrypt_bytes(base64.b64decode(body), purpose=purpose).decode("utf-8")

    def lookup(self, value: str) -> str:
        """A stable keyed hash of the normalised value, for equality lookups."""
        normalised = "".join(value.split()).upper()
        return hmac.new(self._lookup_key, normalised.encode(), hashlib.sha256).hexdigest()

    def _aad(self, purpose: str) -> bytes:
        return f"{self.key_id}|{purpose}".encode()


def mask_id_number(value: str) -> str:
    """``310101199001011234`` → ``3101**********1234``."""
    text = "".join(value.split())
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``; organisation names are not personal data and stay as they are."""
    text = value.strip()
    return text[:1] + "*" * max(len(text) - 1, 1)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; other numbers keep only their last four digits."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 4, 1) + digits[-4:]


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return (local[:1] + "***@" + domain) if domain else "***"


def mask_text(value: str) -> str:
    """Addresses and other free text: the first few characters only."""
    text = value.strip()
    return text[:3] + "****" if len(text) > 3 else "****"
