"""Reply types of 条例 Arts. 35–39 with their legal grounds, and their annual-report rows.

Where a reply is counted in the requests table of the annual report (domain.md §2.2) is data:
``report_rows.json`` maps each reply type (and refusal ground) to a row per report format, so
an agency can follow its superior's reading of the unverified cases ("not ours", special
statutory access) without a code change.
"""

import datetime as dt
import functools
import json
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any


class ReplyType(StrEnum):
    """答复类型."""

    ALREADY_PUBLIC = "already_public"
    GRANTED = "granted"
    PARTLY = "partly"
    REFUSED = "refused"
    NOT_HELD = "not_held"
    NOT_OURS = "not_ours"
    NEEDS_CREATION = "needs_creation"
    UNCLEAR = "unclear"
    REPEAT = "repeat"
    PETITION = "petition"
    PUBLICATION = "publication"
    EXCESSIVE = "excessive"
    CONFIRM_OR_REISSUE = "confirm_or_reissue"
    SPECIAL_STATUTORY = "special_statutory"
    # Endings that are not a decision on the merits; set by the workflow, not chosen.
    NO_CORRECTION = "no_correction"
    FEE_UNPAID = "fee_unpaid"
    WITHDRAWN = "withdrawn"


class RefusalGround(StrEnum):
    """不予公开的理由 (Arts. 14–16)."""

    STATE_SECRET = "state_secret"  # noqa: S105 (国家秘密, not a password)
    LAW_PROHIBITS = "law_prohibits"
    SECURITY_STABILITY = "security_stability"
    THIRD_PARTY = "third_party"
    INTERNAL_AFFAIRS = "internal_affairs"
    PROCESS_INFORMATION = "process_information"
    ENFORCEMENT_FILES = "enforcement_files"
    ADMINISTRATIVE_QUERY = "administrative_query"


@dataclass(frozen=True)
class Reply:
    label: str
    basis: str


REPLIES = {
    ReplyType.ALREADY_PUBLIC: Reply(
        "已主动公开，告知获取方式和途径", "《中华人民共和国政府信息公开条例》第三十六条第（一）项"
    ),
    ReplyType.GRANTED: Reply("予以公开", "《中华人民共和国政府信息公开条例》第三十六条第（二）项"),
    ReplyType.PARTLY: Reply(
        "部分公开", "《中华人民共和国政府信息公开条例》第三十六条第（二）项、第三十七条"
    ),
    ReplyType.REFUSED: Reply("不予公开", "《中华人民共和国政府信息公开条例》第三十六条第（三）项"),
    ReplyType.NOT_HELD: Reply(
        "本机关不掌握相关政府信息", "《中华人民共和国政府信息公开条例》第三十六条第（四）项"
    ),
    ReplyType.NOT_OURS: Reply(
        "不属于本机关负责公开", "《中华人民共和国政府信息公开条例》第三十六条第（五）项"
    ),
    ReplyType.NEEDS_CREATION: Reply(
        "没有现成信息，需要另行制作", "《中华人民共和国政府信息公开条例》第三十八条"
    ),
    ReplyType.UNCLEAR: Reply(
        "补正后申请内容仍不明确", "《中华人民共和国政府信息公开条例》第二十九条、第三十条"
    ),
    ReplyType.REPEAT: Reply(
        "重复申请，不予重复处理", "《中华人民共和国政府信息公开条例》第三十六条第（六）项"
    ),
    ReplyType.PETITION: Reply(
        "属于信访、投诉、举报等诉求，不作为政府信息公开申请处理",
        "《中华人民共和国政府信息公开条例》第三十九条第一款",
    ),
    ReplyType.PUBLICATION: Reply(
        "要求提供公开出版物，告知获取途径", "《中华人民共和国政府信息公开条例》第三十九条第二款"
    ),
    ReplyType.EXCESSIVE: Reply(
        "无正当理由大量、反复申请，不予处理", "《中华人民共和国政府信息公开条例》第三十五条"
    ),
    ReplyType.CONFIRM_OR_REISSUE: Reply(
        "要求行政机关确认或重新出具已获取的信息，不予处理",
        "《中华人民共和国政府信息公开条例》第三十九条第二款",
    ),
    ReplyType.SPECIAL_STATUTORY: Reply(
        "有关法律、行政法规对信息的获取有特别规定，告知依照其规定办理",
        "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
    ),
    ReplyType.NO_CORRECTION: Reply(
        "申请人无正当理由逾期不补正，视为放弃申请",
        "《中华人民共和国政府信息公开条例》第三十条",
    ),
    ReplyType.FEE_UNPAID: Reply(
        "申请人逾期未按收费通知缴纳费用，不再处理",
        "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
    ),
    ReplyType.WITHDRAWN: Reply("申请人撤回申请", "申请人撤回"),
}

