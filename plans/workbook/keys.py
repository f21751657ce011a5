"""Which existing row each row of the workbook is: by its key, or as before keys.

The export writes each item's, indicator's and schedule row's key in a hidden
column, so that a row keeps its identity, and the survey data written for it,
however it is renamed, renumbered or moved. A row with an empty key is new.
Workbooks exported before there were keys have no key column: their rows
are matched as they were then, items by number, indicators and schedule rows
by their position under their item.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from plans.models.structure import new_key
from plans.workbook.changes import Changes
from plans.workbook.columns import Sheet


def resolve_keys(
    changes: Changes,
    sheet: Sheet,
    model,
    records: list[dict],
    existing: dict,
    *,
    keyed: bool,
    match: Callable[[int, dict], object | None],
) -> list[str]:
    """The key of each record's row, in order; a refused key is reported at its cell.

    `existing` holds the plan's `model` rows by key. Without a key column,
    `match(index, record)` finds a record's existing row, if any. A key must
    be one of the plan's rows. While the plan has none of them (a new plan,
    or a plan restored into an empty database) a key no row holds is kept,
    and another plan's key gives way to a new one, so that a workbook copied
    from the previous plan starts the next.
    """
    if not keyed:
        return [
            row.key if (row := match(index, record)) else new_key()
            for index, record in enumerate(records)
        ]
    starting = not existing
    taken = (
        set(
            model.objects.filter(
                key__in=[r["key"] for r in records if r["key"]]
            ).values_list("key", flat=True)
        )
        if starting
        else set()
    )
    keys = []
    for record in records:
        key = record["key"]
        if key in existing or (starting and key and key not in taken):
            keys.append(key)
            continue
        if key and not starting:
            changes.refuse(
                sheet.name,
                sheet.header("key"),
                _(
                    "“%(key)s” is not the key of a row of this plan. Leave the key "
                    "empty for a new row."
                )
                % {"key": key},
                row=record["row"],
            )
        keys.append(new_key())
    return keys
