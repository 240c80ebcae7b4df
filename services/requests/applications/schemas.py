"""Bodies of the requests API: intake, the handling actions, the staff view and tracking."""

import datetime as dt
import re
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.common.identifiers import validate_credit_code, validate_id_card
from services.requests.applications.models import (
    ApplicantKind,
    DeliveryForm,
    DeliveryWay,
    IdType,
    OrganisationType,
)
from services.requests.fees import FeeBasis, FeeDelivery
from services.requests.receipt import Channel
from services.requests.replies import RefusalGround, ReplyType
from services.requests.workflow import Action, RequestState

MIN_YEAR = 2000
PHONE = re.compile(r"^[0-9+\-() ]{5,30}$")
Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


def _sensible_date(value: dt.date) -> dt.date:
    if value.year < MIN_YEAR:
        raise ValueError(f"日期应在 {MIN_YEAR} 年之后")
    return value


LegalDate = Annotated[dt.date, AfterValidator(_sensible_date)]


def _phone(value: str) -> str:
    if not PHONE.match(value):
        raise ValueError("联系电话只能包含数字、空格、+、- 和括号，5–30 位")
    return value.strip()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApplicantIn(Strict):
    """申请人信息 (条例 Art. 29)."""

    kind: ApplicantKind
    name: Text200 = Field(description="姓名或者名称")
    id_type: IdType | None = Field(None, description="身份证件类型（公民必填）")
    id_number: str | None = Field(None, max_length=40, description="身份证件号码（公民必填）")
    organisation_type: OrganisationType | None = Field(
        None, description="组织类别（法人或其他组织必填）"
    )
    credit_code: str | None = Field(
        None, max_length=40, description="统一社会信用代码（法人或其他组织必填）"
    )
    legal_representative: str | None = Field(None, max_length=100, description="法定代表人")
    contact_person: str | None = Field(None, max_length=100, description="联系人")
    phone: Annotated[str, AfterValidator(_phone)] | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    address: str | None = Field(None, max_length=300, description="通信地址")
    postcode: str | None = Field(None, pattern=r"^\d{6}$", description="邮政编码")

    @model_validator(mode="after")
    def _by_kind(self) -> "ApplicantIn":
        if self.kind is ApplicantKind.NATURAL_PERSON:
            if self.id_type is None or not self.id_number:
                raise ValueError("公民申请须填写身份证件类型和号码")
            if self.id_type is IdType.RESIDENT_ID:
                self.id_number = validate_id_card(self.id_number)
            else:
                self.id_number = "".join(self.id_number.split()).upper()
            if self.credit_code or self.organisation_type:
                raise ValueError("公民申请不填写统一社会信用代码和组织类别")
        else:
            if not self.credit_code or self.organisation_type is None:
                raise ValueError("法人或其他组织申请须填写统一社会信用代码和组织类别")
            self.credit_code = validate_credit_code(self.credit_code)
            if self.id_type or self.id_number:
                raise ValueError("法人或其他组织申请不填写个人身份证件，请填写联系人")
        if not (self.phone or self.email or self.address):
            raise ValueError("请至少填写一种联系方式（电话、电子邮箱或通信地址）")
        return self


class AttachmentIn(Strict):
    """身份证明材料（PDF、JPEG 或 PNG）."""

    filename: Text200
    content_base64: str = Field(min_length=4, max_length=700_000, description="文件内容，base64")


class RequestCreate(Strict):
    """一件政府信息公开申请."""

    agency_id: uuid.UUID = Field(description="受理申请的行政机关")
    applicant: ApplicantIn
    title: str | None = Field(None, max_length=200, description="所需信息的名称")
    description: str = Field(
        min_length=1, max_length=5000, description="所需信息的描述（名称、文号或其他特征）"
    )
    document_number: str | None = Field(None, max_length=100, description="文号（如知道）")
    delivery_form: DeliveryForm
    delivery_way: DeliveryWay
    channel: Channel = Channel.ONLINE
    filled_by_staff: bool = Field(False, description="口头申请由工作人员代为填写（仅工作人员）")
    arrived_on: LegalDate | None = Field(None, description="到达日期（仅工作人员登记时填写）")
    confirmed_on: LegalDate | None = Field(
        None, description="与申请人确认的日期（平常信函、网上、传真；仅工作人员）"
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=3)


class RequestReceipt(BaseModel):
    """登记回执：查询号和查询码（查询码只显示这一次，请妥善保存）."""

    id: uuid.UUID
    tracking_number: str
    query_code: str
    state: RequestState
    state_label: str
    received_on: dt.date | None
    due_on: dt.date | None
    message: str


