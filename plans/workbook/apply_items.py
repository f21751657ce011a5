"""The import's steps below the plan: items, their divisions, indicators, schedule rows.

Each row is matched to what exists by its key (plans.workbook.keys), so a row
renamed, renumbered or moved keeps its identity and its survey data. Items
are written in two passes, their own fields first and then their links to
other items, so that an item may refer to one further down the sheet. Rows
left out of the workbook are removed last (plans.workbook.removals), once
every kept row points where the workbook says.
"""

from __future__ import annotations

from collections import Counter
from collections import defaultdict
from types import SimpleNamespace

from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from plans.models import Indicator
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Plan
from plans.models import ScheduleRow
from plans.workbook.areas import path_key
from plans.workbook.areas import path_text
from plans.workbook.changes import Changes
from plans.workbook.columns import Sheet
from plans.workbook.columns import english_values
from plans.workbook.keys import resolve_keys
from plans.workbook.read import PlanDraft
from plans.workbook.removals import remove
from plans.workbook.removals import survey_data
from plans.workbook.schema import INDICATORS
from plans.workbook.schema import ITEMS
from plans.workbook.schema import schedule_sheet
from plans.workbook.sync import merge
from plans.workbook.sync import quiet_shifts
from plans.workbook.sync import sync
from reformtracker.lib.labels import item_ref

SCHEDULE_SHEET = schedule_sheet(())


