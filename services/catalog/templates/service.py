"""Rules of templates: platform admins maintain a domain's guideline; an agency copies it into
its draft (localising subject, channels, phone), later compares against the template's changes
since the last pull and pulls them in, keeping its localised values."""

import uuid
from typing import Any

from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies.models import Agency
from services.catalog.domains import repository as domains
from services.catalog.domains import service as domain_service
from services.catalog.items import service as item_service
from services.catalog.items.models import CatalogItem
from services.catalog.items.rows import content_of, title_path, to_columns
from services.catalog.items.schemas import ItemContent, ItemUpdate
from services.catalog.templates import repository
from services.catalog.templates.models import Template, TemplateInstance, TemplateItem
from services.catalog.templates.schemas import (
    Comparison,
    FieldComparison,
    InstanceCreate,
    InstanceRead,
    PullResult,
    TemplateChange,
    TemplateCreate,
    TemplateItemRead,
    TemplateRead,
    TemplateSummary,
)
from services.catalog.versions.schemas import ChangeKind
from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, NotFound, Unprocessable

# The columns an instance localises; a template change to them never overrides a local value.
LOCALISED = {"subject": "local_subject", "channels": "local_channels", "phone": "local_phone"}


async def get(session: AsyncSession, template_id: uuid.UUID) -> Template:
    template = await repository.get(session, template_id)
    if template is None:
        raise NotFound(f"未找到编号为 {template_id} 的标准指引。", code="template-not-found")
    return template


async def to_read(session: AsyncSession, template: Template) -> TemplateRead:
    domain = await domain_service.get(session, template.domain_id)
    rows = await repository.items_of(session, template.id)
    return TemplateRead(
        id=template.id,
        domain_id=template.domain_id,
        domain_name=domain.name,
        name=template.name,
        issuer=template.issuer,
        revision=template.revision,
        updated_at=template.updated_at,
        items=[TemplateItemRead(**content_of(r), id=r.id, position=r.position) for r in rows],
    )


def summary(template: Template) -> TemplateSummary:
    return TemplateSummary(
        id=template.id,
        domain_id=template.domain_id,
        name=template.name,
        issuer=template.issuer,
        revision=template.revision,
    )


async def listing(session: AsyncSession, domain_id: uuid.UUID | None) -> list[Template]:
    family = await domain_service.family(session, domain_id) if domain_id else None
    return await repository.listing(session, family)


def _check_domain(template: Template, content: ItemContent) -> None:
    if content.domain_id != template.domain_id:
        raise Unprocessable("指引中的事项必须属于指引所在的领域。", code="template-domain")


async def create(session: AsyncSession, *, data: TemplateCreate) -> Template:
    domain = await domains.get(session, data.domain_id)
    if domain is None or domain.merged_into_id is not None:
        raise Unprocessable("领域不存在或已并入其他领域。", code="domain-not-found")
    template = Template(domain_id=data.domain_id, name=data.name, issuer=data.issuer)
    session.add(template)
    await session.flush()
    for content in data.items:
        await _add_item(session, template, content)
    return template


async def _add_item(
    session: AsyncSession, template: Template, content: ItemContent
) -> TemplateItem:
    _check_domain(template, content)
    row = TemplateItem(
        **to_columns(content),
        template_id=template.id,
        position=await repository.next_position(session, template.id),
    )
    session.add(row)
    await session.flush()
    return row


def _bump(session: AsyncSession, template: Template) -> None:
    template.revision += 1
    template.updated_at = utcnow()
    session.add(template)


async def add_item(
    session: AsyncSession, *, template_id: uuid.UUID, content: ItemContent
) -> Template:
    template = await get(session, template_id)
    await _add_item(session, template, content)
    _bump(session, template)
    await session.flush()
    return template


async def _template_item(
    session: AsyncSession, template: Template, item_id: uuid.UUID
) -> TemplateItem:
    row = await repository.item(session, item_id)
    if row is None or row.template_id != template.id:
        raise NotFound(f"该指引中没有编号为 {item_id} 的事项。", code="template-item-not-found")
    return row


