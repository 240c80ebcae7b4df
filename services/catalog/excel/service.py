"""Import into an agency's draft (all or nothing) and export of a version or the draft."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies import service as agencies
from services.catalog.domains import repository as domains
from services.catalog.domains import service as domain_service
from services.catalog.excel import reader, writer
from services.catalog.excel.schemas import ImportResult, RowProblem
from services.catalog.items import repository as items
from services.catalog.items import service as item_service
from services.catalog.items.models import ItemFields
from services.catalog.items.rows import canonical, content_of, to_content
from services.catalog.items.schemas import ItemContent
from services.catalog.versions import repository as versions
from services.common.auth import Principal
from services.common.errors import FieldProblem, NotFound, Unprocessable

Path = tuple[str, str | None, str | None]


def _path(content: ItemContent | ItemFields) -> Path:
    return (content.level1, content.level2, content.level3)


async def import_workbook(
    session: AsyncSession, *, caller: Principal, agency_id: uuid.UUID, data: bytes
) -> ImportResult:
    """Each sheet (named after a domain) replaces the draft's items of that domain; items are
    matched by their 一级/二级/三级 titles so their ids, and documents' links, survive."""
    agency = await item_service.own_agency(session, caller, agency_id, action="导入")
    try:
        sheets = reader.read(data)
    except reader.UnreadableWorkbook:
        raise Unprocessable(
            "文件不是有效的 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为 .xlsx 后重新上传。",
            code="unreadable-workbook",
        ) from None
    problems: list[RowProblem] = []
    planned: dict[uuid.UUID, list[ItemContent]] = {}
    for sheet in sheets:
        problems.extend(sheet.problems)
        if not sheet.rows and not sheet.problems:
            continue
        domain = await domain_service.resolve_name(
            session, sheet.name.strip(), division_code=agency.division_code
        )
        if domain is None:
            problems.append(RowProblem(
                sheet=sheet.name, row=None, column=None,
                message="工作表名称应为本机关可用的领域名称（如 征地补偿），未找到该领域",
            ))  # fmt: skip
            continue
        if domain.id in planned:
            problems.append(RowProblem(
                sheet=sheet.name, row=None, column=None,
                message=f"领域「{domain.name}」出现在多个工作表中",
            ))  # fmt: skip
            continue
        seen: dict[Path, int] = {}
        contents: list[ItemContent] = []
        for row in sheet.rows:
            content = ItemContent.model_validate({**row.values, "domain_id": domain.id})
            if _path(content) in seen:
                problems.append(RowProblem(
                    sheet=sheet.name, row=row.number, column="公开事项",
                    message=f"与第 {seen[_path(content)]} 行的事项同名",
                ))  # fmt: skip
                continue
            seen[_path(content)] = row.number
            contents.append(content)
        planned[domain.id] = contents
    if problems:
        raise Unprocessable(
            f"导入失败，共 {len(problems)} 处问题，目录未作任何修改："
            + "；".join(p.describe() for p in problems[:3])
            + ("……" if len(problems) > 3 else ""),
            code="catalog-import-failed",
            errors=[
                FieldProblem(field=f"{p.sheet}!{p.row or ''}:{p.column or ''}", message=p.message)
                for p in problems
            ],
            extra={"rows": [p.model_dump() for p in problems]},
        )
    if not any(planned.values()):
        raise Unprocessable("工作簿中没有可导入的公开事项。", code="catalog-import-empty")
    return await _apply(session, agency_id=agency.id, planned=planned)


async def _apply(
    session: AsyncSession, *, agency_id: uuid.UUID, planned: dict[uuid.UUID, list[ItemContent]]
) -> ImportResult:
    agency = await agencies.get(session, agency_id)
    existing = {
        (row.domain_id, _path(row)): row
        for row in await items.of_agency(session, agency_id)
        if row.domain_id in planned
    }
    created = updated = unchanged = 0
    kept: set[uuid.UUID] = set()
    for domain_id, contents in planned.items():
        for content in contents:
            row = existing.get((domain_id, _path(content)))
            if row is None:
                await item_service.add(session, agency=agency, content=content)
                created += 1
                continue
            kept.add(row.id)
            if content_of(row) == canonical(content):
                unchanged += 1
            else:
                await item_service.replace(session, agency=agency, item=row, content=content)
                updated += 1
    deleted = 0
    for row in existing.values():
        if row.id not in kept:
            await session.delete(row)
            deleted += 1
    await session.flush()
    names = await domains.get_many(session, list(planned))
    return ImportResult(
        sheets=[names[d].name for d in planned],
        created=created,
        updated=updated,
        deleted=deleted,
        unchanged=unchanged,
    )


async def export_workbook(
    session: AsyncSession,
    *,
    caller: Principal,
    agency_id: uuid.UUID,
    number: int | None,
    draft: bool,
) -> tuple[bytes, str]:
    """The workbook and a file name: the draft (own staff), a version, or the current one."""
    agency = await agencies.get(session, agency_id)
    rows: Sequence[ItemFields]
    if draft:
        await item_service.own_agency(session, caller, agency_id, action="导出")
        rows = await items.of_agency(session, agency_id)
        label = "草稿"
    else:
        version = (
            await versions.by_number(session, agency_id, number)
            if number is not None
            else await versions.current(session, agency_id)
        )
        if version is None:
            raise NotFound(
                f"该机关的目录没有第 {number} 版。" if number else "该机关尚未发布目录。",
                code="catalog-version-not-found",
            )
        rows = await versions.items_of(session, version.id)
        label = f"第{version.number}版"
    found = await domains.get_many(session, [r.domain_id for r in rows])
    grouped: dict[uuid.UUID, list[ItemContent]] = defaultdict(list)
    for row in rows:
        grouped[row.domain_id].append(to_content(row))
    order = sorted(grouped, key=lambda d: (found[d].position, found[d].name))
    data = writer.write(agency.name, [(found[d].name, grouped[d]) for d in order])
    return data, f"{agency.name}政务公开事项标准目录（{label}）.xlsx"
