"""Typed builders of letter contexts for the tests."""

import datetime as dt
from typing import Any

from services.requests.letters import LetterContext, LetterKind, RefusalGround, ReplyType

APPLICANT = "欧阳明月"
THIRD_PARTY = "某某科技有限公司"
CONSULTATIONS = frozenset({LetterKind.CONSULTATION_LETTER, LetterKind.AGENCY_CONSULTATION_LETTER})
RECEIVED_ON = dt.date(2026, 11, 2)
ISSUED_ON = dt.date(2026, 11, 23)


def letter_context(
    kind: LetterKind = LetterKind.REPLY,
    reply_type: ReplyType | None = ReplyType.GRANTED,
    **changes: Any,
) -> LetterContext:
    """A complete context for a letter of ``kind``: every field its template asks for."""
    fields: dict[str, Any] = {
        "kind": kind,
        "reply_type": reply_type if kind is LetterKind.REPLY else None,
        "agency_name": "某市生态环境局",
        "applicant_name": APPLICANT,
        "tracking_number": "GK-2026-000123",
        "received_on": RECEIVED_ON,
        "issued_on": ISSUED_ON,
        "request_description": "2025年度某化工项目环境影响评价批复文件",
        "contact": "政务公开科，电话0571-87654321",
        "reconsideration_body": "某市人民政府",
        "court": "某市中级人民法院",
    }
    if reply_type is ReplyType.REFUSED or reply_type is ReplyType.PARTLY:
        fields["refusal_ground"] = RefusalGround.THIRD_PARTY
    if reply_type is ReplyType.NOT_OURS:
        fields["responsible_agency_name"] = "某市自然资源和规划局"
        fields["responsible_agency_contact"] = "0571-11112222"
    if kind is LetterKind.CLARIFICATION_NOTICE:
        fields["clarification_items"] = "请写明所需文件的名称、文号或者其他特征描述。"
        fields["correction_due_on"] = dt.date(2026, 12, 7)
    if kind is LetterKind.EXTENSION_NOTICE:
        fields["due_on"] = dt.date(2026, 11, 30)
        fields["extended_due_on"] = dt.date(2026, 12, 28)
        fields["extension_reason"] = "所申请信息涉及多个部门，需要协调"
    if kind in CONSULTATIONS:
        fields["third_party_name"] = THIRD_PARTY
        fields["consultation_due_on"] = dt.date(2026, 12, 14)
    if kind is LetterKind.FEE_NOTICE:
        fields["fee_amount_yuan"] = 4700
        fields["fee_explanation"] = ["第31—100页 10 元/页 × 70 页 = 700 元。"]
        fields["payment_due_on"] = dt.date(2026, 12, 21)
    fields.update(changes)
    return LetterContext.model_validate(fields)


def every_letter() -> list[tuple[LetterKind, ReplyType | None]]:
    """Each letter kind once, and the reply once per reply type."""
    replies: list[tuple[LetterKind, ReplyType | None]] = [
        (LetterKind.REPLY, reply_type) for reply_type in ReplyType
    ]
    return replies + [(kind, None) for kind in LetterKind if kind is not LetterKind.REPLY]
