"""Agencies: credit codes, names and aliases, deadlines, and who may change them."""

import uuid

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies import service
from services.catalog.agencies.models import AgencyKind
from services.catalog.agencies.names import query_variants
from services.catalog.agencies.schemas import AgencyCreate, AgencyUpdate
from services.catalog.divisions import service as divisions
from services.catalog.divisions.schemas import DivisionUpdate
from services.common.auth import Principal, Role
from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.common.pagination import PageParams
from tests.support.catalog import agency_create, credit_code

ADMIN = Principal(subject="admin", roles=frozenset({Role.PLATFORM_ADMIN}))


def agency_admin(*agency_ids: object) -> Principal:
    return Principal(
        subject="staff",
        roles=frozenset({Role.AGENCY_ADMIN}),
        agency_ids=frozenset(str(a) for a in agency_ids),
    )


async def search(session: AsyncSession, q: str) -> list[str]:
    rows, _ = await service.list_page(
        session,
        q=q,
        division_code=None,
        within=None,
        kind=None,
        parent_id=None,
        page=PageParams(limit=50, cursor=None),
    )
    return [a.name for a in rows]


def test_query_variants_expand_and_abbreviate() -> None:
    assert "市人民政府办公室" in query_variants("市府办")
    assert "市府办" in query_variants("市人民政府办公室")
    assert "张掖市人民政府办公室" in query_variants("张掖市政府办")
    assert query_variants(" ＡＢＣ ") == ["abc"]


async def test_names_short_names_and_aliases_are_searchable(session: AsyncSession) -> None:
    office = await service.create(
        session,
        caller=ADMIN,
        data=agency_create("张掖市人民政府办公室", short_name="市政府办", aliases=["市府办"]),
    )
    await service.create(
        session,
        caller=ADMIN,
        data=agency_create("张掖市财政局", kind=AgencyKind.DEPARTMENT, parent_id=None),
    )
    assert await search(session, "市府办") == ["张掖市人民政府办公室"]
    assert await search(session, "市人民政府办公室") == ["张掖市人民政府办公室"]
    assert await search(session, "张掖市政府办") == ["张掖市人民政府办公室"]
    assert await search(session, "张掖") == ["张掖市人民政府办公室", "张掖市财政局"]
    assert await search(session, "财政") == ["张掖市财政局"]
    assert await search(session, "教育") == []
    # A match never spans two names ("…市政府办" then "市府办…").
    assert await search(session, "办市") == []
    assert await search(session, "办|市") == []
    await service.update(
        session, caller=ADMIN, agency_id=office.id, data=AgencyUpdate(aliases=["张掖府办"])
    )
    assert await search(session, "市府办") == ["张掖市人民政府办公室"]  # expanded to the name
    assert await search(session, "张掖府办") == ["张掖市人民政府办公室"]


async def test_lookup_by_credit_code(session: AsyncSession) -> None:
    created = await service.create(session, caller=ADMIN, data=agency_create())
    found = await service.by_credit_code(session, created.credit_code.lower())
    assert found.id == created.id
    with pytest.raises(NotFound, match="未找到统一社会信用代码"):
        await service.by_credit_code(session, credit_code("别的机关"))
    broken = created.credit_code[:17] + ("0" if created.credit_code[17] != "0" else "1")
    with pytest.raises(Unprocessable, match="校验位不正确"):
        await service.by_credit_code(session, broken)
    with pytest.raises(NotFound):
        await service.get(session, uuid.uuid4())


async def test_a_credit_code_is_registered_once(session: AsyncSession) -> None:
    first = agency_create("张掖市人民政府办公室")
    await service.create(session, caller=ADMIN, data=first)
    twin = first.model_copy(update={"name": "另一个名字"})
    with pytest.raises(Conflict, match="已登记"):
        await service.create(session, caller=ADMIN, data=twin)


def test_a_wrong_check_digit_is_rejected_by_the_schema() -> None:
    code = credit_code("x")
    with pytest.raises(ValueError, match="校验位不正确"):
        agency_create(credit_code=code[:17] + ("0" if code[17] != "0" else "1"))
    with pytest.raises(ValueError, match="未知占位符"):
        agency_create(index_number_pattern="{dept}-{seq}")
    with pytest.raises(ValueError, match="序号占位符"):
        agency_create(index_number_pattern="{year}")
    assert agency_create(index_number_pattern="JCXZFBWJ-{year}-{seq:04d}")


