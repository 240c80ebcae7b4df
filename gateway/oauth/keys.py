"""Signing keys of the authorization server: a private key set on disk, a public JWKS beside it.

``keys/signing.json`` holds the private keys (the first signs; the others stay listed in the
JWKS until the tokens they signed have expired, so a rotation never breaks a live token).
``keys/jwks.json`` is what services without a JWKS URL read; keys already there (another
issuer's, a test key) are kept.
"""

import json
import os
import uuid
from pathlib import Path
from typing import Any

from joserfc.jwk import KeySet, RSAKey


class SigningKeys:
    def __init__(self, keys: list[RSAKey]) -> None:
        if not keys:
            raise ValueError("no signing key")
        self.keys = keys

    @property
    def current(self) -> RSAKey:
        return self.keys[0]

    @property
    def public_jwks(self) -> dict[str, Any]:
        return dict(KeySet(list(self.keys)).as_dict(private=False))

    @property
    def key_set(self) -> KeySet:
        return KeySet(list(self.keys))


def new_key() -> RSAKey:
    kid = uuid.uuid4().hex[:16]
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def load_signing_keys(data_dir: Path, *, generate: bool) -> SigningKeys:
    """Read the private keys (generating one when allowed) and publish their public halves."""
    folder = data_dir / "keys"
    private = folder / "signing.json"
    if private.exists():
        keys = [RSAKey.import_key(k) for k in json.loads(private.read_text("utf-8"))["keys"]]
    elif generate:
        keys = [new_key()]
        folder.mkdir(parents=True, exist_ok=True)
        _write_private(private, keys)
    else:
        raise RuntimeError(
            f"找不到签名密钥 {private}：生产环境请用 `gongkai rotate-keys` 生成并妥善保管。"
        )
    signing = SigningKeys(keys)
    publish(folder / "jwks.json", signing)
    return signing


def rotate(data_dir: Path) -> SigningKeys:
    """Put a new key first; keep the previous one listed (tokens it signed stay valid)."""
    folder = data_dir / "keys"
    private = folder / "signing.json"
    old = (
        [RSAKey.import_key(k) for k in json.loads(private.read_text("utf-8"))["keys"]]
        if private.exists()
        else []
    )
    keys = [new_key(), *old[:1]]
    folder.mkdir(parents=True, exist_ok=True)
    _write_private(private, keys)
    signing = SigningKeys(keys)
    publish(folder / "jwks.json", signing, replace_own=[k.kid for k in old])
    return signing


def publish(path: Path, signing: SigningKeys, replace_own: list[str | None] | None = None) -> None:
    existing: list[dict[str, Any]] = []
    if path.exists():
        existing = json.loads(path.read_text("utf-8")).get("keys", [])
    ours = signing.public_jwks["keys"]
    drop = {k["kid"] for k in ours} | set(replace_own or [])
    merged = ours + [k for k in existing if k.get("kid") not in drop]
    path.write_text(json.dumps({"keys": merged}), encoding="utf-8")


def _write_private(path: Path, keys: list[RSAKey]) -> None:
    data = json.dumps({"keys": [k.as_dict(private=True) for k in keys]})
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(data)
