"""The letters an agency sends about a request, and the reply types of 条例 Arts. 35–39.

Codes are stable English values; the Chinese labels and the default legal grounds sit beside
them as data. ``ReplyType`` is the decision of a 答复书; each has its own template.
"""

from enum import StrEnum

REGULATION = "《中华人民共和国政府信息公开条例》"


class LetterKind(StrEnum):
    """文书种类."""

    REPLY = "reply"  # 政府信息公开申请答复书
    CLARIFICATION_NOTICE = "clarification_notice"  # 补正申请告知书 (Art. 30)
    EXTENSION_NOTICE = "extension_notice"  # 延期答复告知书 (Art. 33)
    CONSULTATION_LETTER = "consultation_letter"  # 征求第三方意见函 (Arts. 32, 34)
    FEE_NOTICE = "fee_notice"  # 收费通知书 (Art. 42; 国办函〔2020〕109号)


LETTER_KIND_LABELS = {
    LetterKind.REPLY: "政府信息公开申请答复书",
    LetterKind.CLARIFICATION_NOTICE: "补正申请告知书",
    LetterKind.EXTENSION_NOTICE: "延期答复告知书",
    LetterKind.CONSULTATION_LETTER: "征求第三方意见函",
    LetterKind.FEE_NOTICE: "收费通知书",
}


class ReplyType(StrEnum):
    """答复类型: what the agency decided (Arts. 35–39)."""

    ALREADY_PUBLIC = "already_public"  # Art. 36(1)
    GRANTED = "granted"  # Art. 36(2)
    PARTLY_GRANTED = "partly_granted"  # Art. 37
    REFUSED = "refused"  # Art. 36(3) with Arts. 14–16
    NOT_HELD = "not_held"  # Art. 36(4)
    NOT_OURS = "not_ours"  # Art. 36(5)
    REPEAT = "repeat"  # Art. 36(6)
    SPECIAL_ACCESS = "special_access"  # Art. 36(7): 工商、不动产登记资料等
    NEEDS_CREATION = "needs_creation"  # Art. 38
    COMPLAINT = "complaint"  # Art. 39 第一款: 信访、投诉、举报
    PUBLICATION = "publication"  # Art. 39 第二款: 公报、报刊、书籍
    EXCESSIVE = "excessive"  # Art. 35: 数量、频次明显超过合理范围


REPLY_TYPE_LABELS = {
    ReplyType.ALREADY_PUBLIC: "已主动公开",
    ReplyType.GRANTED: "予以公开",
    ReplyType.PARTLY_GRANTED: "部分公开",
    ReplyType.REFUSED: "不予公开",
    ReplyType.NOT_HELD: "本机关不掌握相关政府信息",
    ReplyType.NOT_OURS: "不属于本机关负责公开",
    ReplyType.REPEAT: "重复申请，不予重复处理",
    ReplyType.SPECIAL_ACCESS: "依照有关法律、行政法规的规定办理",
    ReplyType.NEEDS_CREATION: "没有现成信息，需要另行制作",
    ReplyType.COMPLAINT: "信访举报投诉类申请，不作为政府信息公开申请处理",
    ReplyType.PUBLICATION: "要求提供公开出版物，告知获取途径",
    ReplyType.EXCESSIVE: "无正当理由大量反复申请，不予处理",
}

REPLY_TYPE_GROUNDS = {
    ReplyType.ALREADY_PUBLIC: f"{REGULATION}第三十六条第（一）项",
    ReplyType.GRANTED: f"{REGULATION}第三十六条第（二）项",
    ReplyType.PARTLY_GRANTED: f"{REGULATION}第三十七条",
    ReplyType.REFUSED: f"{REGULATION}第三十六条第（三）项",
    ReplyType.NOT_HELD: f"{REGULATION}第三十六条第（四）项",
    ReplyType.NOT_OURS: f"{REGULATION}第三十六条第（五）项",
    ReplyType.REPEAT: f"{REGULATION}第三十六条第（六）项",
    ReplyType.SPECIAL_ACCESS: f"{REGULATION}第三十六条第（七）项",
    ReplyType.NEEDS_CREATION: f"{REGULATION}第三十八条",
    ReplyType.COMPLAINT: f"{REGULATION}第三十九条第一款",
    ReplyType.PUBLICATION: f"{REGULATION}第三十九条第二款",
    ReplyType.EXCESSIVE: f"{REGULATION}第三十五条",
}


