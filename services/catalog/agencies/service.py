"""Rules of agencies: a valid credit code once, an existing division, writes by their own staff."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog import concurrency
from services.catalog.agencies import repository
from services.catalog.agencies.models import KIND_LABELS, Agency, AgencyKind
from services.catalog.agencies.names import query_variants, search_text
from services.catalog.agencies.schemas import (
    AgencyCreate,
    AgencyLinks,
    AgencyRead,
    AgencyUpdate,
    Contact,
    GuideRead,
    Regulation,
)
from services.catalog.changes import repository as change_log
from services.catalog.changes.models import Action, Stream
from services.catalog.columns import column
from services.catalog.divisions import repository as divisions
from services.catalog.divisions import service as division_service
from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.common.identifiers import credit_code_problem, normalise_credit_code
from services.common.pagination import PageParams, decode_cursor, encode_cursor

# 条例 Art. 26: proactive information within 20 working days of being formed or changed.
DEFAULT_PUBLICATION_DEADLINE_DAYS = 20
CONTACT_FIELDS = ("address", "phone", "hours", "email")


async def get(session: AsyncSession, agency_id: uuid.UUID) -> Agency:
    agency = await repository.get(session, agency_id)
    if agency is None:
        raise NotFound(f"未找到编号为 {agency_id} 的机关。", code="agency-not-found")
    return agency


async def by_credit_code(session: AsyncSession, credit_code: str) -> Agency:
    problem = credit_code_problem(credit_code)
    if problem:
        raise Unprocessable(f"{problem}。", code="invalid-credit-code")
    agency = await repository.by_credit_code(session, normalise_credit_code(credit_code))
    if agency is None:
        raise NotFound(
            f"未找到统一社会信用代码为 {normalise_credit_code(credit_code)} 的机关。",
            code="agency-not-found",
        )
    return agency


async def deadlines(session: AsyncSession, agencies: Sequence[Agency]) -> list[int]:
    """Each agency's own setting, else its division's (walking up), else 20 working days."""
    inherited = await divisions.inherited_deadlines(
        session, [a.division_code for a in agencies if a.publication_deadline_days is None]
    )
    return [
        a.publication_deadline_days
        if a.publication_deadline_days is not None
        else inherited.get(a.division_code, DEFAULT_PUBLICATION_DEADLINE_DAYS)
        for a in agencies
    ]


def links(agency_id: uuid.UUID) -> AgencyLinks:
    # The documents and requests services own the statutory content, annual reports and
    # applications; these are their list/submit addresses filtered to this agency.
    base = f"/api/v1/catalog/agencies/{agency_id}"
    return AgencyLinks(
        self=base,
        guide=f"{base}/guide",
        regulations=f"{base}/regulations",
        statutory_content=f"/api/v1/documents?agency_id={agency_id}",
        annual_reports=f"/api/v1/requests/reports/annual?agency={agency_id}",
        on_request=f"/api/v1/requests?agency={agency_id}",
        catalog=f"/api/v1/catalog/items?agency={agency_id}",
        domains=f"{base}/domains",
        versions=f"{base}/versions",
    )


def contact(agency: Agency) -> Contact:
    return Contact(**{f: getattr(agency, f"contact_{f}") for f in CONTACT_FIELDS})


def guide(agency: Agency) -> GuideRead:
    return GuideRead(
        agency_id=agency.id,
        agency_name=agency.name,
        guide=agency.guide,
        contact=contact(agency),
        regulations=[Regulation.model_validate(r) for r in agency.regulations],
        links=links(agency.id),
    )


async def to_read(session: AsyncSession, agency: Agency) -> AgencyRead:
    return (await to_reads(session, [agency]))[0]


async def to_reads(session: AsyncSession, agencies: Sequence[Agency]) -> list[AgencyRead]:
    """Agencies as the API shows them; one query for all their inherited deadlines."""
    days = await deadlines(session, agencies)
    return [_read(agency, deadline) for agency, deadline in zip(agencies, days, strict=True)]


def _read(agency: Agency, deadline_days: int) -> AgencyRead:
    return AgencyRead(
        id=agency.id,
        name=agency.name,
        short_name=agency.short_name,
        aliases=list(agency.aliases),
        credit_code=agency.credit_code,
        division_code=agency.division_code,
        kind=agency.kind,
        kind_label=KIND_LABELS[AgencyKind(agency.kind)],
        parent_id=agency.parent_id,
        contact=contact(agency),
        index_number_pattern=agency.index_number_pattern,
        publication_deadline_days=deadline_days,
        links=links(agency.id),
    )


async def list_page(
    session: AsyncSession,
    *,
    q: str | None,
    division_code: str | None,
    within: str | None,
    kind: AgencyKind | None,
    parent_id: uuid.UUID | None,
    page: PageParams,
    updated_since: dt.datetime | None = None,
) -> tuple[list[Agency], str | None]:
    prefix = (
        division_service.prefix_of(await division_service.get(session, within)) if within else None
    )
    keys = [column(Agency.name), column(Agency.id)]
    rows = await repository.page(
        session,
        variants=query_variants(q) if q else [],
        division_code=division_code,
        division_prefix=prefix,
        kind=kind,
        parent_id=parent_id,
        updated_since=updated_since,
        after=decode_cursor(page.cursor, keys) if page.cursor else None,
        limit=page.limit + 1,
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return rows, encode_cursor([rows[-1].name, rows[-1].id]) if more else None


async def create(session: AsyncSession, *, caller: Principal, data: AgencyCreate) -> Agency:
    """Platform admins create any agency; an agency's admin creates agencies under it."""
    if not caller.is_platform_admin and (
        data.parent_id is None or not caller.acts_for(data.parent_id)
    ):
        raise Forbidden("只有平台管理员或上级机关的管理员可以新增机关。")
    await _check_division(session, data.division_code)
    if data.parent_id is not None:
        await _existing_parent(session, data.parent_id)
    if await repository.by_credit_code(session, data.credit_code) is not None:
        raise Conflict(
            f"统一社会信用代码 {data.credit_code} 已登记为另一机关，请核对。",
            code="credit-code-taken",
        )
    values = data.model_dump(exclude={"contact", "regulations"})
    agency = Agency(
        **values,
        regulations=[r.model_dump() for r in data.regulations],
        **{f"contact_{f}": getattr(data.contact, f) for f in CONTACT_FIELDS},
    )
    agency.search_text = search_text([agency.name, agency.short_name, *agency.aliases])
    session.add(agency)
    await session.flush()
    await change_log.append(
        session, entity=Stream.AGENCY, entity_id=agency.id, action=Action.CREATE,
        agency_id=agency.id,
    )  # fmt: skip
    return agency


