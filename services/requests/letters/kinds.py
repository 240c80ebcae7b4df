"""The letters an agency sends about a request; a 答复书 has one template per reply type.

The reply types, refusal grounds and their legal bases are those of ``services.requests.replies``
(one source for the letters, the workflow and the annual report).
"""

from enum import StrEnum

from services.requests.replies import (
    NEEDS_GROUND,
    REFUSALS,
    REPLIES,
    RefusalGround,
    ReplyType,
    legal_basis,
)

REGULATION = "《中华人民共和国政府信息公开条例》"


class LetterKind(StrEnum):
    """文书种类."""

    REPLY = "reply"  # 政府信息公开申请答复书
    CLARIFICATION_NOTICE = "clarification_notice"  # 补正申请告知书 (Art. 30)
    EXTENSION_NOTICE = "extension_notice"  # 延期答复告知书 (Art. 33)
    CONSULTATION_LETTER = "consultation_letter"  # 征求第三方意见函 (Art. 32)
    AGENCY_CONSULTATION_LETTER = "agency_consultation_letter"  # 征求意见函, 共同制作机关 (Art. 34)
    FEE_NOTICE = "fee_notice"  # 收费通知书 (Art. 42; 国办函〔2020〕109号)


LETTER_KIND_LABELS = {
    LetterKind.REPLY: "政府信息公开申请答复书",
    LetterKind.CLARIFICATION_NOTICE: "补正申请告知书",
    LetterKind.EXTENSION_NOTICE: "延期答复告知书",
    LetterKind.CONSULTATION_LETTER: "征求第三方意见函",
    LetterKind.AGENCY_CONSULTATION_LETTER: "征求意见函",
    LetterKind.FEE_NOTICE: "收费通知书",
}


REPLY_TYPE_LABELS = {reply_type: reply.label for reply_type, reply in REPLIES.items()}
REFUSAL_GROUND_LABELS = {ground: reply.label for ground, reply in REFUSALS.items()}

# The letters other than replies, with the articles they rest on.
NOTICE_GROUNDS = {
    LetterKind.CLARIFICATION_NOTICE: f"{REGULATION}第三十条",
    LetterKind.EXTENSION_NOTICE: f"{REGULATION}第三十三条第二款",
    LetterKind.CONSULTATION_LETTER: f"{REGULATION}第三十二条",
    LetterKind.AGENCY_CONSULTATION_LETTER: f"{REGULATION}第三十四条",
    LetterKind.FEE_NOTICE: (
        f"{REGULATION}第四十二条、国办函〔2020〕109号《政府信息公开信息处理费管理办法》"
    ),
}

# Reply types whose letter may name a refusal ground (the withheld part of a partial grant).
REPLY_TYPES_WITH_REFUSAL = NEEDS_GROUND


def default_legal_ground(
    kind: LetterKind,
    reply_type: ReplyType | None = None,
    refusal_ground: RefusalGround | None = None,
) -> str:
    """The standard citation of a letter (``replies.legal_basis`` for a reply)."""
    if kind is not LetterKind.REPLY:
        return NOTICE_GROUNDS[kind]
    if reply_type is None:
        raise ValueError("答复书须指明答复类型")
    return legal_basis(reply_type, refusal_ground)


def template_name(kind: LetterKind, reply_type: ReplyType | None = None) -> str:
    """The template file (without ``.txt``) of a letter: ``reply_<type>`` or the kind."""
    if kind is LetterKind.REPLY:
        if reply_type is None:
            raise ValueError("答复书须指明答复类型")
        return f"reply_{reply_type.value}"
    return kind.value


TEMPLATE_NAMES: tuple[str, ...] = tuple(
    [template_name(LetterKind.REPLY, reply_type) for reply_type in ReplyType]
    + [template_name(kind) for kind in LetterKind if kind is not LetterKind.REPLY]
)
