"""Rules of domains: national ones are renamed or merged by platform admins, a locality's own
extensions by the admins of that locality's agencies; merged domains take no new items."""

import uuid
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies import repository as agencies
from services.catalog.divisions import repository as divisions
from services.catalog.divisions import service as division_service
from services.catalog.domains import repository
from services.catalog.domains.models import Domain
from services.catalog.domains.schemas import DomainCreate, DomainRead
from services.catalog.items import repository as items
from services.catalog.templates import repository as templates
from services.common.auth import Principal, Role
from services.common.db import utcnow
from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable


def to_read(domain: Domain) -> DomainRead:
    return DomainRead(
        id=domain.id,
        code=domain.code,
        name=domain.name,
        former_names=list(domain.former_names),
        national=domain.division_code is None,
        division_code=domain.division_code,
        merged_into_id=domain.merged_into_id,
        unverified=domain.unverified,
        position=domain.position,
    )


async def get(session: AsyncSession, domain_id: uuid.UUID) -> Domain:
    domain = await repository.get(session, domain_id)
    if domain is None:
        raise NotFound(f"未找到编号为 {domain_id} 的领域。", code="domain-not-found")
    return domain


async def division_chain(session: AsyncSession, division_code: str) -> list[str]:
    """The division and its ancestors' codes: the extensions an agency there may use."""
    division = await divisions.get(session, division_code)
    if division is None:
        return [division_code]
    return [d.code for d in await division_service.ancestors(session, division)]


async def listing(
    session: AsyncSession, *, division_code: str | None, include_merged: bool
) -> list[Domain]:
    chain = await division_chain(session, division_code) if division_code else None
    return await repository.listing(session, division_codes=chain, include_merged=include_merged)


async def usable(session: AsyncSession, domain_id: uuid.UUID, *, division_code: str) -> Domain:
    """The domain an item of an agency in ``division_code`` may be filed under, or a 422."""
    domain = await repository.get(session, domain_id)
    if domain is None:
        raise Unprocessable(f"领域 {domain_id} 不存在。", code="domain-not-found")
    if domain.merged_into_id is not None:
        target = await get(session, domain.merged_into_id)
        raise Unprocessable(
            f"领域「{domain.name}」已并入「{target.name}」，请改用「{target.name}」。",
            code="domain-merged",
        )
    if domain.division_code is not None and domain.division_code not in await division_chain(
        session, division_code
    ):
        raise Unprocessable(
            f"领域「{domain.name}」是其他地方增设的领域，本机关不能使用。",
            code="domain-not-applicable",
        )
    return domain


async def resolve_name(session: AsyncSession, name: str, *, division_code: str) -> Domain | None:
    """The usable domain called ``name`` now or formerly (following merges), for imports."""
    chain = await division_chain(session, division_code)
    candidates = [
        d
        for d in await repository.all_domains(session)
        if (d.name == name or name in d.former_names)
        and (d.division_code is None or d.division_code in chain)
    ]
    candidates.sort(key=lambda d: (d.name != name, d.merged_into_id is not None))
    seen: set[uuid.UUID] = set()
    domain = candidates[0] if candidates else None
    while domain is not None and domain.merged_into_id is not None and domain.id not in seen:
        seen.add(domain.id)
        domain = await repository.get(session, domain.merged_into_id)
    return domain


async def family(session: AsyncSession, domain_id: uuid.UUID) -> list[uuid.UUID]:
    """The domain and every domain merged into it (at any depth): its items' domains."""
    found = [domain_id]
    queue = [domain_id]
    while queue:
        for source in await repository.merged_into(session, queue.pop()):
            if source not in found:
                found.append(source)
                queue.append(source)
    return found


async def may_manage(session: AsyncSession, caller: Principal, division_code: str | None) -> bool:
    """Platform admins manage every domain; an agency admin the extensions of its own division."""
    if caller.is_platform_admin:
        return True
    if division_code is None or not caller.has_role(Role.AGENCY_ADMIN):
        return False
    for agency_id in caller.agency_ids:
        try:
            agency = await agencies.get(session, uuid.UUID(agency_id))
        except ValueError:
            continue
        if agency is not None and agency.division_code == division_code:
            return True
    return False


async def create(session: AsyncSession, *, caller: Principal, data: DomainCreate) -> Domain:
    if await divisions.get(session, data.division_code) is None:
        raise Unprocessable(
            f"行政区划 {data.division_code} 不存在，请先登记该区划。", code="division-not-found"
        )
    if not await may_manage(session, caller, data.division_code):
        raise Forbidden("只有平台管理员或该区划机关的管理员可以增设地方领域。")
    await _check_name_free(session, data.name, data.division_code, exclude=None)
    domain = Domain(
        code=f"local-{data.division_code}-{uuid.uuid4().hex[:8]}",
        name=data.name,
        division_code=data.division_code,
        position=await repository.next_position(session),
    )
    session.add(domain)
    await session.flush()
    return domain


async def rename(
    session: AsyncSession, *, caller: Principal, domain_id: uuid.UUID, name: str
) -> Domain:
    domain = await get(session, domain_id)
    await _check_manage(session, caller, domain)
    if name == domain.name:
        return domain
    await _check_name_free(session, name, domain.division_code, exclude=domain.id)
    domain.former_names = [*(n for n in domain.former_names if n != name), domain.name]
    domain.name = name
    domain.updated_at = utcnow()
    session.add(domain)
    await session.flush()
    return domain


async def merge(
    session: AsyncSession, *, caller: Principal, domain_id: uuid.UUID, into: uuid.UUID
) -> Domain:
    """Fold a domain into another: drafts and templates move; published versions keep history."""
    source = await get(session, domain_id)
    await _check_manage(session, caller, source)
    if into == source.id:
        raise Unprocessable("不能把领域并入它自己。", code="domain-merge-self")
    target = await repository.get(session, into)
    if target is None:
        raise Unprocessable(f"要并入的领域 {into} 不存在。", code="domain-not-found")
    if source.merged_into_id is not None:
        raise Conflict(f"领域「{source.name}」已经并入其他领域。", code="domain-merged")
    if target.merged_into_id is not None:
        raise Unprocessable(
            f"领域「{target.name}」本身已并入其他领域，请并入它最终所在的领域。",
            code="domain-merged",
        )
    if source.division_code is None and target.division_code is not None:
        raise Unprocessable("全国试点领域不能并入地方增设的领域。", code="domain-merge-national")
    if target.division_code is not None and target.division_code != source.division_code:
        raise Unprocessable("只能并入全国领域或本区划增设的领域。", code="domain-not-applicable")
    source.merged_into_id = target.id
    source.updated_at = utcnow()
    session.add(source)
    await items.move_domain(session, source=source.id, target=target.id)
    await templates.move_domain(session, source=source.id, target=target.id)
    await session.flush()
    return source


async def _check_manage(session: AsyncSession, caller: Principal, domain: Domain) -> None:
    if not await may_manage(session, caller, domain.division_code):
        if domain.division_code is None:
            raise Forbidden("全国试点领域只能由平台管理员更名或合并。")
        raise Forbidden("只有平台管理员或该区划机关的管理员可以修改此地方领域。")


async def _check_name_free(
    session: AsyncSession, name: str, division_code: str | None, *, exclude: uuid.UUID | None
) -> None:
    chain: Sequence[str] = await division_chain(session, division_code) if division_code else []
    for other in await repository.by_name(session, name):
        if other.id == exclude or other.merged_into_id is not None:
            continue
        if other.division_code is None or other.division_code in chain or division_code is None:
            raise Conflict(f"已有名为「{name}」的领域，可改为合并。", code="domain-name-taken")