class ItemImport:
    """Writes the items of one plan and what hangs from them."""

    def __init__(
        self, draft: PlanDraft, changes: Changes, plan: Plan, previous: Plan | None
    ):
        self.draft = draft
        self.changes = changes
        self.plan = plan
        self.previous = previous
        self.keys: dict[str, str] = {}  # item number in the workbook -> key
        self.gone_items: list[Item] = []
        self.numbers_before: dict[int, str] = {}  # item id -> number before

    def ref(self, number: str, title: str) -> str:
        """How messages name an item: No.3, or its title in a plan without numbers."""
        return item_ref(SimpleNamespace(number=number, title=title), self.numbered)

    @property
    def numbered(self) -> bool:
        return self.plan.numbered_items

    def items(self, areas, divisions) -> dict[str, Item]:
        """Write the items in the workbook; those left out are removed by remove_items."""
        existing = {i.key: i for i in self.plan.items.all()}
        by_number = {i.number: i for i in existing.values()}
        keys = resolve_keys(
            self.changes,
            ITEMS,
            Item,
            self.draft.items,
            existing,
            keyed=ITEMS.name in self.draft.keyed,
            match=lambda _index, record: by_number.get(record["number"]),
        )
        self.keys = {r["number"]: key for r, key in zip(self.draft.items, keys)}
        self.numbers_before = {i.pk: i.number for i in existing.values()}
        wanted = self.item_fields(areas)
        kept = {key: existing[key] for key in wanted if key in existing}
        self.gone_items = [i for key, i in existing.items() if key not in wanted]
        shifts = [[(key, item.order) for key, item in kept.items()]]
        park_numbers(existing, wanted)
        items, diffs = sync(Item, kept, wanted, plan=self.plan)
        earlier = self.earlier_items()
        items, link_diffs = sync(Item, items, self.item_links(items, earlier))
        diffs = merge(merge(diffs, link_diffs), self.item_divisions(items, divisions))
        numbers = {i.pk: self.ref(i.number, i.title) for i in items.values()}
        names = {
            "carried_from_id": {i.pk: i.number for i in earlier.values()},
            "area_id": {a.pk: path_text(a.path) for a in areas.values()},
            "parent_id": numbers,
            "relisted_from_id": numbers,
            "merged_into_id": numbers,
        }
        self.changes.log(
            ITEMS.name,
            quiet_shifts(diffs, shifts),
            len(wanted),
            lambda key: self.ref(wanted[key]["number"], wanted[key]["title"]),
            names,
        )
        return {number: items[key] for number, key in self.keys.items()}

    def item_fields(self, areas) -> dict[str, dict]:
        """Each item's own fields by key, in workbook order; links to other items come second."""
        return {
            self.keys[i["number"]]: {
                "key": self.keys[i["number"]],
                "number": i["number"],
                "area_id": areas[path_key(i["area_path"])].pk,
                "title": i["title"],
                "purpose": i["purpose"],
                "content": i["content"],
                "is_new": i["is_new"],
                "is_follow_up": i["is_follow_up"],
                "order": order,
                **english_values(i, "title"),
            }
            for order, i in enumerate(self.draft.items, start=1)
        }

    def earlier_items(self) -> dict[str, Item]:
        """The previous plan's items by number; an item carried from none is refused."""
        earlier = (
            {i.number: i for i in self.previous.items.all()} if self.previous else {}
        )
        for record in self.draft.items:
            number = record.get("carried_from")
            if number and number not in earlier:
                self.changes.refuse(
                    ITEMS.name,
                    ITEMS.header("carried_from"),
                    _("%(item)s: the previous plan has no item numbered “%(carried)s”.")
                    % {
                        "item": self.ref(record["number"], record["title"]),
                        "carried": number,
                    },
                )
        return earlier

    def item_links(self, items: dict, earlier: dict) -> dict[str, dict]:
        """Each item's links, once every item of the plan exists, and its state.

        The state comes with the item it was merged into: the database
        checks that only a merged item names one, and only an ended one a year.
        """

        def pk_of(number: str) -> int | None:
            return items[self.keys[number]].pk if number else None

        return {
            self.keys[i["number"]]: {
                "carried_from_id": (
                    earlier[i["carried_from"]].pk
                    if i.get("carried_from") in earlier
                    else None
                ),
                "parent_id": pk_of(i["parent"]),
                "relisted_from_id": pk_of(i["relisted_from"]),
                "merged_into_id": pk_of(i["merged_into"]),
                "state": i["state"],
                "ended_fiscal_year": i["ended_fiscal_year"],
            }
            for i in self.draft.items
        }

    def item_divisions(self, items, divisions) -> dict:
        """Replace the division list of each item whose list changed."""
        current = defaultdict(list)
        for link in (
            ItemDivision.objects.filter(item__in=[i.pk for i in items.values()])
            .order_by("order")
            .select_related("division")
        ):
            current[link.item_id].append(link.division.name)
        diffs, stale, create = {}, [], []
        for record in self.draft.items:
            key = self.keys[record["number"]]
            item = items[key]
            if current[item.pk] == record["divisions"]:
                continue
            stale.append(item.pk)
            create += [
                ItemDivision(item=item, division=divisions[name], order=order)
                for order, name in enumerate(record["divisions"], start=1)
            ]
            diffs[key] = {
                "divisions": (
                    "、".join(current[item.pk]),
                    "、".join(record["divisions"]),
                )
            }
        ItemDivision.objects.filter(item_id__in=stale).delete()
        bulk_create_with_history(create, ItemDivision, batch_size=500)
        return diffs

    def remove_items(self) -> None:
        """Remove the items left out of the workbook, unless they have survey data."""
        remove(
            self.changes,
            ITEMS.name,
            self.key_or(ITEMS, "number"),
            self.gone_items,
            refusal=lambda item: " ".join(
                [
                    _(
                        "%(item)s is not in the workbook but has survey sheets; "
                        "it cannot be removed."
                    )
                    % {"item": item_ref(item, self.numbered)},
                    _(
                        "To end the item, keep its row and write 終了 or 統合 in "
                        "the column 状態."
                    ),
                ]
            ),
            label=lambda item: item_ref(item, self.numbered),
        )

    # Indicators and the schedule

    def indicators(self, items) -> None:
        names = [c.key for c in INDICATORS.columns if c.key not in ("item", "key")]
        self.rows(
            INDICATORS,
            Indicator,
            items,
            self.draft.indicators,
            lambda record: {name: record[name] for name in names},
            refusal=lambda indicator: (
                _(
                    "The indicator “%(name)s” of %(item)s is not in the workbook "
                    "but has actual values; it cannot be removed."
                )
                % {
                    "name": indicator.name,
                    "item": item_ref(indicator.item, self.numbered),
                }
            ),
        )

    def schedule(self, items) -> None:
        self.rows(
            SCHEDULE_SHEET,
            ScheduleRow,
            items,
            self.draft.schedule,
            lambda record: {"activity": record["activity"], "years": record["years"]},
            refusal=lambda row: (
                _(
                    "The schedule row “%(activity)s” of %(item)s is not in the "
                    "workbook but has statuses; it cannot be removed."
                )
                % {"activity": row.activity, "item": item_ref(row.item, self.numbered)}
            ),
        )

    def rows(self, sheet: Sheet, model, items, records, fields_of, *, refusal):
        """Write the indicators or schedule rows of the workbook, each under its item.

        Without keys, a row is the one at its position (1, 2, ...) under its
        item. A row with survey data cannot move to another item.
        """
        existing = {
            row.key: row
            for row in model.objects.filter(item__plan=self.plan).select_related("item")
        }
        places = positions(records)
        by_place = {(row.item.number, row.order): row for row in existing.values()}
        keys = resolve_keys(
            self.changes,
            sheet,
            model,
            records,
            existing,
            keyed=sheet.name in self.draft.keyed,
            match=lambda index, _record: by_place.get(places[index]),
        )
        wanted = {
            key: {
                "key": key,
                "item_id": items[record["item"]].pk,
                "order": place[1],
                **fields_of(record),
            }
            for key, record, place in zip(keys, records, places)
        }
        kept = {key: existing[key] for key in wanted if key in existing}
        self.refuse_moves_with_data(sheet, kept, wanted, dict(zip(keys, records)))
        self.sync_rows(sheet, model, kept, wanted, dict(zip(keys, places)), items)
        # The rows of a removed item go with it (remove_items).
        going = {item.pk for item in self.gone_items}
        remove(
            self.changes,
            sheet.name,
            self.key_or(sheet, "item"),
            [
                row
                for key, row in existing.items()
                if key not in wanted and row.item_id not in going
            ],
            refusal=refusal,
            label=lambda row: f"{item_ref(row.item, self.numbered)} ({row.order})",
        )

    def sync_rows(self, sheet: Sheet, model, kept, wanted, places, items) -> None:
        """Write the rows and log what changed; `places` holds each key's (item number, position)."""
        shifts = defaultdict(list)
        for key, row in kept.items():
            if row.item_id == wanted[key]["item_id"]:
                shifts[row.item_id].append((key, row.order))
        _objects, diffs = sync(model, kept, wanted)
        self.changes.log(
            sheet.name,
            quiet_shifts(diffs, list(shifts.values())),
            len(wanted),
            lambda key: (
                f"{self.ref(places[key][0], items[places[key][0]].title)} "
                f"({places[key][1]})"
            ),
            {"item_id": {item.pk: number for number, item in items.items()}},
        )

    def refuse_moves_with_data(self, sheet, kept, wanted, rows) -> None:
        """A row whose survey data would go with it to another item is refused at its cell."""
        for key, row in kept.items():
            if row.item_id == wanted[key]["item_id"] or not survey_data(row):
                continue
            self.changes.refuse(
                sheet.name,
                sheet.header("item"),
                _(
                    "“%(name)s” has survey data of %(item)s; it cannot move to "
                    "another item. Add a new row instead."
                )
                % {
                    "name": row,
                    "item": self.ref(self.numbers_before[row.item_id], row.item.title),
                },
                row=rows[key]["row"],
            )

    def key_or(self, sheet: Sheet, key: str) -> str:
        """The column that names a row of the sheet: its key, if the workbook has one."""
        return sheet.header("key" if sheet.name in self.draft.keyed else key)


def positions(records: list[dict]) -> list[tuple[str, int]]:
    """Each record's place: its item's number and its position (1, 2, ...) under it."""
    places, count = [], Counter()
    for record in records:
        count[record["item"]] += 1
        places.append((record["item"], count[record["item"]]))
    return places


def park_numbers(existing: dict[str, Item], wanted: dict[str, dict]) -> None:
    """Give the items whose number changes or goes a number no item has, for now.

    Item numbers are unique in a plan, and the database checks them row by
    row: without this, two items could not swap numbers. The parked numbers
    are not kept in the history; the items' own are written right after.
    """
    moving = [
        item.pk
        for key, item in existing.items()
        if key not in wanted or wanted[key]["number"] != item.number
    ]
    if moving:
        Item.objects.filter(pk__in=moving).update(number=Concat(Value("~"), "key"))
