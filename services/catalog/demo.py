"""Demo data of the catalog: the divisions and agencies of the five sample documents and a
sample catalog for two domains (`gongkai demo`, run by `make run`; safe to run again)."""

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies import repository as agency_repository
from services.catalog.agencies import service as agencies
from services.catalog.agencies.models import Agency, AgencyKind
from services.catalog.agencies.schemas import AgencyCreate
from services.catalog.divisions import service as divisions
from services.catalog.divisions.schemas import DivisionCreate
from services.catalog.domains.seed import domain_id
from services.catalog.items.schemas import ItemContent
from services.catalog.templates import repository as template_repository
from services.catalog.templates import service as templates
from services.catalog.templates.schemas import InstanceCreate, TemplateCreate
from services.catalog.versions import repository as version_repository
from services.catalog.versions import service as versions
from services.common.auth import Principal, Role
from services.common.db import Database
from services.common.identifiers import CREDIT_CODE_CHARSET, credit_code_check_char
from services.common.settings import ServiceSettings

ADMIN = Principal(subject="demo-loader", roles=frozenset({Role.PLATFORM_ADMIN}))

# GB/T 2260 codes of the places the five sample documents come from, with their parents.
DIVISIONS = (
    ("620000", "甘肃省"), ("620700", "张掖市"),
    ("130000", "河北省"), ("130100", "石家庄市"),
    ("510000", "四川省"), ("512000", "资阳市"),
    ("370000", "山东省"), ("370300", "淄博市"), ("370304", "博山区"),
    ("140000", "山西省"), ("141100", "吕梁市"), ("141122", "交城县"),
)  # fmt: skip

# (division, place as the government's name starts, 机关代字 of its office's documents,
#  索引号 pattern of the office: 交城县's series code is the one its sample carries).
PLACES = (
    ("620700", "张掖市", "张政办", "{org_code}/{year}-{seq:05d}"),
    ("130100", "石家庄市", "石政办", "{org_code}/{year}-{seq:05d}"),
    ("512000", "资阳市", "资府办", "{org_code}/{year}-{seq:05d}"),
    ("370304", "博山区", "博政办", "{org_code}/{year}-{seq:05d}"),
    ("141122", "交城县", "交政办", "JCXZFBWJ-{year}-{seq:04d}"),
)


def demo_credit_code(name: str, division_code: str) -> str:
    """A 统一社会信用代码 that passes the GB 32100 check digit, derived from the name.

    The real codes of these agencies were not at hand, so these are generated: ``11`` (a 机关
    registered by 机构编制部门), the division code, nine characters from a hash of the name,
    and the check character. Deterministic, so reloading finds the same agencies.
    """
    digest = hashlib.sha256(name.encode()).digest()
    first17 = "11" + division_code + "".join(CREDIT_CODE_CHARSET[b % 31] for b in digest[:9])
    return first17 + credit_code_check_char(first17)


def _item(domain: str, level1: str, level2: str, elements: list[str], **extra: Any) -> ItemContent:
    values: dict[str, Any] = {
        "domain_id": domain_id(domain),
        "level1": level1,
        "level2": level2,
        # 〇 before an element marks it optional, as catalogs print it.
        "elements": [
            {"name": e.lstrip("〇"), "required": not e.startswith("〇")} for e in elements
        ],
        "basis": "《中华人民共和国政府信息公开条例》",
        "deadline": {"text": "信息形成（或变更）之日起20个工作日内"},
        "subject": "县级人民政府",
        "channels": ["website", "new_media", "service_centre"],
        "audience": "everyone",
        "mode": "proactive",
        "levels": ["county", "township"],
        **extra,
    }
    return ItemContent.model_validate(values)