class DocumentRef(Strict):
    title: Text200
    url: str | None = Field(None, max_length=500)
    document_id: uuid.UUID | None = None


class ActionBase(Strict):
    on: LegalDate | None = Field(None, description="发生日期（默认今天，可补录过去的日期）")
    reason: str | None = Field(None, max_length=2000)
    documents: list[DocumentRef] = Field(default_factory=list, max_length=20)


class ConfirmReceipt(ActionBase):
    action: Literal[Action.CONFIRM_RECEIPT]


class Accept(ActionBase):
    action: Literal[Action.ACCEPT]


class Assign(ActionBase):
    action: Literal[Action.ASSIGN]
    assignee: Text200


class RequestClarification(ActionBase):
    action: Literal[Action.REQUEST_CLARIFICATION]
    items: list[Text200] = Field(min_length=1, max_length=20, description="需要补正的事项")
    correct_within_days: int = Field(15, ge=1, le=60, description="补正期限（工作日）")


class ReceiveClarification(ActionBase):
    action: Literal[Action.RECEIVE_CLARIFICATION]
    description: str | None = Field(None, max_length=5000, description="补正后的信息描述")


class StartConsultation(ActionBase):
    action: Literal[Action.START_CONSULTATION]
    kind: Literal["third_party", "joint_agency"]
    party: Text200 = Field(description="被征求意见的第三方或机关")


class EndConsultation(ActionBase):
    action: Literal[Action.END_CONSULTATION]
    consultation_id: str = Field(min_length=1, max_length=40)
    opinion: Literal["agree", "disagree", "no_reply"]


class NotifyFee(ActionBase):
    """收费通知：金额按国办函〔2020〕109号计算（按件计收或按量计收，择一）."""

    action: Literal[Action.NOTIFY_FEE]
    basis: FeeBasis
    items: int = Field(1, ge=1, le=1000, description="按件计收：本申请拆分后的件数")
    pages: int = Field(0, ge=0, le=10_000_000, description="按量计收：提供的页数")
    delivery: FeeDelivery = FeeDelivery.PAPER
    payment_method: str | None = Field(None, max_length=500, description="缴费方式")


class RecordPayment(ActionBase):
    action: Literal[Action.RECORD_PAYMENT]


class Extend(ActionBase):
    action: Literal[Action.EXTEND]
    days: int = Field(ge=1, le=20, description="延长的工作日数（最多 20）")
    approver: Text200 = Field(description="批准延期的政府信息公开工作机构负责人")
    reason: Reason


class AskReasons(ActionBase):
    action: Literal[Action.ASK_REASONS]
    reason: Reason


class SetLaterDate(ActionBase):
    action: Literal[Action.SET_LATER_DATE]
    due_on: LegalDate
    reason: Reason


class Propose(ActionBase):
    action: Literal[Action.PROPOSE]
    opinion: str = Field(min_length=1, max_length=5000, description="办理意见")


class Decide(ActionBase):
    action: Literal[Action.DECIDE]
    reply_type: ReplyType
    refusal_ground: RefusalGround | None = None
    reply_text: str = Field(min_length=1, max_length=20_000, description="答复正文")
    disclosed_files: list[DocumentRef] = Field(default_factory=list, max_length=50)
    responsible_agency_id: uuid.UUID | None = None
    responsible_agency_name: str | None = Field(None, max_length=200)
    responsible_agency_contact: str | None = Field(None, max_length=500)


class SubmitForApproval(ActionBase):
    action: Literal[Action.SUBMIT_FOR_APPROVAL]


class ReturnForRevision(ActionBase):
    action: Literal[Action.RETURN_FOR_REVISION]
    reason: Reason


class Deliver(ActionBase):
    action: Literal[Action.DELIVER]
    approver: Text200 = Field(description="报批的批准人")
    delivery_way: DeliveryWay | None = None


class Archive(ActionBase):
    action: Literal[Action.ARCHIVE]


class Withdraw(ActionBase):
    action: Literal[Action.WITHDRAW]


class Abandon(ActionBase):
    action: Literal[Action.ABANDON]
    reason: Reason


Transition = Annotated[
    ConfirmReceipt
    | Accept
    | Assign
    | RequestClarification
    | ReceiveClarification
    | StartConsultation
    | EndConsultation
    | NotifyFee
    | RecordPayment
    | Extend
    | AskReasons
    | SetLaterDate
    | Propose
    | Decide
    | SubmitForApproval
    | ReturnForRevision
    | Deliver
    | Archive
    | Withdraw
    | Abandon,
    Field(discriminator="action"),
]