REFUSALS = {
    RefusalGround.STATE_SECRET: Reply("属于国家秘密", "《中华人民共和国政府信息公开条例》第十四条"),
    RefusalGround.LAW_PROHIBITS: Reply(
        "其他法律、行政法规禁止公开", "《中华人民共和国政府信息公开条例》第十四条"
    ),
    RefusalGround.SECURITY_STABILITY: Reply(
        "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
        "《中华人民共和国政府信息公开条例》第十四条",
    ),
    RefusalGround.THIRD_PARTY: Reply(
        "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
        "《中华人民共和国政府信息公开条例》第十五条",
    ),
    RefusalGround.INTERNAL_AFFAIRS: Reply(
        "属于人事管理、后勤管理、内部工作流程等内部事务信息",
        "《中华人民共和国政府信息公开条例》第十六条第一款",
    ),
    RefusalGround.PROCESS_INFORMATION: Reply(
        "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息",
        "《中华人民共和国政府信息公开条例》第十六条第二款",
    ),
    RefusalGround.ENFORCEMENT_FILES: Reply(
        "属于行政执法案卷信息", "《中华人民共和国政府信息公开条例》第十六条第二款"
    ),
    RefusalGround.ADMINISTRATIVE_QUERY: Reply(
        "属于行政查询事项，告知按查询渠道办理",
        "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
    ),
}

# Reply types an officer chooses when deciding; the others end the request by workflow.
DECISION_TYPES = frozenset(ReplyType) - {
    ReplyType.NO_CORRECTION,
    ReplyType.FEE_UNPAID,
    ReplyType.WITHDRAWN,
}
NEEDS_GROUND = frozenset({ReplyType.REFUSED, ReplyType.PARTLY})


def legal_basis(reply_type: ReplyType, ground: RefusalGround | None) -> str:
    """The legal ground cited in the reply letter."""
    basis = REPLIES[reply_type].basis
    if ground is not None:
        basis = f"{basis}；{REFUSALS[ground].basis}（{REFUSALS[ground].label}）"
    return basis


class ApplicantColumn(StrEnum):
    """申请人 columns of the annual report's requests table."""

    NATURAL_PERSON = "natural_person"
    COMMERCIAL = "commercial"
    RESEARCH = "research"
    PUBLIC_WELFARE = "public_welfare"
    LEGAL_SERVICE = "legal_service"
    OTHER = "other"


COLUMN_LABELS = {
    ApplicantColumn.NATURAL_PERSON: "自然人",
    ApplicantColumn.COMMERCIAL: "商业企业",
    ApplicantColumn.RESEARCH: "科研机构",
    ApplicantColumn.PUBLIC_WELFARE: "社会公益组织",
    ApplicantColumn.LEGAL_SERVICE: "法律服务机构",
    ApplicantColumn.OTHER: "其他",
}


@dataclass(frozen=True)
class ReportRow:
    key: str
    label: str


@functools.cache
def _mapping() -> dict[str, Any]:
    text = resources.files("services.requests").joinpath("report_rows.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def report_format(report_year: int) -> str:
    """The table format of a report year: 2019 (国办公开办函〔2019〕60号) or 2021."""
    data = _mapping()
    return str(data["format_from_2021"] if report_year >= data["first_2021_year"] else "2019")


def outcome_row(reply_type: ReplyType, ground: RefusalGround | None, report_year: int) -> ReportRow:
    """The row of 三、本年度办理结果 where a request with this reply is counted."""
    data = _mapping()
    fmt = report_format(report_year)
    key = f"{reply_type.value}.{ground.value}" if ground is not None else reply_type.value
    if reply_type is ReplyType.PARTLY:
        key = reply_type.value  # 区分处理的，只计部分公开
    row = data["outcomes"][fmt][key]
    return ReportRow(row, data["labels"][fmt][row])


def request_rows(
    *,
    received_on: dt.date | None,
    closed_on: dt.date | None,
    reply_type: ReplyType | None,
    ground: RefusalGround | None,
    report_year: int,
) -> list[ReportRow]:
    """Every row of the requests table (一 to 四) where one request is counted in a year."""
    data = _mapping()
    labels = data["labels"][report_format(report_year)]
    if received_on is None or received_on.year > report_year:
        return []
    if closed_on is not None and closed_on.year < report_year:
        return []
    rows = []
    if received_on.year == report_year:
        rows.append(ReportRow("1", labels["1"]))
    else:
        rows.append(ReportRow("2", labels["2"]))
    if closed_on is not None and closed_on.year == report_year and reply_type is not None:
        rows.append(outcome_row(reply_type, ground, report_year))
    else:
        rows.append(ReportRow("4", labels["4"]))
    return rows