class RefusalGround(StrEnum):
    """不予公开的理由 (Arts. 14–16, 36(7)); the annual report's 不予公开 rows 1–8."""

    STATE_SECRET = "state_secret"  # noqa: S105 (国家秘密, not a password)
    PROHIBITED_BY_LAW = "prohibited_by_law"
    SECURITY_STABILITY = "security_stability"
    THIRD_PARTY_RIGHTS = "third_party_rights"
    INTERNAL_AFFAIRS = "internal_affairs"
    PROCESS_INFORMATION = "process_information"
    ENFORCEMENT_FILE = "enforcement_file"
    ADMINISTRATIVE_QUERY = "administrative_query"


REFUSAL_GROUND_LABELS = {
    RefusalGround.STATE_SECRET: "属于国家秘密",
    RefusalGround.PROHIBITED_BY_LAW: "其他法律行政法规禁止公开",
    RefusalGround.SECURITY_STABILITY: "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    RefusalGround.THIRD_PARTY_RIGHTS: "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
    RefusalGround.INTERNAL_AFFAIRS: "属于行政机关内部事务信息",
    RefusalGround.PROCESS_INFORMATION: "属于过程性信息",
    RefusalGround.ENFORCEMENT_FILE: "属于行政执法案卷信息",
    RefusalGround.ADMINISTRATIVE_QUERY: "属于行政查询事项",
}

REFUSAL_GROUND_ARTICLES = {
    RefusalGround.STATE_SECRET: f"{REGULATION}第十四条",
    RefusalGround.PROHIBITED_BY_LAW: f"{REGULATION}第十四条",
    RefusalGround.SECURITY_STABILITY: f"{REGULATION}第十四条",
    RefusalGround.THIRD_PARTY_RIGHTS: f"{REGULATION}第十五条",
    RefusalGround.INTERNAL_AFFAIRS: f"{REGULATION}第十六条第一款",
    RefusalGround.PROCESS_INFORMATION: f"{REGULATION}第十六条第二款",
    RefusalGround.ENFORCEMENT_FILE: f"{REGULATION}第十六条第二款",
    RefusalGround.ADMINISTRATIVE_QUERY: f"{REGULATION}第三十六条第（七）项",
}

# The letters other than replies, with the articles they rest on.
NOTICE_GROUNDS = {
    LetterKind.CLARIFICATION_NOTICE: f"{REGULATION}第三十条",
    LetterKind.EXTENSION_NOTICE: f"{REGULATION}第三十三条第二款",
    LetterKind.CONSULTATION_LETTER: f"{REGULATION}第三十二条",
    LetterKind.FEE_NOTICE: (
        f"{REGULATION}第四十二条、国办函〔2020〕109号《政府信息公开信息处理费管理办法》"
    ),
}

# Reply types whose letter may name a refusal ground (the withheld part of a partial grant).
REPLY_TYPES_WITH_REFUSAL = frozenset({ReplyType.REFUSED, ReplyType.PARTLY_GRANTED})


def default_legal_ground(
    kind: LetterKind,
    reply_type: ReplyType | None = None,
    refusal_ground: RefusalGround | None = None,
) -> str:
    """The standard citation for a letter, e.g. 《…条例》第三十六条第（三）项、第十四条."""
    if kind is not LetterKind.REPLY:
        return NOTICE_GROUNDS[kind]
    if reply_type is None:
        raise ValueError("答复书须指明答复类型")
    ground = REPLY_TYPE_GROUNDS[reply_type]
    if refusal_ground is not None and reply_type in REPLY_TYPES_WITH_REFUSAL:
        article = REFUSAL_GROUND_ARTICLES[refusal_ground].removeprefix(REGULATION)
        if article not in ground:
            ground = f"{ground}、{article}"
    return ground


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