async def update(
    session: AsyncSession,
    *,
    caller: Principal,
    agency_id: uuid.UUID,
    data: AgencyUpdate,
    if_match: str | None = None,
) -> Agency:
    """Staff of the agency (its admins) or platform admins; moving it needs a platform admin."""
    agency = await get(session, agency_id)
    if not caller.acts_for(agency.id):
        raise Forbidden("只能修改本机关的信息。")
    await concurrency.check(session, agency, "updated_at", if_match, "机关信息")
    changes = data.model_dump(exclude_unset=True)
    if "parent_id" in changes and changes["parent_id"] != agency.parent_id:
        if not caller.is_platform_admin:
            raise Forbidden("调整上级机关需要平台管理员。")
        await _check_parent_cycle(session, agency, changes["parent_id"])
    for name in ("name", "kind", "index_number_pattern"):
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} 不能为空。")
    if "contact" in changes:
        contact = changes.pop("contact") or {}
        for f in CONTACT_FIELDS:
            setattr(agency, f"contact_{f}", contact.get(f))
    if "aliases" in changes:
        changes["aliases"] = list(dict.fromkeys(a.strip() for a in changes["aliases"] or []))
    if "regulations" in changes:
        changes["regulations"] = changes["regulations"] or []
    for key, value in changes.items():
        setattr(agency, key, value)
    agency.search_text = search_text([agency.name, agency.short_name, *agency.aliases])
    agency.updated_at = utcnow()
    session.add(agency)
    await session.flush()
    await change_log.append(
        session, entity=Stream.AGENCY, entity_id=agency.id, action=Action.UPDATE,
        agency_id=agency.id,
    )  # fmt: skip
    return agency


async def _check_division(session: AsyncSession, code: str) -> None:
    if await divisions.get(session, code) is None:
        raise Unprocessable(f"行政区划 {code} 不存在，请先登记该区划。", code="division-not-found")


async def _existing_parent(session: AsyncSession, parent_id: uuid.UUID) -> Agency:
    parent = await repository.get(session, parent_id)
    if parent is None:
        raise Unprocessable(f"上级机关 {parent_id} 不存在。", code="agency-parent-missing")
    return parent


async def _check_parent_cycle(
    session: AsyncSession, agency: Agency, parent_id: uuid.UUID | None
) -> None:
    seen = {agency.id}
    current = parent_id
    while current is not None:
        if current in seen:
            raise Unprocessable("上级机关不能是本机关或其下级机关。", code="agency-parent-cycle")
        seen.add(current)
        current = (await _existing_parent(session, current)).parent_id
