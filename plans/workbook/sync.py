"""Creating or updating rows by key, and logging what changed for the preview."""

from __future__ import annotations

from collections import Counter

from simple_history.utils import bulk_create_with_history
from simple_history.utils import bulk_update_with_history

from plans.workbook.changes import Changes


def sync(model, existing: dict, wanted: dict, **extra) -> tuple[dict, dict]:
    """Create or update `model` rows so that each key has the wanted field values.

    Returns every object by key and what changed per key: None for a
    created row, {field: (old, new)} for an updated one.
    """
    objects, diffs, create, update, changed = dict(existing), {}, [], [], set()
    for key, fields in wanted.items():
        obj = existing.get(key)
        if obj is None:
            objects[key] = obj = model(**extra, **fields)
            create.append(obj)
            diffs[key] = None
            continue
        diff = {
            name: (getattr(obj, name), value)
            for name, value in fields.items()
            if getattr(obj, name) != value
        }
        if diff:
            for name, (_old, value) in diff.items():
                setattr(obj, name, value)
            update.append(obj)
            changed |= diff.keys()
            diffs[key] = diff
    bulk_create_with_history(create, model, batch_size=500)
    if update:
        bulk_update_with_history(update, model, sorted(changed), batch_size=500)
    return objects, diffs


def merge(first: dict, second: dict) -> dict:
    """The changes of two passes over the same rows, one entry per key."""
    merged = dict(first)
    for key, diff in second.items():
        if key in merged and merged[key] is None:
            continue  # created in the first pass
        merged[key] = {**(merged.get(key) or {}), **diff}
    return merged


# Indicators and schedule rows have no name: they are known by their item and
# their position under it (1, 2, ...).


def sync_positional(
    changes: Changes, sheet: str, model, plan, items: dict, records: list, fields_of
) -> list:
    """Create or update the rows of `records`, each keyed by (item number, position).

    Returns the rows that are no longer in the workbook, not yet deleted.
    """
    existing = {
        (obj.item.number, obj.order): obj
        for obj in model.objects.filter(item__plan=plan).select_related("item")
    }
    wanted, position = {}, Counter()
    for record in records:
        position[record["item"]] += 1
        key = (record["item"], position[record["item"]])
        wanted[key] = {
            "item_id": items[record["item"]].pk,
            "order": position[record["item"]],
            **fields_of(record),
        }
    keep = {key: obj for key, obj in existing.items() if key in wanted}
    _objects, diffs = sync(model, keep, wanted)
    changes.log(sheet, diffs, len(wanted), lambda key: f"No.{key[0]} ({key[1]})")
    return [obj for key, obj in existing.items() if key not in wanted]


def delete_positional(changes: Changes, sheet: str, model, gone: list) -> None:
    model.objects.filter(pk__in=[obj.pk for obj in gone]).delete()
    for obj in gone:
        changes.add(sheet, f"No.{obj.item.number} ({obj.order})", "delete")