async def test_deadline_comes_from_agency_then_division_then_default(
    session: AsyncSession,
) -> None:
    agency = await service.create(
        session, caller=ADMIN, data=agency_create("甘州区人民政府", division_code="620702")
    )
    assert (await service.to_read(session, agency)).publication_deadline_days == 20
    await divisions.update(
        session, code="620700", data=DivisionUpdate(publication_deadline_days=15)
    )
    assert (await service.to_read(session, agency)).publication_deadline_days == 15
    await service.update(
        session,
        caller=agency_admin(agency.id),
        agency_id=agency.id,
        data=AgencyUpdate(publication_deadline_days=10),
    )
    assert (await service.to_read(session, agency)).publication_deadline_days == 10


async def test_a_list_inherits_each_deadline_from_the_nearest_division_that_sets_one(
    session: AsyncSession,
) -> None:
    """One query serves a whole list: three levels up, a nearer setting, an own setting."""
    street, district, own, city = [
        await service.create(
            session,
            caller=ADMIN,
            data=agency_create(name, division_code=code, publication_deadline_days=days),
        )
        for name, code, days in (
            ("东街街道办事处", "620702001", None),
            ("甘州区人民政府", "620702", None),
            ("甘州区财政局", "620702", 12),
            ("张掖市人民政府", "620700", None),
        )
    ]
    agencies = [street, district, own, city]

    async def deadlines() -> list[int]:
        return [r.publication_deadline_days for r in await service.to_reads(session, agencies)]

    assert await deadlines() == [20, 20, 12, 20]
    await divisions.update(
        session, code="620000", data=DivisionUpdate(publication_deadline_days=18)
    )
    assert await deadlines() == [18, 18, 12, 18]
    await divisions.update(
        session, code="620702", data=DivisionUpdate(publication_deadline_days=15)
    )
    assert await deadlines() == [15, 15, 12, 18]
    assert [(await service.to_read(session, a)).publication_deadline_days for a in agencies] == [
        15,
        15,
        12,
        18,
    ]


async def test_staff_change_only_their_own_agency(session: AsyncSession) -> None:
    office = await service.create(session, caller=ADMIN, data=agency_create())
    other = await service.create(
        session, caller=ADMIN, data=agency_create("张掖市教育局", kind=AgencyKind.DEPARTMENT)
    )
    with pytest.raises(Forbidden):
        await service.update(
            session,
            caller=agency_admin(other.id),
            agency_id=office.id,
            data=AgencyUpdate(short_name="偷改"),
        )
    updated = await service.update(
        session,
        caller=agency_admin(office.id),
        agency_id=office.id,
        data=AgencyUpdate(contact={"phone": "0936-8212345", "hours": "工作日 8:30-12:00"}),
    )
    read = await service.to_read(session, updated)
    assert read.contact.phone == "0936-8212345"
    assert read.short_name is None
    with pytest.raises(Forbidden, match="平台管理员"):
        await service.update(
            session,
            caller=agency_admin(office.id),
            agency_id=office.id,
            data=AgencyUpdate(parent_id=other.id),
        )


async def test_agency_admins_register_agencies_under_their_own(session: AsyncSession) -> None:
    government = await service.create(
        session,
        caller=ADMIN,
        data=agency_create("甘州区人民政府", division_code="620702", kind=AgencyKind.GOVERNMENT),
    )
    township = agency_create(
        "东街街道办事处",
        division_code="620702001",
        kind=AgencyKind.SUBDISTRICT,
        parent_id=government.id,
    )
    with pytest.raises(Forbidden):
        await service.create(session, caller=agency_admin(uuid.uuid4()), data=township)
    created = await service.create(session, caller=agency_admin(government.id), data=township)
    assert created.parent_id == government.id
    orphan = agency_create("某机关", parent_id=uuid.uuid4())
    with pytest.raises(Unprocessable, match="上级机关"):
        await service.create(session, caller=ADMIN, data=orphan)
    with pytest.raises(Unprocessable, match="行政区划 990000 不存在"):
        await service.create(session, caller=ADMIN, data=agency_create(division_code="990000"))


async def test_an_agency_cannot_become_its_own_ancestor(session: AsyncSession) -> None:
    parent = await service.create(session, caller=ADMIN, data=agency_create("甲"))
    child = await service.create(
        session, caller=ADMIN, data=agency_create("乙", parent_id=parent.id)
    )
    with pytest.raises(Unprocessable, match="不能是本机关或其下级"):
        await service.update(
            session, caller=ADMIN, agency_id=parent.id, data=AgencyUpdate(parent_id=child.id)
        )
    with pytest.raises(Unprocessable, match="不能为空"):
        await service.update(
            session, caller=ADMIN, agency_id=parent.id, data=AgencyUpdate(name=None)
        )


def test_create_schema_forbids_unknown_fields() -> None:
    with pytest.raises(ValueError, match="extra"):
        AgencyCreate.model_validate({**agency_create().model_dump(), "id": str(uuid.uuid4())})
