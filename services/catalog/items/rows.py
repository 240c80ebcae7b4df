"""Between an ItemContent (the API's row) and the columns every catalog-row table stores."""

from typing import Any

from services.catalog.items import deadlines
from services.catalog.items.models import DisclosureLevel, ItemFields
from services.catalog.items.schemas import Deadline, DeadlineRule, ItemContent

LEVEL_FLAGS = {
    DisclosureLevel.CITY: "level_city",
    DisclosureLevel.COUNTY: "level_county",
    DisclosureLevel.TOWNSHIP: "level_township",
}
# The columns that make up an item's content (position is order, not content).
CONTENT_COLUMNS = tuple(name for name in ItemFields.model_fields if name != "position")


def to_columns(content: ItemContent) -> dict[str, Any]:
    """The column values of a row; a deadline without a rule gets one read from its text."""
    rule = content.deadline.rule
    if rule is None:
        trigger, number, unit = deadlines.parse(content.deadline.text)
        rule = DeadlineRule(trigger=trigger, number=number, unit=unit)
    return {
        "domain_id": content.domain_id,
        "level1": content.level1,
        "level2": content.level2,
        "level3": content.level3,
        "elements": [e.model_dump() for e in content.elements],
        "basis": content.basis,
        "deadline_text": content.deadline.text,
        "deadline_trigger": rule.trigger.value,
        "deadline_number": rule.number,
        "deadline_unit": rule.unit.value if rule.unit else None,
        "subject": content.subject,
        "channels": [c.value for c in content.channels],
        "audience": content.audience.value,
        "audience_note": content.audience_note,
        "mode": content.mode.value,
        **{flag: level in content.levels for level, flag in LEVEL_FLAGS.items()},
        "phone": content.phone,
    }


def to_content(row: ItemFields) -> ItemContent:
    return ItemContent.model_validate(
        {
            "domain_id": row.domain_id,
            "level1": row.level1,
            "level2": row.level2,
            "level3": row.level3,
            "elements": row.elements,
            "basis": row.basis,
            "deadline": Deadline(
                text=row.deadline_text,
                rule=DeadlineRule.model_validate(
                    {
                        "trigger": row.deadline_trigger,
                        "number": row.deadline_number,
                        "unit": row.deadline_unit,
                    }
                ),
            ),
            "subject": row.subject,
            "channels": row.channels,
            "audience": row.audience,
            "audience_note": row.audience_note,
            "mode": row.mode,
            "levels": [level for level, flag in LEVEL_FLAGS.items() if getattr(row, flag)],
            "phone": row.phone,
        }
    )


def content_of(row: ItemFields) -> dict[str, Any]:
    """The JSON content of a stored row, for comparisons."""
    return to_content(row).model_dump(mode="json")


def copy_columns(row: ItemFields) -> dict[str, Any]:
    """Every column value of a row, to copy it into another catalog-row table."""
    return {name: getattr(row, name) for name in ItemFields.model_fields}


def title_path(row: ItemFields) -> list[str]:
    return [t for t in (row.level1, row.level2, row.level3) if t]


def canonical(content: ItemContent) -> dict[str, Any]:
    """The JSON a row stored from ``content`` reads back as (its deadline rule filled in)."""
    return content_of(ItemFields.model_validate(to_columns(content)))
