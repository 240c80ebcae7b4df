"""Rules of divisions: levels and parents follow from the code unless given."""

from collections.abc import Sequence

from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.columns import column
from services.catalog.divisions import repository
from services.catalog.divisions.models import Division, DivisionLevel
from services.catalog.divisions.schemas import DivisionCreate, DivisionUpdate
from services.common.errors import NotFound, Unprocessable
from services.common.pagination import PageParams, decode_cursor, encode_cursor


def level_of(code: str) -> DivisionLevel:
    """The level a GB/T 2260 or statistical code denotes (12-digit ``…000`` is a township)."""
    if len(code) == 6:
        if code.endswith("0000"):
            return DivisionLevel.PROVINCE
        return DivisionLevel.CITY if code.endswith("00") else DivisionLevel.COUNTY
    if len(code) == 9 or code.endswith("000"):
        return DivisionLevel.TOWNSHIP
    return DivisionLevel.VILLAGE


def parent_candidates(code: str) -> list[str]:
    """Codes that may be this division's parent, nearest first.

    A county of a municipality (110105) has no city row in some lists, so the province follows.
    """
    if len(code) == 6:
        if code.endswith("0000"):
            return []
        if code.endswith("00"):
            return [code[:2] + "0000"]
        return [code[:4] + "00", code[:2] + "0000"]
    if len(code) == 9 or code.endswith("000"):
        return [code[:6]]
    return [code[:9] + "000", code[:9], code[:6]]


def prefix_of(division: Division) -> str:
    """The code prefix shared by this division and everything under it."""
    code = division.code
    if division.level == DivisionLevel.PROVINCE:
        return code[:2]
    if division.level == DivisionLevel.CITY:
        return code[:4]
    if division.level == DivisionLevel.TOWNSHIP and len(code) == 12:
        return code[:9]
    return code


async def get(session: AsyncSession, code: str) -> Division:
    division = await repository.get(session, code)
    if division is None:
        raise NotFound(
            f"未找到行政区划代码为 {code} 的区划，请核对代码。", code="division-not-found"
        )
    return division


async def ancestors(session: AsyncSession, division: Division) -> list[Division]:
    """The division and its parents, nearest first."""
    chain = [division]
    seen = {division.code}
    while chain[-1].parent_code and chain[-1].parent_code not in seen:
        parent = await repository.get(session, chain[-1].parent_code)
        if parent is None:
            break
        seen.add(parent.code)
        chain.append(parent)
    return chain


async def create(session: AsyncSession, *, data: DivisionCreate) -> Division:
    if await repository.get(session, data.code) is not None:
        raise Unprocessable(f"行政区划代码 {data.code} 已存在。", code="division-exists")
    division = Division(
        code=data.code,
        name=data.name,
        level=data.level or level_of(data.code),
        parent_code=await _parent(session, data),
        publication_deadline_days=data.publication_deadline_days,
    )
    session.add(division)
    await session.flush()
    return division


async def update(session: AsyncSession, *, code: str, data: DivisionUpdate) -> Division:
    division = await get(session, code)
    for key, value in data.model_dump(exclude_unset=True).items():
        if key == "name" and value is None:
            raise Unprocessable("名称不能为空。")
        setattr(division, key, value)
    session.add(division)
    await session.flush()
    return division


async def load(session: AsyncSession, *, rows: Sequence[DivisionCreate]) -> tuple[int, int]:
    """Create or update many divisions, parents first whatever the input order (idempotent)."""
    ordered = sorted(rows, key=lambda r: (len(r.code), r.code))
    existing = await repository.get_many(session, [r.code for r in ordered])
    created = updated = 0
    for row in ordered:
        division = existing.get(row.code)
        if division is None:
            division = await create(session, data=row)
            existing[row.code] = division
            created += 1
            continue
        changed = division.name != row.name or (
            row.publication_deadline_days is not None
            and division.publication_deadline_days != row.publication_deadline_days
        )
        if changed:
            division.name = row.name
            if row.publication_deadline_days is not None:
                division.publication_deadline_days = row.publication_deadline_days
            session.add(division)
            updated += 1
    await session.flush()
    return created, updated


def parse_division_file(text: str) -> list[DivisionCreate]:
    """Lines of ``code,name`` (comma or tab; ``#`` comments and blank lines skipped)."""
    rows: list[DivisionCreate] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("\t", ",").split(",", 1)]
        if len(parts) != 2 or not parts[0].isdigit():
            raise Unprocessable(f"区划文件第 {number} 行应为“代码,名称”：{line[:50]}")
        try:
            rows.append(DivisionCreate(code=parts[0], name=parts[1]))
        except ValidationError as exc:
            reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            raise Unprocessable(f"区划文件第 {number} 行无法读取：{reason}") from None
    return rows


async def _parent(session: AsyncSession, data: DivisionCreate) -> str | None:
    if data.parent_code is not None:
        if await repository.get(session, data.parent_code) is None:
            raise Unprocessable(
                f"上级区划 {data.parent_code} 不存在，请先创建上级区划。",
                code="division-parent-missing",
            )
        return data.parent_code
    found = await repository.get_many(session, parent_candidates(data.code))
    return next((c for c in parent_candidates(data.code) if c in found), None)


async def list_page(
    session: AsyncSession,
    *,
    parent_code: str | None,
    level: DivisionLevel | None,
    within: str | None,
    q: str | None,
    page: PageParams,
) -> tuple[list[Division], str | None]:
    prefix = prefix_of(await get(session, within)) if within else None
    after = decode_cursor(page.cursor, [column(Division.code)])[0] if page.cursor else None
    rows = await repository.page(
        session,
        parent_code=parent_code,
        level=level,
        within=prefix,
        q=q,
        after=after,
        limit=page.limit + 1,
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return rows, encode_cursor([rows[-1].code]) if more else None
