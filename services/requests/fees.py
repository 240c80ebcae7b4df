"""信息处理费 — the processing fee of 国办函〔2020〕109号 (《政府信息公开信息处理费管理办法》).

Free by default (条例 Art. 42). Beyond a reasonable amount an agency may charge on **one**
basis per request (第三条), both progressive (超额累进):

- 按件 per request (第四条), counted per applicant per calendar month: the 1st–10th 件 are
  free, the 11th–30th cost 100 元 each, and from the 31st on every further band of 10 adds
  100 元 per 件 (31–40: 200, 41–50: 300 …). One application may count as several 件 when the
  agency splits it by “一事一申请”.
- 按量 per volume (第五条), per request: pages 1–30 free, 31–100 10 元/page, 101–200
  20 元/page, from 201 40 元/page. It applies only when the information is provided as
  paper, e-mail or a copy of electronic data, not when the applicant views it on site.

Waivers (减免) are the agency's recorded decision with a reason; which reasons 109号 itself
names was not confirmed from its text (**unverified**), so the reasons are an open list.

Everything here is pure: the caller says which 件 of the month this request is (see
``month_positions``) and how many pages it provides; the result says how much and why.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

FEE_AUTHORITY = "国办函〔2020〕109号《政府信息公开信息处理费管理办法》"

PER_REQUEST_FREE = 10  # 第四条（一）: up to 10 件 a month are free
PER_REQUEST_FIRST_BAND_END = 30  # 第四条（二）: 11–30 at the first rate
PER_REQUEST_BASE_RATE = 100  # 元 per 件 in 11–30; each band of 10 after 30 adds this much
PER_REQUEST_BAND_SIZE = 10  # 第四条（三）: 以10件为一档

MAX_ITEMS = 1_000  # 件 one application can be split into
MAX_PRIOR_ITEMS = 100_000  # 件 an applicant filed earlier the same month
MAX_PAGES = 10_000_000


class FeeBasis(StrEnum):
    """收费标准: the one basis a fee is charged on (第三条)."""

    PER_REQUEST = "per_request"
    PER_VOLUME = "per_volume"


FEE_BASIS_LABELS = {
    FeeBasis.PER_REQUEST: "按件计收",
    FeeBasis.PER_VOLUME: "按量计收",
}


class FeeDelivery(StrEnum):
    """How the information reaches the applicant; decides whether 按量 can apply (第五条)."""

    PAPER = "paper"
    EMAIL = "email"
    ELECTRONIC_DATA = "electronic_data"
    ON_SITE_VIEWING = "on_site_viewing"


FEE_DELIVERY_LABELS = {
    FeeDelivery.PAPER: "提供纸质件",
    FeeDelivery.EMAIL: "发送电子邮件",
    FeeDelivery.ELECTRONIC_DATA: "复制电子数据",
    FeeDelivery.ON_SITE_VIEWING: "当场查阅",
}

VOLUME_DELIVERIES = frozenset({FeeDelivery.PAPER, FeeDelivery.EMAIL, FeeDelivery.ELECTRONIC_DATA})


class FeeExemption(StrEnum):
    """Why an agency waives a fee it could charge (减免; recorded with a note)."""

    FINANCIAL_HARDSHIP = "financial_hardship"
    PUBLIC_INTEREST = "public_interest"
    AGENCY_DECISION = "agency_decision"


FEE_EXEMPTION_LABELS = {
    FeeExemption.FINANCIAL_HARDSHIP: "申请人确有经济困难，经审核同意免收",
    FeeExemption.PUBLIC_INTEREST: "申请涉及公共利益，经审核同意免收",
    FeeExemption.AGENCY_DECISION: "行政机关决定不收取信息处理费",
}


@dataclass(frozen=True)
class Band:
    """One band of a progressive scale: units ``first``..``last`` (None: no end) at ``rate``."""

    first: int
    last: int | None
    rate_yuan: int

    def label(self, unit: str) -> str:
        if self.last is None:
            return f"第{self.first}{unit}及以上"
        return f"第{self.first}—{self.last}{unit}"


PER_VOLUME_BANDS = (
    Band(1, 30, 0),
    Band(31, 100, 10),
    Band(101, 200, 20),
    Band(201, None, 40),
)


def per_request_band(position: int) -> Band:
    """The 按件 band holding the ``position``-th 件 of an applicant's month (1-based)."""
    if position < 1:
        raise ValueError("件次从 1 开始计算")
    if position <= PER_REQUEST_FREE:
        return Band(1, PER_REQUEST_FREE, 0)
    if position <= PER_REQUEST_FIRST_BAND_END:
        return Band(PER_REQUEST_FREE + 1, PER_REQUEST_FIRST_BAND_END, PER_REQUEST_BASE_RATE)
    step = (position - PER_REQUEST_FIRST_BAND_END - 1) // PER_REQUEST_BAND_SIZE
    first = PER_REQUEST_FIRST_BAND_END + 1 + step * PER_REQUEST_BAND_SIZE
    return Band(first, first + PER_REQUEST_BAND_SIZE - 1, PER_REQUEST_BASE_RATE * (step + 2))