class StepRead(BaseModel):
    on: dt.date
    text: str


class ClockRead(BaseModel):
    """答复期限及其计算过程."""

    received_on: dt.date | None
    due_on: dt.date | None
    statutory_on: dt.date | None = Field(description="不计暂停和延期的法定期限")
    days_left: int | None = Field(description="剩余工作日（负数为已超期）")
    provisional: bool = Field(description="期限依赖尚未载入国务院放假通知的年份，为暂定")
    provisional_years: list[int]
    stopped: str | None = Field(description="期限停止计算的原因")
    explanation: list[StepRead]


class ApplicantMasked(BaseModel):
    kind: ApplicantKind
    kind_label: str
    organisation_type: OrganisationType | None
    name: str
    id_type: IdType | None
    id_number: str | None
    credit_code: str | None
    phone: str | None
    email: str | None
    address: str | None


class ApplicantRevealed(BaseModel):
    kind: ApplicantKind
    name: str
    id_type: IdType | None
    id_number: str | None
    credit_code: str | None
    legal_representative: str | None
    contact_person: str | None
    phone: str | None
    email: str | None
    address: str | None
    postcode: str | None


class RevealBody(Strict):
    reason: Reason = Field(description="查看个人信息的事由（记入审计日志）")


class EventRead(BaseModel):
    sequence: int
    action: str
    action_label: str
    from_state: str | None
    to_state: str
    actor: str
    at: dt.datetime
    effective_on: dt.date | None
    reason: str | None
    documents: list[dict[str, object]]
    data: dict[str, object]


class ReplyRead(BaseModel):
    reply_type: ReplyType
    label: str
    refusal_ground: RefusalGround | None
    legal_basis: str
    text: str | None
    disclosed_files: list[dict[str, object]]
    responsible_agency_name: str | None
    responsible_agency_contact: str | None


class ReportRowRead(BaseModel):
    key: str
    label: str


class AttachmentInfo(BaseModel):
    id: uuid.UUID
    kind: str
    media_type: str
    size: int


class RequestRead(BaseModel):
    """工作人员看到的申请（个人信息已脱敏）."""

    id: uuid.UUID
    tracking_number: str
    agency_id: uuid.UUID
    state: RequestState
    state_label: str
    version: int
    applicant: ApplicantMasked
    title: str | None
    description: str
    document_number: str | None
    delivery_form: DeliveryForm
    delivery_way: DeliveryWay
    channel: Channel
    channel_label: str
    receipt_rule: str
    filled_by_staff: bool
    arrived_on: dt.date
    confirmed_on: dt.date | None
    assignee: str | None
    clock: ClockRead
    reply: ReplyRead | None
    fee_amount: int | None
    closed_on: dt.date | None
    annual_report_column: str
    annual_report_rows: list[ReportRowRead] = Field(
        description="本件在其办结（或收到）年度的年度报告“收到和处理政府信息公开申请情况”表中的行"
    )
    allowed_actions: list[Action]
    attachments: list[AttachmentInfo]
    events: list[EventRead]


class QueueItem(BaseModel):
    id: uuid.UUID
    tracking_number: str
    agency_id: uuid.UUID
    state: RequestState
    state_label: str
    applicant_name: str
    title: str | None
    received_on: dt.date | None
    due_on: dt.date | None
    due_provisional: bool
    clock_stopped: str | None
    assignee: str | None


class QueueList(BaseModel):
    items: list[QueueItem]
    next_cursor: str | None = None
    next: str | None = None


class NoticeRead(BaseModel):
    on: dt.date | None
    label: str
    text: str | None


class TrackRead(BaseModel):
    """凭查询号和查询码看到的办理情况（个人信息已脱敏）."""

    tracking_number: str
    applicant_name: str
    state: RequestState
    state_label: str
    received_on: dt.date | None
    due_on: dt.date | None
    days_left: int | None
    due_provisional: bool
    clock_stopped: str | None
    notices: list[NoticeRead]
    reply: ReplyRead | None
    delivered_on: dt.date | None


class AuditRead(BaseModel):
    at: dt.datetime
    actor: str
    action: str
    request_id: uuid.UUID | None
    agency_id: uuid.UUID | None
    reason: str | None
    detail: str | None


class ApplicantWithdrawal(Strict):
    """申请人凭查询号和查询码撤回申请."""

    number: str = Field(min_length=1, max_length=40, description="查询号")
    code: str = Field(min_length=1, max_length=40, description="查询码")
    reason: Reason = Field(description="撤回的理由")
