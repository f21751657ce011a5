"""Creating or updating rows by key, and logging what changed for the preview."""

from __future__ import annotations

import bisect

from simple_history.utils import bulk_create_with_history
from simple_history.utils import bulk_update_with_history


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
        # English names (name_en) are kept in the i18n column.
        columns = {
            name if model._meta.get_field(name).concrete else "i18n" for name in changed
        }
        bulk_update_with_history(update, model, sorted(columns), batch_size=500)
    return objects, diffs


def merge(first: dict, second: dict) -> dict:
    """The changes of two passes over the same rows, one entry per key."""
    merged = dict(first)
    for key, diff in second.items():
        if key in merged and merged[key] is None:
            continue  # created in the first pass
        merged[key] = {**(merged.get(key) or {}), **diff}
    return merged


# A row added or removed shifts the order of every row after it. The preview
# shows as moved only the rows that left their place among the others.


def quiet_shifts(diffs: dict, groups: list[list[tuple]]) -> dict:
    """The diffs without the order changes of rows that kept their place.

    Each group lists (key, old order) of the rows that stay in it, in their
    new order; a row kept its place when it is on a longest run of rows
    whose old order still rises (so of two swapped rows, one moved).
    """
    moved = set()
    for group in groups:
        moved |= out_of_order(group)
    quiet = {}
    for key, diff in diffs.items():
        if diff is not None and "order" in diff and key not in moved:
            diff = {name: values for name, values in diff.items() if name != "order"}
            if not diff:
                continue
        quiet[key] = diff
    return quiet


def out_of_order(rows: list[tuple]) -> set:
    """The keys of (key, old order) pairs off a longest non-decreasing run of old orders."""
    tails: list = []  # the smallest last old order of a run of each length
    ends: list[int] = []  # the index of the row ending that run
    before: list[int | None] = []
    for index, (_key, old) in enumerate(rows):
        length = bisect.bisect_right(tails, old)
        if length == len(tails):
            tails.append(old)
            ends.append(index)
        else:
            tails[length] = old
            ends[length] = index
        before.append(ends[length - 1] if length else None)
    on_run = set()
    index = ends[-1] if ends else None
    while index is not None:
        on_run.add(rows[index][0])
        index = before[index]
    return {key for key, _old in rows} - on_run