LAND = "land-expropriation-compensation"
ASSISTANCE = "social-assistance"
GUIDELINES = (
    (
        LAND,
        "征地补偿领域基层政务公开标准指引（示例）",
        "自然资源部",
        [
            _item(LAND, "征收土地信息", "征收土地信息",
                  ["征地告知书及报批前程序材料", "征收土地方案", "征地补偿安置方案公告等"],
                  basis="《中华人民共和国土地管理法》《政府信息公开条例》等",
                  deadline={"text": "信息形成20个工作日内"}, subject="乡镇政府/街道"),
            _item(LAND, "征地补偿安置", "补偿费用发放情况",
                  ["补偿安置对象", "补偿标准", "〇发放时间"],
                  audience="specific_group", audience_note="被征地农村集体经济组织及其成员",
                  channels=["website", "notice_board"]),
        ],
    ),
    (
        ASSISTANCE,
        "社会救助领域基层政务公开标准指引（示例）",
        "民政部",
        [
            _item(ASSISTANCE, "最低生活保障", "办事指南",
                  ["申请条件", "办理流程", "所需材料", "办理时限"],
                  basis="《社会救助暂行办法》", deadline={"text": "及时公开"}),
            _item(ASSISTANCE, "最低生活保障", "审核确认结果",
                  ["对象姓名", "保障人数", "保障金额"],
                  basis="《社会救助暂行办法》", deadline={"text": "公告期限5个工作日"},
                  channels=["service_station", "notice_board"]),
            _item(ASSISTANCE, "临时救助", "申请受理",
                  ["受理条件", "〇联系方式"], mode="on_request", deadline={"text": "及时公开"}),
        ],
    ),
)  # fmt: skip


async def _agency(session: AsyncSession, data: AgencyCreate) -> tuple[Agency, bool]:
    found = await agency_repository.by_credit_code(session, data.credit_code)
    if found is not None:
        return found, False
    return await agencies.create(session, caller=ADMIN, data=data), True


async def load_into(session: AsyncSession) -> str:
    divisions_created, _ = await divisions.load(
        session, rows=[DivisionCreate(code=c, name=n) for c, n in DIVISIONS]
    )
    created = 0
    offices: dict[str, Agency] = {}
    for division_code, place, prefix, pattern in PLACES:
        government, new = await _agency(session, AgencyCreate(
            name=f"{place}人民政府", short_name=f"{place}政府",
            credit_code=demo_credit_code(f"{place}人民政府", division_code),
            division_code=division_code, kind=AgencyKind.GOVERNMENT,
        ))  # fmt: skip
        created += new
        office, new = await _agency(session, AgencyCreate(
            name=f"{place}人民政府办公室", short_name=f"{place}政府办", aliases=[prefix],
            credit_code=demo_credit_code(f"{place}人民政府办公室", division_code),
            division_code=division_code, kind=AgencyKind.GOVERNMENT_OFFICE,
            parent_id=government.id, index_number_pattern=pattern,
        ))  # fmt: skip
        created += new
        offices[place] = office
    published = await _sample_catalog(session, offices["交城县"])
    return (
        f"{divisions_created} 个区划、{created} 个机关已新增；"
        f"交城县人民政府办公室的示例目录（征地补偿、社会救助）{published}"
    )


async def _sample_catalog(session: AsyncSession, office: Agency) -> str:
    existing = {t.name: t for t in await template_repository.listing(session, None)}
    for _, name, issuer, items in GUIDELINES:
        template = existing.get(name)
        if template is None:
            template = await templates.create(
                session,
                data=TemplateCreate(
                    domain_id=items[0].domain_id, name=name, issuer=issuer, items=items
                ),
            )
        if await template_repository.instance_of(session, template.id, office.id) is None:
            await templates.instantiate(
                session,
                caller=ADMIN,
                agency_id=office.id,
                data=InstanceCreate(template_id=template.id, subject="交城县人民政府办公室"),
            )
    if await version_repository.current(session, office.id) is not None:
        return "已存在"
    version = await versions.publish(
        session, caller=ADMIN, agency_id=office.id, note="示例目录：依据两个领域的标准指引生成"
    )
    return f"已发布第 {version.number} 版（{version.item_count} 项）"


async def load(settings: Mapping[str, ServiceSettings]) -> str:
    database = Database(settings["catalog"].database_url)
    try:
        async with database.write_sessions() as session:
            summary = await load_into(session)
            await session.commit()
    finally:
        await database.dispose()
    return summary
