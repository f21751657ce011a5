"""Rules across the rows and sheets of a plan workbook, once each cell is read.

Each check reports through `problem(sheet, row, column, message)`, the
reader's, so that problems keep the order in which the file is read. Rows
are (row number, record) pairs as the reader returns them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import partial

from django.utils.translation import gettext as _

from plans.models import City
from plans.models import Item
from plans.models import Plan
from plans.workbook.areas import Ambiguous
from plans.workbook.areas import AreaIndex
from plans.workbook.areas import path_key
from plans.workbook.areas import path_text
from plans.workbook.columns import Sheet
from plans.workbook.schema import AREAS
from plans.workbook.schema import CADENCES
from plans.workbook.schema import ITEM_STATES
from plans.workbook.schema import ITEM_STATUS_RULES
from plans.workbook.schema import ITEMS
from plans.workbook.schema import PLAN
from plans.workbook.schema import RATING_TARGETS
from reformtracker.lib.labels import SHEET_TEXT_BY_CODE
from reformtracker.lib.text import match_key

Report = Callable[[str, int | None, str | None, str], None]


def unique(
    problem: Report,
    sheet: Sheet,
    rows: list,
    key: str,
    *,
    compared: Callable[[str], str] | None = None,
) -> list:
    """The rows whose `key` is not already in an earlier row; the others are refused.

    `compared` turns values into what is compared (match_key for grade
    codes typed by hand: 〇 is ○).
    """
    seen: dict[str, int] = {}
    result = []
    for row, record in rows:
        value = record[key]
        compared_value = compared(value) if compared and value else value
        if value and compared_value in seen:
            already(problem, sheet, row, key, value, seen[compared_value])
            continue
        seen[compared_value] = row
        result.append((row, record))
    return result


def already(problem: Report, sheet: Sheet, row: int, key: str, value, first: int):
    problem(
        sheet.name,
        row,
        sheet.header(key),
        _("“%(value)s” is already in row %(row)s.") % {"value": value, "row": first},
    )


def numbered(problem: Report, rows: list, numbered: bool) -> list:
    """Items with a number each: required if the plan shows numbers, else given in order."""
    taken = {record["number"] for _row, record in rows if record["number"]}
    counter = 0
    for row, record in rows:
        if record["number"]:
            continue
        if numbered:
            problem(
                ITEMS.name, row, ITEMS.header("number"), _("This cell is required.")
            )
            continue
        counter += 1
        while str(counter) in taken:
            counter += 1
        record["number"] = str(counter)
        taken.add(record["number"])
    return rows


# The plan's row. Its words (報告周期, 評価の単位, 記入項目) become the values
# the plan stores.


def check_plan(problem: Report, row: int, plan: dict, by=None) -> None:
    def fault(key: str, message: str) -> None:
        problem(PLAN.name, row, PLAN.header(key), message)

    plan["city"] = city(fault, plan.get("city"), by)
    first, last = plan.get("first_fiscal_year"), plan.get("last_fiscal_year")
    if first and last and first > last:
        fault("last_fiscal_year", _("The last fiscal year is before the first."))
    if plan.get("cadence") and plan["cadence"] not in CADENCES:
        fault("cadence", _("Write 半期 or 通年."))
    else:
        plan["cadence"] = CADENCES.get(plan.get("cadence"), "")
    target = plan.get("rating_target") or "項目"
    if target not in RATING_TARGETS:
        fault("rating_target", _("Write 項目 or 工程表の行."))
    plan["rating_target"] = RATING_TARGETS.get(target, Plan.RatingTarget.ITEM)
    rule = plan.get("item_status_rule") or "最も遅れている行"
    if rule not in ITEM_STATUS_RULES:
        fault(
            "item_status_rule",
            _("Write 最も遅れている行, 最後に記入した行 or 所管課が記入."),
        )
    plan["item_status_rule"] = ITEM_STATUS_RULES.get(rule, Plan.ItemStatusRule.WORST)
    plan["sheet_fields"] = sheet_fields(fault, plan.get("sheet_fields"))
    if plan.get("scale_code") and not re.fullmatch(
        r"[-a-zA-Z0-9_]+", plan["scale_code"]
    ):
        fault("scale_code", _("Use only letters, digits, - and _."))


def city(fault: Callable[[str, str], None], name: str | None, by) -> City | None:
    """The city the 自治体 cell names; it must exist, and `by` (the importing
    user, None for a trusted caller) must administer it."""
    if not name:
        return None
    found = City.objects.filter(name=name).first()
    if found is None:
        fault("city", _("No city named “%(name)s” on this site.") % {"name": name})
    elif by is not None and not found.is_administered_by(by):
        fault("city", _("You do not administer %(city)s.") % {"city": name})
    return found


def sheet_fields(fault: Callable[[str, str], None], parts: list | None) -> list:
    """The texts a survey sheet asks for, from codes such as P, D=取組状況, A."""
    fields = []
    for code, label in parts or [("P", ""), ("D", ""), ("A", "")]:
        text = SHEET_TEXT_BY_CODE.get(match_key(code).upper())
        name = text.field if text else None
        if name is None or name in [f["field"] for f in fields]:
            fault(
                "sheet_fields",
                _("“%(part)s”: list P, D and A, each at most once, as in D=取組状況.")
                % {"part": f"{code}={label}" if label else code},
            )
            continue
        fields.append({"field": name, "label": label})
    return fields


# Areas and items


def check_areas(problem: Report, rows: list) -> tuple[list, AreaIndex]:
    """Each area's parent is listed above it; names are unique among siblings.

    Each kept record gets its "path", the names from the top area down to it.
    Returns the kept rows and the index that finds them by reference.
    """
    above = AreaIndex()
    seen: dict[str, int] = {}  # path (as compared) -> row
    kept = []
    for row, area in rows:
        parent_path: tuple[str, ...] = ()
        if area["parent"]:
            parent = find_area(
                lambda message, row=row: problem(
                    AREAS.name, row, AREAS.header("parent"), message
                ),
                above,
                area["parent"],
                _("“%(name)s” must be an area listed above this row."),
            )
            parent_path = parent["path"] if parent else ()
        area["path"] = path = (*parent_path, area["name"])
        key = path_key(path)
        if area["name"] and key in seen:
            already(problem, AREAS, row, "name", area["name"], seen[key])
            continue
        seen[key] = row
        above.add(path, area)
        kept.append((row, area))
    return kept, above


def find_area(fault, index: AreaIndex, ref: str, missing: str):
    """The area `ref` names, or None, saying why with `fault(message)`."""
    try:
        found = index.find(ref)
    except Ambiguous as ambiguous:
        fault(
            _(
                "Several areas are named “%(name)s”; write the path of the one "
                "meant, such as “%(path)s”."
            )
            % {"name": ref, "path": path_text(ambiguous.path)}
        )
        return None
    if found is None:
        fault(missing % {"name": ref})
    return found


def check_items(
    problem: Report, items: list, areas: AreaIndex, divisions: list
) -> None:
    """Each item's area, the items it refers to, and its divisions exist.

    Each item gets the "area_path" of its area.
    """
    division_names = {d["name"] for _row, d in divisions}
    by_number = {i["number"]: i for _row, i in items}
    for row, item in items:

        def fault(key: str, message: str, row: int = row) -> None:
            problem(ITEMS.name, row, ITEMS.header(key), message)

        area = item["area"] and find_area(
            partial(fault, "area"),
            areas,
            item["area"],
            _("No area named “%(name)s” in the sheet “分野”."),
        )
        item["area_path"] = area["path"] if area else None
        check_item_links(fault, item, by_number)
        check_item_divisions(fault, item, division_names)
        check_item_state(fault, item)


def check_item_links(fault, item: dict, by_number: dict) -> None:
    """The parent, the source of a re-listing and the item merged into are other items."""
    for key in ("parent", "relisted_from", "merged_into"):
        number = item[key]
        if not number:
            continue
        if number == item["number"]:
            fault(key, _("An item cannot refer to itself."))
        elif number not in by_number:
            fault(
                key,
                _("No item numbered “%(number)s” in this sheet.") % {"number": number},
            )
        elif key == "relisted_from" and by_number[number]["relisted_from"]:
            fault(
                key,
                _("The item “%(number)s” is itself a re-listing; refer to its source.")
                % {"number": number},
            )
    if (
        item["parent"] in by_number
        and by_number[item["parent"]]["parent"] == item["number"]
    ):
        fault("parent", _("Two items cannot be each other's parent."))


def check_item_state(fault, item: dict) -> None:
    """The state word becomes the stored state; only a merged item names where it went."""
    word = item["state"] or "実施中"
    if word not in ITEM_STATES:
        fault("state", _("Write 実施中, 終了 or 統合."))
    item["state"] = state = ITEM_STATES.get(word, Item.State.ACTIVE)
    merged = state == Item.State.MERGED
    if item["merged_into"] and not merged:
        fault(
            "merged_into", _("Only a merged item (統合) names the item it went into.")
        )
    if merged and not item["merged_into"]:
        fault("merged_into", _("Name the item this item was merged into."))
    if item["ended_fiscal_year"] and state == Item.State.ACTIVE:
        fault(
            "ended_fiscal_year",
            _("Only an ended (終了) or merged (統合) item has a year it ended."),
        )


def check_item_divisions(fault, item: dict, division_names: set[str]) -> None:
    duplicates = [n for n, count in Counter(item["divisions"]).items() if count > 1]
    for name in item["divisions"]:
        if name not in division_names:
            fault(
                "divisions",
                _("No division named “%(name)s” in the sheet “所管課”.")
                % {"name": name},
            )
    for name in duplicates:
        fault("divisions", _("“%(name)s” is listed twice.") % {"name": name})


def check_item_numbers(problem: Report, sheet: Sheet, rows: list, items: list) -> None:
    """The rows of indicators or of the schedule belong to items of the workbook."""
    numbers = {i["number"] for _row, i in items}
    for row, record in rows:
        if record["item"] and record["item"] not in numbers:
            problem(
                sheet.name,
                row,
                sheet.header("item"),
                _("No item numbered “%(number)s” in the sheet “取組項目”.")
                % {"number": record["item"]},
            )
