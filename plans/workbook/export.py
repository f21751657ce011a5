"""Writing a plan as a plan workbook, or the empty template, with its 説明 guide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plans.models import Division
from plans.models import Indicator
from plans.models import Plan
from plans.models import ScheduleRow
from plans.workbook.cells import to_cell
from plans.workbook.schema import AREAS
from plans.workbook.schema import CADENCES
from plans.workbook.schema import DIVISIONS
from plans.workbook.schema import GUIDE
from plans.workbook.schema import INDICATORS
from plans.workbook.schema import ITEM_STATES
from plans.workbook.schema import ITEM_STATUS_RULES
from plans.workbook.schema import ITEMS
from plans.workbook.schema import NO
from plans.workbook.schema import PLAN
from plans.workbook.schema import RATING_TARGETS
from plans.workbook.schema import SCALE
from plans.workbook.schema import SCHEDULE
from plans.workbook.schema import SHEETS
from plans.workbook.schema import YES
from plans.workbook.schema import Sheet
from plans.workbook.schema import schedule_sheet
from reformtracker.lib import xlsx

# Rows below the last record where the ○/× choice list still applies.
FLAG_ROWS_AHEAD = 500


def export_plan(plan: Plan | None) -> bytes:
    """The plan as a plan workbook; with no plan, the empty template."""
    workbook = xlsx.new_workbook()
    years = plan.fiscal_years if plan else range(0)
    sheets = (*SHEETS, schedule_sheet(years))
    write_guide(workbook.create_sheet(GUIDE), sheets)
    rows = plan_rows(plan) if plan else {}
    for sheet in sheets:
        write_table(workbook.create_sheet(sheet.name), sheet, rows.get(sheet.name, []))
    return xlsx.save(workbook)


def write_guide(ws, sheets) -> None:
    """The 説明 sheet: each sheet and column, whether it is required, and what it holds."""
    xlsx.put(
        ws, 1, 1, "ReformTracker プラン・ワークブック", font=xlsx.TITLE, border=False
    )
    xlsx.put(
        ws,
        2,
        1,
        "各シートの1行目が見出しです。見出しは変えずに、2行目から1行に1件ずつ記入します。"
        "数式は使えません。○は「はい」の意味です。非表示の「キー」列は、取り込むときに"
        "行を見分けるためのものです。変えずにおいてください。",
        border=False,
    )
    xlsx.header_row(ws, 4, ["シート", "列", "必須", "説明"])
    row = 5
    for sheet in sheets:
        xlsx.put(ws, row, 1, sheet.name, font=xlsx.BOLD)
        xlsx.put_merged(ws, row, 2, 4, sheet.help)
        row += 1
        for column in sheet.columns:
            xlsx.put(ws, row, 1, "")
            xlsx.put(ws, row, 2, column.header)
            xlsx.put(ws, row, 3, YES if column.required else "", alignment=xlsx.CENTER)
            xlsx.put(ws, row, 4, column.help)
            row += 1
        if sheet.name == SCHEDULE:
            xlsx.put(ws, row, 1, "")
            xlsx.put(ws, row, 2, "2017年度（平成29年度） など")
            xlsx.put(ws, row, 3, "")
            xlsx.put(ws, row, 4, "プランの各年度の予定")
            row += 1
    xlsx.set_widths(ws, [14, 22, 6, 90])


def write_table(ws, sheet: Sheet, rows: list[dict]) -> None:
    """The records under the header row; flag columns offer ○ and × to choose from.

    Hidden columns (the keys) stay in the file, out of the way of editing.
    """
    xlsx.header_row(ws, 1, [c.header for c in sheet.columns])
    for r, record in enumerate(rows, start=2):
        for c, column in enumerate(sheet.columns, start=1):
            xlsx.put(ws, r, c, to_cell(column, record.get(column.key)))
            if column.kind == "date" and record.get(column.key):
                ws.cell(r, c).number_format = "yyyy/m/d"
    flags = [
        c for c, column in enumerate(sheet.columns, start=1) if column.kind == "flag"
    ]
    for c in flags:
        validation = DataValidation(
            type="list", formula1=f'"{YES},{NO}"', allow_blank=True
        )
        letter = get_column_letter(c)
        validation.add(f"{letter}2:{letter}{max(len(rows) + 1, 2) + FLAG_ROWS_AHEAD}")
        ws.add_data_validation(validation)
    xlsx.set_widths(ws, [column.width for column in sheet.columns])
    for c, column in enumerate(sheet.columns, start=1):
        if column.hidden:
            ws.column_dimensions[get_column_letter(c)].hidden = True
    ws.freeze_panes = "A2"


# The records of each sheet, keyed as the sheet's columns.


def plan_rows(plan: Plan) -> dict[str, list[dict]]:
    areas = list(plan.areas.select_related("parent").order_by("order"))
    items = list(
        plan.items.select_related(
            "area", "parent", "relisted_from", "carried_from", "merged_into"
        )
        .prefetch_related("division_links__division")
        .order_by("order")
    )
    item_order = {item.pk: item.order for item in items}
    return {
        PLAN.name: [plan_record(plan)],
        SCALE.name: grade_records(plan),
        AREAS.name: [
            {
                "number": a.number,
                "name": a.name,
                "parent": a.parent.name if a.parent else "",
            }
            for a in areas
        ],
        DIVISIONS.name: division_records(items),
        ITEMS.name: [item_record(i) for i in items],
        INDICATORS.name: records_in_plan_order(
            Indicator, plan, item_order, indicator_record
        ),
        SCHEDULE: records_in_plan_order(
            ScheduleRow,
            plan,
            item_order,
            lambda row: schedule_record(row, plan.fiscal_years),
        ),
    }


def plan_record(plan: Plan) -> dict:
    return {
        "city": plan.city.name,
        "name": plan.name,
        "first_fiscal_year": plan.first_fiscal_year,
        "last_fiscal_year": plan.last_fiscal_year,
        "cadence": next(k for k, v in CADENCES.items() if v == plan.cadence),
        "scale_code": plan.rating_scale.code,
        "scale_name": plan.rating_scale.name,
        "numbered_items": plan.numbered_items,
        "second_round": plan.second_round,
        "rating_target": next(
            k for k, v in RATING_TARGETS.items() if v == plan.rating_target
        ),
        "sheet_fields": [
            text.code + (f"={label}" if label else "")
            for text, label in plan.sheet_texts()
        ],
        "previous_plan": plan.previous_plan.name if plan.previous_plan else "",
        "item_status_rule": next(
            k for k, v in ITEM_STATUS_RULES.items() if v == plan.item_status_rule
        ),
        "purpose_label": plan.purpose_label,
        "content_label": plan.content_label,
        "reason_label": plan.reason_label,
    }


def grade_records(plan: Plan) -> list[dict]:
    return [
        {
            "code": g.code,
            "label": g.label,
            "description": g.description,
            "colour": g.colour,
            "reason_required": g.reason_required,
        }
        for g in plan.rating_scale.grades.order_by("order")
    ]


def division_records(items: list) -> list[dict]:
    """The divisions the plan's items name, each once, by name."""
    divisions: dict[int, Division] = {}
    for item in items:
        for division in item.division_list:
            divisions.setdefault(division.pk, division)
    return [
        {
            "name": d.name,
            "former_names": [n for n in d.former_names.split("、") if n],
            "active": d.active,
        }
        for d in sorted(divisions.values(), key=lambda d: d.name)
    ]


