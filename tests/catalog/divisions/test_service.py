"""Divisions: levels and parents from the code, idempotent loading from a file."""

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.divisions import service
from services.catalog.divisions.models import DivisionLevel
from services.catalog.divisions.schemas import DivisionCreate, DivisionUpdate
from services.common.errors import NotFound, Unprocessable


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("620000", DivisionLevel.PROVINCE),
        ("620700", DivisionLevel.CITY),
        ("620702", DivisionLevel.COUNTY),
        ("620702001", DivisionLevel.TOWNSHIP),
        ("620702001000", DivisionLevel.TOWNSHIP),
        ("620702001002", DivisionLevel.VILLAGE),
    ],
)
def test_level_follows_from_the_code(code: str, level: DivisionLevel) -> None:
    assert service.level_of(code) is level


async def test_loaded_divisions_know_their_parents(session: AsyncSession) -> None:
    township = await service.get(session, "620702001")
    chain = await service.ancestors(session, township)
    assert [d.code for d in chain] == ["620702001", "620702", "620700", "620000"]
    assert [d.name for d in chain] == ["东街街道", "甘州区", "张掖市", "甘肃省"]


async def test_municipal_district_without_city_row_hangs_under_the_province(
    session: AsyncSession,
) -> None:
    await service.create(session, data=DivisionCreate(code="110000", name="北京市"))
    district = await service.create(session, data=DivisionCreate(code="110105", name="朝阳区"))
    assert district.parent_code == "110000"
    assert district.level is DivisionLevel.COUNTY


async def test_loading_twice_changes_nothing_and_renames_update(session: AsyncSession) -> None:
    rows = service.parse_division_file(
        "# 山东省淄博市\n370304,博山区\n370000,山东省\n\ufeff370300\t淄博市\n\n"
    )
    assert await service.load(session, rows=rows) == (3, 0)
    assert await service.load(session, rows=rows) == (0, 0)
    renamed = [DivisionCreate(code="370304", name="博山区（新）")]
    assert await service.load(session, rows=renamed) == (0, 1)
    district = await service.get(session, "370304")
    assert (district.name, district.parent_code) == ("博山区（新）", "370300")


def test_a_broken_file_says_which_line() -> None:
    with pytest.raises(Unprocessable, match="第 2 行"):
        service.parse_division_file("370000,山东省\n37030,淄博市\n")
    with pytest.raises(Unprocessable, match="第 1 行"):
        service.parse_division_file("山东省\n")


async def test_explicit_parent_must_exist_and_codes_are_unique(session: AsyncSession) -> None:
    with pytest.raises(Unprocessable, match="上级区划 990000 不存在"):
        await service.create(
            session, data=DivisionCreate(code="990100", name="某市", parent_code="990000")
        )
    with pytest.raises(Unprocessable, match="已存在"):
        await service.create(session, data=DivisionCreate(code="620700", name="张掖市"))
    with pytest.raises(NotFound):
        await service.update(session, code="999999", data=DivisionUpdate(name="无"))
