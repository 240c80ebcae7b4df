"""What a letter says about one request: the typed context and the placeholders it fills.

Every placeholder a template may use is listed in ``PLACEHOLDERS`` with its Chinese meaning;
``LetterContext.values()`` turns the context into the text each placeholder stands for.
"""

import datetime as dt
import unicodedata
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.requests.letters.kinds import (
    LETTER_KIND_LABELS,
    REFUSAL_GROUND_LABELS,
    REPLY_TYPE_LABELS,
    REPLY_TYPES_WITH_REFUSAL,
    LetterKind,
)
from services.requests.replies import RefusalGround, ReplyType

PLACEHOLDERS: dict[str, str] = {
    "letter_title": "文书名称",
    "letter_number": "文书编号（文号）",
    "agency_name": "作出文书的行政机关",
    "seal_text": "印章文字",
    "contact": "联系人及联系方式",
    "applicant_name": "申请人姓名或名称",
    "tracking_number": "申请编号",
    "received_on": "收到申请的日期",
    "issued_on": "文书日期",
    "request_description": "所申请的政府信息",
    "reply_type": "答复类型",
    "legal_ground": "法律依据",
    "refusal_ground": "不予公开的理由",
    "reason": "理由及说明",
    "how_to_obtain": "获取信息的方式、途径和时间",
    "responsible_agency_name": "负责公开该信息的行政机关",
    "responsible_agency_contact": "负责公开该信息的行政机关的联系方式",
    "clarification_items": "需要补正的事项",
    "correction_due_on": "补正期限",
    "due_on": "原答复期限",
    "extended_due_on": "延长后的答复期限",
    "extension_reason": "延期理由",
    "third_party_name": "被征求意见的第三方或行政机关",
    "consultation_due_on": "第三方提出意见的期限",
    "fee_amount": "信息处理费金额（元）",
    "fee_explanation": "信息处理费的计算过程",
    "payment_due_on": "缴费期限",
    "payment_method": "缴费方式",
    "reconsideration_body": "行政复议机关",
    "court": "管辖的人民法院",
}

SHORT = 200
LONG = 4_000


def format_date(value: dt.date) -> str:
    """A date as a Chinese letter writes it: 2026年11月23日."""
    return f"{value.year}年{value.month}月{value.day}日"


def clean_text(value: str) -> str:
    """Drop what no document can hold (controls, lone surrogates); keep line breaks."""
    kept = []
    for char in value.replace("\r\n", "\n").replace("\t", " "):
        if char == "\n" or unicodedata.category(char) not in {"Cc", "Cs", "Cn"}:
            kept.append(char)
    return "".join(kept).strip()


class LetterContext(BaseModel):
    """Everything a letter may say about one request; unset fields leave optional lines out.

    The applicant's full name is intended: the letter is sent to the applicant. The
    consultation letters go to a third party or another agency, and their default templates
    do not name the applicant.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    kind: LetterKind
    reply_type: ReplyType | None = Field(None, description="答复类型（答复书必填）")
    agency_name: str = Field(min_length=1, max_length=SHORT)
    seal_text: str | None = Field(None, max_length=SHORT, description="默认与行政机关名称相同")
    letter_number: str | None = Field(None, max_length=SHORT)
    contact: str | None = Field(None, max_length=SHORT)
    applicant_name: str = Field(min_length=1, max_length=SHORT)
    tracking_number: str = Field(min_length=1, max_length=64)
    received_on: dt.date
    issued_on: dt.date
    request_description: str = Field(min_length=1, max_length=LONG)
    legal_ground: str | None = Field(
        None, max_length=LONG, description="为空时使用 default_legal_ground 的标准表述"
    )
    refusal_ground: RefusalGround | None = None
    reason: str | None = Field(None, max_length=LONG)
    how_to_obtain: str | None = Field(None, max_length=LONG)
    responsible_agency_name: str | None = Field(None, max_length=SHORT)
    responsible_agency_contact: str | None = Field(None, max_length=SHORT)
    clarification_items: str | None = Field(None, max_length=LONG)
    correction_due_on: dt.date | None = None
    due_on: dt.date | None = None
    extended_due_on: dt.date | None = None
    extension_reason: str | None = Field(None, max_length=LONG)
    third_party_name: str | None = Field(None, max_length=SHORT)
    consultation_due_on: dt.date | None = None
    fee_amount_yuan: int | None = Field(None, ge=0, le=10**9)
    fee_explanation: list[str] = Field(default_factory=list, max_length=200)
    payment_due_on: dt.date | None = None
    payment_method: str | None = Field(None, max_length=LONG)
    reconsideration_body: str | None = Field(None, max_length=SHORT)
    court: str | None = Field(None, max_length=SHORT)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: object) -> object:
        if isinstance(value, str) and not isinstance(value, Enum):
            return clean_text(value)
        if isinstance(value, list):
            return [clean_text(item) if isinstance(item, str) else item for item in value]
        return value

    @field_validator("agency_name", "applicant_name", "tracking_number", "request_description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("不能为空，也不能只含空白或控制字符")
        return value

    @model_validator(mode="after")
    def _reply_type_matches_kind(self) -> "LetterContext":
        if self.kind is LetterKind.REPLY and self.reply_type is None:
            raise ValueError("答复书须选择答复类型（reply_type）")
        if self.kind is not LetterKind.REPLY and self.reply_type is not None:
            raise ValueError("只有答复书可以填写答复类型（reply_type）")
        if self.refusal_ground is not None and self.reply_type not in REPLY_TYPES_WITH_REFUSAL:
            raise ValueError("只有不予公开或部分公开的答复书可以填写不予公开的理由")
        return self

    def values(self, legal_ground: str) -> dict[str, str]:
        """The text of every placeholder; empty for what the context leaves unset."""
        dates = {
            "received_on": self.received_on,
            "issued_on": self.issued_on,
            "correction_due_on": self.correction_due_on,
            "due_on": self.due_on,
            "extended_due_on": self.extended_due_on,
            "consultation_due_on": self.consultation_due_on,
            "payment_due_on": self.payment_due_on,
        }
        texts = {
            "letter_title": LETTER_KIND_LABELS[self.kind],
            "letter_number": self.letter_number,
            "agency_name": self.agency_name,
            "seal_text": self.seal_text or self.agency_name,
            "contact": self.contact,
            "applicant_name": self.applicant_name,
            "tracking_number": self.tracking_number,
            "request_description": self.request_description,
            "reply_type": REPLY_TYPE_LABELS[self.reply_type] if self.reply_type else None,
            "legal_ground": legal_ground,
            "refusal_ground": (
                REFUSAL_GROUND_LABELS[self.refusal_ground] if self.refusal_ground else None
            ),
            "reason": self.reason,
            "how_to_obtain": self.how_to_obtain,
            "responsible_agency_name": self.responsible_agency_name,
            "responsible_agency_contact": self.responsible_agency_contact,
            "clarification_items": self.clarification_items,
            "extension_reason": self.extension_reason,
            "third_party_name": self.third_party_name,
            "fee_amount": None if self.fee_amount_yuan is None else str(self.fee_amount_yuan),
            "fee_explanation": "\n".join(self.fee_explanation),
            "payment_method": self.payment_method,
            "reconsideration_body": self.reconsideration_body,
            "court": self.court,
        }
        values = {name: format_date(day) if day else "" for name, day in dates.items()}
        values.update({name: clean_text(text or "") for name, text in texts.items()})
        assert values.keys() == PLACEHOLDERS.keys()
        return values