def item_record(item) -> dict:
    return {
        "number": item.number,
        "parent": item.parent.number if item.parent else "",
        "area": item.area.name,
        "title": item.title,
        "purpose": item.purpose,
        "content": item.content,
        "is_new": item.is_new,
        "is_follow_up": item.is_follow_up,
        "relisted_from": item.relisted_from.number if item.relisted_from else "",
        "divisions": [d.name for d in item.division_list],
        "carried_from": item.carried_from.number if item.carried_from else "",
        "state": next(k for k, v in ITEM_STATES.items() if v == item.state),
        "ended_fiscal_year": item.ended_fiscal_year,
        "merged_into": item.merged_into.number if item.merged_into else "",
        "key": item.key,
    }


def records_in_plan_order(
    model: type[Indicator | ScheduleRow],
    plan: Plan,
    item_order: dict[int, int],
    record: Callable[[Any], dict],
) -> list[dict]:
    """The plan's indicators or schedule rows as records, in plan order.

    Ordered by their item's place, then their own; each record is the row's
    item number, `record(row)`, then the row's key.
    """
    rows = model.objects.filter(item__plan=plan).select_related("item")
    return [
        {"item": row.item.number, **record(row), "key": row.key}
        for row in sorted(rows, key=lambda row: (item_order[row.item_id], row.order))
    ]


def indicator_record(indicator: Indicator) -> dict:
    return {
        "marker": indicator.marker,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline_text": indicator.baseline_text,
        "baseline_value": indicator.baseline_value,
        "baseline_as_of": indicator.baseline_as_of,
        "target_text": indicator.target_text,
        "target_value": indicator.target_value,
        "target_fiscal_year": indicator.target_fiscal_year,
    }


def schedule_record(row: ScheduleRow, years: range) -> dict:
    return {
        "activity": row.activity,
        **{f"year:{year}": row.word_for(year) for year in years},
    }
