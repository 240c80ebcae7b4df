"""The difference between two states of a catalog, item by item and column by column."""

import uuid
from collections.abc import Mapping
from typing import Any

from services.catalog.versions.schemas import ChangeKind, FieldChange, ItemChange

# (content as JSON, title path) of each item, keyed by the item's stable id.
Snapshot = Mapping[uuid.UUID, tuple[dict[str, Any], list[str]]]


def compare(before: Snapshot, after: Snapshot) -> tuple[list[ItemChange], int]:
    """Changes from ``before`` to ``after`` (in ``after``'s order, removals last), and the
    number of items that stayed the same."""
    changes: list[ItemChange] = []
    unchanged = 0
    for item_id, (content, path) in after.items():
        if item_id not in before:
            changes.append(ItemChange(id=item_id, kind=ChangeKind.ADDED, title_path=path))
            continue
        old = before[item_id][0]
        fields = {
            key: FieldChange(before=old.get(key), after=value)
            for key, value in content.items()
            if old.get(key) != value
        }
        if fields:
            changes.append(
                ItemChange(id=item_id, kind=ChangeKind.CHANGED, title_path=path, fields=fields)
            )
        else:
            unchanged += 1
    for item_id, (_, path) in before.items():
        if item_id not in after:
            changes.append(ItemChange(id=item_id, kind=ChangeKind.REMOVED, title_path=path))
    return changes, unchanged