def per_request_month_total(count: int) -> int:
    """Total 按件 fee (元) of ``count`` 件 filed by one applicant in one calendar month."""
    if count < 0:
        raise ValueError("件数不能为负数")
    if count <= PER_REQUEST_FREE:
        return 0
    first_band = min(count, PER_REQUEST_FIRST_BAND_END) - PER_REQUEST_FREE
    total = first_band * PER_REQUEST_BASE_RATE
    beyond = max(0, count - PER_REQUEST_FIRST_BAND_END)
    full, rest = divmod(beyond, PER_REQUEST_BAND_SIZE)
    # band k (k = 1..full) charges (k + 1) × 100 元 on each of its 10 件
    band_cost = PER_REQUEST_BAND_SIZE * PER_REQUEST_BASE_RATE
    total += band_cost * (full * (full + 1) // 2 + full)
    total += rest * PER_REQUEST_BASE_RATE * (full + 2)
    return total


def per_volume_total(pages: int) -> int:
    """按量 fee (元) of one request providing ``pages`` pages."""
    if pages < 0:
        raise ValueError("页数不能为负数")
    return sum(
        (high - low + 1) * band.rate_yuan for band, low, high in _split(PER_VOLUME_BANDS, pages)
    )


class FeeInput(BaseModel):
    """What decides one request's fee. ``prior_items_this_month`` comes from ``month_positions``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: FeeBasis = Field(description="收费标准：按件计收或按量计收，每件申请只能择一")
    received_on: dt.date = Field(description="收到申请的日期，决定按件计收所属的自然月")
    prior_items_this_month: int = Field(
        0, ge=0, le=MAX_PRIOR_ITEMS, description="同一申请人本自然月内此前已申请的件数"
    )
    items: int = Field(1, ge=1, le=MAX_ITEMS, description="本申请按“一事一申请”拆分后的件数")
    pages: int = Field(0, ge=0, le=MAX_PAGES, description="按量计收时提供的页数")
    delivery: FeeDelivery = Field(FeeDelivery.PAPER, description="政府信息的提供方式")
    exemption: FeeExemption | None = Field(None, description="减免理由；为空表示不减免")
    exemption_note: str = Field("", max_length=500, description="减免的具体说明")

    @model_validator(mode="after")
    def _note_with_exemption(self) -> "FeeInput":
        if self.exemption_note and self.exemption is None:
            raise ValueError("填写了减免说明，但未选择减免理由")
        return self


class FeeLine(BaseModel):
    """One band's share of a fee: units × rate = subtotal."""

    model_config = ConfigDict(frozen=True)

    band: str
    units: int
    rate_yuan: int
    subtotal_yuan: int


class FeeAssessment(BaseModel):
    """The fee of one request, with every step a person needs to check it."""

    model_config = ConfigDict(frozen=True)

    basis: FeeBasis
    basis_label: str
    amount_yuan: int = Field(description="应缴金额（元）")
    computed_yuan: int = Field(description="减免前按标准计算的金额（元）")
    exempt: bool
    lines: list[FeeLine]
    explanation: list[str]

    @property
    def payable(self) -> bool:
        return self.amount_yuan > 0


def assess_fee(fee_input: FeeInput) -> FeeAssessment:
    """Compute one request's 信息处理费 on the chosen basis, explained step by step."""
    if fee_input.basis is FeeBasis.PER_REQUEST:
        lines, explanation = _per_request(fee_input)
    else:
        lines, explanation = _per_volume(fee_input)
    computed = sum(line.subtotal_yuan for line in lines)
    exempt = fee_input.exemption is not None and computed > 0
    if exempt:
        assert fee_input.exemption is not None
        note = f"：{fee_input.exemption_note}" if fee_input.exemption_note else ""
        explanation.append(
            f"按标准应收 {computed} 元；{FEE_EXEMPTION_LABELS[fee_input.exemption]}{note}。"
        )
    amount = 0 if exempt else computed
    explanation.append(f"应缴信息处理费合计 {amount} 元。" if amount else "不收取信息处理费。")
    return FeeAssessment(
        basis=fee_input.basis,
        basis_label=FEE_BASIS_LABELS[fee_input.basis],
        amount_yuan=amount,
        computed_yuan=computed,
        exempt=exempt,
        lines=lines,
        explanation=explanation,
    )


def _per_request(fee_input: FeeInput) -> tuple[list[FeeLine], list[str]]:
    month = f"{fee_input.received_on.year}年{fee_input.received_on.month}月"
    first = fee_input.prior_items_this_month + 1
    last = fee_input.prior_items_this_month + fee_input.items
    span = f"第{first}件" if first == last else f"第{first}—{last}件"
    explanation = [
        f"依据{FEE_AUTHORITY}第四条按件计收，同一申请人一个自然月内累计计算。",
        f"申请人{month}此前已申请 {fee_input.prior_items_this_month} 件，本申请计 "
        f"{fee_input.items} 件，为当月{span}。",
    ]
    lines = []
    position = first
    while position <= last:
        band = per_request_band(position)
        end = last if band.last is None else min(last, band.last)
        units = end - position + 1
        lines.append(_line(Band(position, end, band.rate_yuan), "件", units))
        explanation.append(_line_text(band, "件", lines[-1]))
        position = end + 1
    return lines, explanation


def _per_volume(fee_input: FeeInput) -> tuple[list[FeeLine], list[str]]:
    explanation = [f"依据{FEE_AUTHORITY}第五条按量计收，按本申请提供的页数累进计算。"]
    if fee_input.delivery not in VOLUME_DELIVERIES:
        explanation.append(
            f"提供方式为{FEE_DELIVERY_LABELS[fee_input.delivery]}，"
            "按量计收仅适用于提供纸质件、发送电子邮件、复制电子数据等方式，不计费。"
        )
        return [], explanation
    explanation.append(f"本申请提供 {fee_input.pages} 页。")
    lines = []
    for band, low, high in _split(PER_VOLUME_BANDS, fee_input.pages):
        lines.append(_line(Band(low, high, band.rate_yuan), "页", high - low + 1))
        explanation.append(_line_text(band, "页", lines[-1]))
    return lines, explanation


def _split(bands: Iterable[Band], upto: int) -> list[tuple[Band, int, int]]:
    """The bands units 1..``upto`` fall in, each with the first and last unit inside it."""
    shares = []
    for band in bands:
        high = upto if band.last is None else min(upto, band.last)
        if high >= band.first:
            shares.append((band, band.first, high))
    return shares


def _line(band: Band, unit: str, units: int) -> FeeLine:
    return FeeLine(
        band=band.label(unit),
        units=units,
        rate_yuan=band.rate_yuan,
        subtotal_yuan=units * band.rate_yuan,
    )


def _line_text(band: Band, unit: str, line: FeeLine) -> str:
    scale = band.label(unit)
    if band.rate_yuan == 0:
        return f"{line.band}（{scale}档）免费，{line.units} {unit}。"
    return (
        f"{line.band}（{scale}档）{band.rate_yuan} 元/{unit} × {line.units} {unit}"
        f" = {line.subtotal_yuan} 元。"
    )


@dataclass(frozen=True)
class MonthlyRequest:
    """One application counted towards its applicant's monthly 件 (按件计收)."""

    key: str  # the request's own id or tracking number
    applicant_key: str  # the same for every request of one applicant
    received_on: dt.date
    items: int = 1


def month_positions(requests: Sequence[MonthlyRequest]) -> dict[str, int]:
    """For each request, how many 件 its applicant had filed earlier in the same month.

    Requests are counted in order of receipt; requests received on the same day keep the
    order they are given in (pass them sorted by tracking number for a stable answer).
    """
    order = sorted(range(len(requests)), key=lambda i: (requests[i].received_on, i))
    filed: dict[tuple[str, int, int], int] = {}
    positions: dict[str, int] = {}
    for index in order:
        request = requests[index]
        if request.items < 1:
            raise ValueError("每件申请至少计 1 件")
        month = (request.applicant_key, request.received_on.year, request.received_on.month)
        positions[request.key] = filed.get(month, 0)
        filed[month] = positions[request.key] + request.items
    return positions
