"""Access tokens for tests, signed like the gateway's authorization server signs them."""

import json
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from services.common.app import audience
from services.common.settings import SERVICE_NAMES

ISSUER = "http://127.0.0.1:8000"

_KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})


class TokenMinter:
    """Mints RFC 9068 access tokens with the test signing key."""

    def __init__(self, issuer: str = ISSUER, key: RSAKey = _KEY) -> None:
        self.issuer = issuer
        self.key = key

    @property
    def key_set(self) -> KeySet:
        return KeySet([self.key])

    def write_jwks(self, data_dir: Path) -> None:
        """Publish the public key where services without a JWKS URL look for it."""
        keys = data_dir / "keys"
        keys.mkdir(parents=True, exist_ok=True)
        (keys / "jwks.json").write_text(json.dumps(self.key_set.as_dict(private=False)))

    def mint(
        self,
        *,
        subject: str = "user-1",
        roles: Iterable[str] = (),
        scopes: Iterable[str] = (),
        agencies: Iterable[object] = (),
        audiences: Iterable[str] | None = None,
        lifetime: int = 600,
        header: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject,
            "aud": list(audiences)
            if audiences is not None
            else [audience(s) for s in SERVICE_NAMES],
            "iat": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "client_id": "gongkai-test",
            "scope": " ".join(scopes),
            "roles": list(roles),
            "agencies": [str(a) for a in agencies],
            **claims,
        }
        head = {"alg": "RS256", "typ": "at+jwt", "kid": self.key.kid, **(header or {})}
        return jwt.encode(head, payload, self.key)

    def headers(self, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.mint(**kwargs)}"}
