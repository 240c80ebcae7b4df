"""Settings of the requests service."""

import base64
import binascii
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator

from services.common.settings import ServiceSettings
from services.requests.deadlines import ClockRules, FeeEffect, PauseBoundary


class RequestsSettings(ServiceSettings):
    service_name: ClassVar[str] = "requests"
    requests_database_url: str | None = Field(
        None,
        description="Database of the requests service; default: a SQLite file under data_dir.",
    )
    requests_pii_key: SecretStr | None = Field(
        None,
        description="AES-256-GCM key for applicants' personal data, base64 of 32 bytes; "
        "unset: derived from GONGKAI_SECRET_KEY.",
    )
    requests_pii_key_id: str = Field(
        "k1", max_length=16, description="Id of the PII key, stored with every ciphertext."
    )
    requests_count_receipt_day: bool = Field(
        False, description="Count the receipt day as day 1 (default: day 0, domain.md §1.3)."
    )
    requests_fee_effect: FeeEffect = Field(
        FeeEffect.PAUSE,
        description="What a fee notice does to the reply clock: none|pause|restart.",
    )
    requests_fee_payment_days: int = Field(
        20, ge=1, le=60, description="Working days the applicant has to pay a fee notice."
    )
    requests_pause_boundary: PauseBoundary = Field(
        PauseBoundary.AFTER_START,
        description="Whether the day a consultation letter is sent is itself not counted.",
    )
    requests_track_failures_per_number: int = Field(
        5, ge=1, description="Wrong query codes per tracking number before throttling."
    )
    requests_track_failures_per_client: int = Field(
        20, ge=1, description="Wrong tracking attempts per client address before throttling."
    )
    requests_pii_retention_days: int = Field(
        1095,
        ge=1,
        description="Days after a request is closed before `gongkai purge-pii` removes the "
        "applicant's personal data (statistics fields are kept).",
    )
    requests_track_window_seconds: int = Field(
        900, ge=1, description="Window over which wrong tracking attempts are counted."
    )

    @field_validator("requests_pii_key")
    @classmethod
    def _thirty_two_bytes(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None  # empty (as compose and k8s pass an unset value): derive the key
        try:
            raw = base64.b64decode(value.get_secret_value(), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("GONGKAI_REQUESTS_PII_KEY 应为 32 字节密钥的 base64 编码") from None
        if len(raw) != 32:
            raise ValueError("GONGKAI_REQUESTS_PII_KEY 应为 32 字节（256 位）密钥的 base64 编码")
        return value

    @property
    def clock_rules(self) -> ClockRules:
        return ClockRules(
            count_start=self.requests_count_receipt_day,
            fee_effect=self.requests_fee_effect,
            pause_boundary=self.requests_pause_boundary,
        )
