"""The import's steps below the plan: items, their divisions, indicators, schedule rows.

Items are written in two passes, their own fields first and then their links
to other items, so that an item may refer to one further down the sheet.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Plan
from plans.models import ScheduleRow
from plans.workbook.changes import Changes
from plans.workbook.read import PlanDraft
from plans.workbook.schema import INDICATORS
from plans.workbook.schema import ITEMS
from plans.workbook.schema import SCHEDULE
from plans.workbook.sync import delete_positional
from plans.workbook.sync import merge
from plans.workbook.sync import sync
from plans.workbook.sync import sync_positional


class ItemImport:
    """Writes the items of one plan and what hangs from them."""

    def __init__(
        self, draft: PlanDraft, changes: Changes, plan: Plan, previous: Plan | None
    ):
        self.draft = draft
        self.changes = changes
        self.plan = plan
        self.previous = previous

    def items(self, areas, divisions) -> dict[str, Item]:
        """Write the items in the workbook and remove the others, unless sheets keep one."""
        existing = {i.number: i for i in self.plan.items.all()}
        wanted = self.item_fields(areas)
        gone = [item for number, item in existing.items() if number not in wanted]
        kept = self.items_with_sheets(gone)
        items, diffs = sync(Item, existing, wanted, plan=self.plan)
        earlier = self.earlier_items()
        items, link_diffs = sync(Item, items, self.item_links(items, earlier))
        diffs = merge(merge(diffs, link_diffs), self.item_divisions(items, divisions))
        numbers = {i.pk: i.number for i in items.values()}
        names = {
            "carried_from_id": {i.pk: i.number for i in earlier.values()},
            "area_id": {a.pk: a.name for a in areas.values()},
            "parent_id": numbers,
            "relisted_from_id": numbers,
        }
        self.changes.log(ITEMS.name, diffs, len(wanted), lambda key: f"No.{key}", names)
        if gone and not kept:
            Item.objects.filter(pk__in=[i.pk for i in gone]).delete()
            for item in gone:
                self.changes.add(ITEMS.name, f"No.{item.number}", "delete")
        return {number: items[number] for number in wanted}

    def item_fields(self, areas) -> dict[str, dict]:
        """Each item's own fields by number; links to other items come second."""
        return {
            i["number"]: {
                "number": i["number"],
                "area_id": areas[i["area"]].pk,
                "title": i["title"],
                "purpose": i["purpose"],
                "content": i["content"],
                "is_new": i["is_new"],
                "is_follow_up": i["is_follow_up"],
                "order": order,
            }
            for order, i in enumerate(self.draft.items, start=1)
        }

    def items_with_sheets(self, gone: list[Item]) -> list[str]:
        """The numbers of the items to remove that survey sheets keep, each refused."""
        kept = sorted(
            Item.objects.filter(pk__in=[i.pk for i in gone], sheets__isnull=False)
            .values_list("number", flat=True)
            .distinct()
        )
        for number in kept:
            self.changes.refuse(
                ITEMS.name,
                ITEMS.header("number"),
                _(
                    "No.%(number)s is not in the workbook but has survey sheets; "
                    "it cannot be removed."
                )
                % {"number": number},
            )
        return kept

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
                    _("No.%(number)s: the previous plan has no item No.%(carried)s.")
                    % {"number": record["number"], "carried": number},
                )
        return earlier

    def item_links(self, items: dict, earlier: dict) -> dict[str, dict]:
        """Each item's links, once every item of the plan exists."""
        return {
            i["number"]: {
                "carried_from_id": (
                    earlier[i["carried_from"]].pk
                    if i.get("carried_from") in earlier
                    else None
                ),
                "parent_id": items[i["parent"]].pk if i["parent"] else None,
                "relisted_from_id": (
                    items[i["relisted_from"]].pk if i["relisted_from"] else None
                ),
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
            item = items[record["number"]]
            if current[item.pk] == record["divisions"]:
                continue
            stale.append(item.pk)
            create += [
                ItemDivision(item=item, division=divisions[name], order=order)
                for order, name in enumerate(record["divisions"], start=1)
            ]
            diffs[record["number"]] = {
                "divisions": (
                    "、".join(current[item.pk]),
                    "、".join(record["divisions"]),
                )
            }
        ItemDivision.objects.filter(item_id__in=stale).delete()
        bulk_create_with_history(create, ItemDivision, batch_size=500)
        return diffs

    # Indicators and the schedule

    def indicators(self, items) -> None:
        keys = [c.key for c in INDICATORS.columns if c.key != "item"]
        gone = sync_positional(
            self.changes,
            INDICATORS.name,
            Indicator,
            self.plan,
            items,
            self.draft.indicators,
            lambda record: {key: record[key] for key in keys},
        )
        with_values = set(
            IndicatorValue.objects.filter(indicator__in=gone)
            .exclude(text="")
            .values_list("indicator_id", flat=True)
        )
        for indicator in gone:
            if indicator.pk in with_values:
                self.changes.refuse(
                    INDICATORS.name,
                    None,
                    _(
                        "The indicator “%(name)s” of No.%(number)s is not in the "
                        "workbook but has actual values; it cannot be removed."
                    )
                    % {"name": indicator.name, "number": indicator.item.number},
                )
        delete_positional(self.changes, INDICATORS.name, Indicator, gone)

    def schedule(self, items) -> None:
        gone = sync_positional(
            self.changes,
            SCHEDULE,
            ScheduleRow,
            self.plan,
            items,
            self.draft.schedule,
            lambda record: {"activity": record["activity"], "years": record["years"]},
        )
        delete_positional(self.changes, SCHEDULE, ScheduleRow, gone)