async def update_item(
    session: AsyncSession, *, template_id: uuid.UUID, item_id: uuid.UUID, data: ItemUpdate
) -> Template:
    template = await get(session, template_id)
    row = await _template_item(session, template, item_id)
    changes = data.model_dump(exclude_unset=True)
    position = changes.pop("position", None)
    content = _validated({**content_of(row), **changes})
    _check_domain(template, content)
    for key, value in to_columns(content).items():
        setattr(row, key, value)
    if position is not None:
        row.position = position
    session.add(row)
    _bump(session, template)
    await session.flush()
    return template


async def delete_item(
    session: AsyncSession, *, template_id: uuid.UUID, item_id: uuid.UUID
) -> Template:
    template = await get(session, template_id)
    await session.delete(await _template_item(session, template, item_id))
    _bump(session, template)
    await session.flush()
    return template


def _validated(values: dict[str, Any]) -> ItemContent:
    try:
        return ItemContent.model_validate(values)
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise Unprocessable(f"事项无法保存：{reason}。") from None


# --- instances ------------------------------------------------------------------------------


def instance_read(instance: TemplateInstance, template: Template) -> InstanceRead:
    return InstanceRead(
        id=instance.id,
        template_id=instance.template_id,
        agency_id=instance.agency_id,
        base_revision=instance.base_revision,
        template_revision=template.revision,
        up_to_date=instance.base_revision == template.revision,
        subject=instance.local_subject,
        channels=instance.local_channels,
        phone=instance.local_phone,
        synced_at=instance.synced_at,
    )


def _localised(instance: TemplateInstance, content: dict[str, Any]) -> ItemContent:
    values = dict(content)
    for key, attribute in LOCALISED.items():
        local = getattr(instance, attribute)
        if local is not None:
            values[key] = local
    return _validated(values)


async def instantiate(
    session: AsyncSession, *, caller: Principal, agency_id: uuid.UUID, data: InstanceCreate
) -> TemplateInstance:
    agency = await item_service.own_agency(session, caller, agency_id)
    template = await get(session, data.template_id)
    if await repository.instance_of(session, template.id, agency.id) is not None:
        raise Conflict(
            "本机关已由该指引生成过目录，请用“比对”和“同步”获取指引的更新。",
            code="template-instance-exists",
        )
    rows = await repository.items_of(session, template.id)
    instance = TemplateInstance(
        template_id=template.id,
        agency_id=agency.id,
        base={str(r.id): content_of(r) for r in rows},
        base_revision=template.revision,
        local_subject=data.subject,
        local_channels=[c.value for c in data.channels] if data.channels is not None else None,
        local_phone=data.phone,
    )
    session.add(instance)
    for row in rows:
        await item_service.add(
            session,
            agency=agency,
            content=_localised(instance, content_of(row)),
            template_item_id=row.id,
        )
    await session.flush()
    return instance


async def own_instance(
    session: AsyncSession, caller: Principal, agency_id: uuid.UUID, instance_id: uuid.UUID
) -> tuple[Agency, TemplateInstance]:
    agency = await item_service.own_agency(session, caller, agency_id, action="查看")
    instance = await repository.instance(session, instance_id)
    if instance is None or instance.agency_id != agency.id:
        raise NotFound(f"本机关没有编号为 {instance_id} 的指引实例。", code="instance-not-found")
    return agency, instance


async def instances(
    session: AsyncSession, *, caller: Principal, agency_id: uuid.UUID
) -> list[InstanceRead]:
    agency = await item_service.own_agency(session, caller, agency_id, action="查看")
    result = []
    for instance in await repository.instances_of_agency(session, agency.id):
        result.append(instance_read(instance, await get(session, instance.template_id)))
    return result


