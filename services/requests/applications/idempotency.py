"""``Idempotency-Key`` on creation: a retry with the same key and body gets the same answer.

The stored answer holds the query code, so it is encrypted like personal data; the key is
scoped to the caller, so one client cannot read another's answer by guessing its key.
"""

import hashlib

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.errors import Unprocessable
from services.requests.applications import repository
from services.requests.applications.models import IdempotencyRecord
from services.requests.pii import PiiCipher

PURPOSE = "idempotency"


def scoped_key(cipher: PiiCipher, caller: Principal, key: str | None) -> str | None:
    if key is None:
        return None
    if not key.strip():
        raise Unprocessable("Idempotency-Key 不能为空。", code="idempotency-key-empty")
    return cipher.lookup(f"idem|{caller.subject or 'anonymous'}|{key.strip()}")


def _fingerprint(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


async def replay(
    session: AsyncSession, cipher: PiiCipher, key: str, payload: bytes
) -> bytes | None:
    """The earlier answer for this key, or None; the same key with another body is refused."""
    record = await repository.idempotency(session, key)
    if record is None:
        return None
    if record.fingerprint != _fingerprint(payload):
        raise Unprocessable(
            "该 Idempotency-Key 已用于内容不同的另一次提交；新的申请请使用新的 Idempotency-Key。",
            code="idempotency-key-reused",
        )
    answer = cipher.decrypt(record.response_enc, purpose=PURPOSE) or ""
    return answer.encode()


def remember(
    session: AsyncSession, cipher: PiiCipher, key: str, payload: bytes, answer: str
) -> None:
    token = cipher.encrypt(answer, purpose=PURPOSE)
    assert token is not None
    session.add(
        IdempotencyRecord(
            key=key, fingerprint=_fingerprint(payload), status=201, response_enc=token
        )
    )