async def compare(session: AsyncSession, instance: TemplateInstance) -> Comparison:
    """What the template changed since the instance last pulled, beside the instance's values."""
    template = await get(session, instance.template_id)
    current = {str(r.id): r for r in await repository.items_of(session, template.id)}
    ids = [uuid.UUID(i) for i in {*current, *instance.base}]
    mine = await repository.instance_items(session, instance.agency_id, ids)
    changes: list[TemplateChange] = []
    for key, row in current.items():
        own = mine.get(uuid.UUID(key))
        after = content_of(row)
        before = instance.base.get(key)
        if before is None:
            changes.append(_change(key, ChangeKind.ADDED, title_path(row), own))
            continue
        own_content = content_of(own) if own else {}
        fields = {
            name: FieldComparison(
                template_before=before.get(name),
                template_after=value,
                instance=own_content.get(name),
            )
            for name, value in after.items()
            if before.get(name) != value
        }
        if fields:
            changes.append(_change(key, ChangeKind.CHANGED, title_path(row), own, fields))
    for key, before in instance.base.items():
        if key not in current:
            path = [p for p in (before["level1"], before.get("level2"), before.get("level3")) if p]
            changes.append(_change(key, ChangeKind.REMOVED, path, mine.get(uuid.UUID(key))))
    return Comparison(
        instance_id=instance.id,
        template_id=template.id,
        base_revision=instance.base_revision,
        template_revision=template.revision,
        changes=changes,
    )


def _change(
    key: str,
    kind: ChangeKind,
    path: list[str],
    own: CatalogItem | None,
    fields: dict[str, FieldComparison] | None = None,
) -> TemplateChange:
    return TemplateChange(
        template_item_id=uuid.UUID(key),
        kind=kind,
        title_path=path,
        instance_item_id=own.id if own else None,
        fields=fields or {},
    )


async def pull(
    session: AsyncSession,
    *,
    caller: Principal,
    agency_id: uuid.UUID,
    instance_id: uuid.UUID,
    only: list[uuid.UUID] | None,
) -> PullResult:
    """Apply the template's changes to the draft; localised columns keep the agency's values."""
    agency, instance = await own_instance(session, caller, agency_id, instance_id)
    comparison = await compare(session, instance)
    template = await get(session, instance.template_id)
    current = {r.id: r for r in await repository.items_of(session, template.id)}
    selected = [c for c in comparison.changes if only is None or c.template_item_id in only]
    if only is not None:
        unknown = set(only) - {c.template_item_id for c in comparison.changes}
        if unknown:
            raise Unprocessable(
                "以下指引事项没有待同步的变化：" + "、".join(str(u) for u in sorted(unknown)),
                code="nothing-to-pull",
            )
    base = dict(instance.base)
    counts = {ChangeKind.ADDED: 0, ChangeKind.REMOVED: 0, ChangeKind.CHANGED: 0}
    for change in selected:
        key = str(change.template_item_id)
        own = (
            await item_service.draft_item(session, caller, change.instance_item_id)
            if change.instance_item_id
            else None
        )
        if change.kind == ChangeKind.REMOVED:
            if own is not None:
                await session.delete(own)
            base.pop(key, None)
        elif change.kind == ChangeKind.ADDED:
            content = _localised(instance, content_of(current[change.template_item_id]))
            await item_service.add(
                session, agency=agency, content=content, template_item_id=change.template_item_id
            )
            base[key] = content_of(current[change.template_item_id])
        else:
            if own is not None:
                values = content_of(own)
                for name, compared in change.fields.items():
                    if name in LOCALISED and getattr(instance, LOCALISED[name]) is not None:
                        continue
                    values[name] = compared.template_after
                await item_service.replace(
                    session, agency=agency, item=own, content=_validated(values)
                )
            base[key] = content_of(current[change.template_item_id])
        counts[change.kind] += 1
    instance.base = base
    if len(selected) == len(comparison.changes):
        instance.base_revision = template.revision
    instance.synced_at = utcnow()
    session.add(instance)
    await session.flush()
    return PullResult(
        added=counts[ChangeKind.ADDED],
        removed=counts[ChangeKind.REMOVED],
        changed=counts[ChangeKind.CHANGED],
        comparison=await compare(session, instance),
    )
