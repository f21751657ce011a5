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
from plans.models.plan import TRANSLATED
from plans.models.schedules import year_span
from plans.workbook.areas import AreaIndex
from plans.workbook.areas import path_text
from plans.workbook.areas import tree_paths
from plans.workbook.cells import to_cell
from plans.workbook.columns import Sheet
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
from plans.workbook.schema import schedule_sheet
from reformtracker.lib import xlsx

# Rows below the last record where the ○/× choice list still applies.
FLAG_ROWS_AHEAD = 500
# The 説明 sheet's lines for the schedule's year columns, which vary by plan.
SCHEDULE_GUIDE = [
    (
        "2017年度（平成29年度） など",
        f"プランの各年度の予定。{ScheduleRow.WORD_LIMIT}文字まで（セル内の改行も可）",
    ),
    (
        "2017～2018年度（平成29～30年度） など",
        "複数年度にわたる予定。見出しの最初の年度から最後の年度までの各年度に当てはまります。"
        "同じ行では、範囲内の年度の列や、範囲が重なる列には書けません。"
        "列がなければ、年度の列の右に見出しを書き足します",
    ),
]
# How typed characters are compared, below the columns of the 説明 sheet.
GUIDE_NOTES = [
    "文字の違い: 評価区分の記号、分野の番号、分野を指す名称（上位分野、取組項目の分野）は、"
    "入力のしかたによる違いを区別しません。〇（漢数字のゼロ）と◯は○、✕は×、全角の英数字"
    "や記号（Ｓ、：、＞）は半角、ローマ数字のⅠ・Ⅱは英字の I・II と同じとみなします。"
    "すでにある記号・番号・名称と同じとみなされたものは、書き換えずにそのまま残ります。",
]


def export_plan(plan: Plan | None) -> bytes:
    """The plan as a plan workbook; with no plan, the empty template."""
    workbook = xlsx.new_workbook()
    years = plan.fiscal_years if plan else range(0)
    rows = plan_rows(plan) if plan else {}
    sheets = (*SHEETS, schedule_sheet(years, spans_of(rows.get(SCHEDULE, []))))
    write_guide(workbook.create_sheet(GUIDE), sheets)
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
            for header, help in SCHEDULE_GUIDE:
                xlsx.put(ws, row, 1, "")
                xlsx.put(ws, row, 2, header)
                xlsx.put(ws, row, 3, "")
                xlsx.put(ws, row, 4, help)
                row += 1
    for line in GUIDE_NOTES:
        row += 1
        xlsx.put_merged(ws, row, 1, 4, line, border=False)
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
    xlsx.set_widths(
        ws,
        [column.width for column in sheet.columns],
        hidden=[c for c, column in enumerate(sheet.columns, start=1) if column.hidden],
    )
    ws.freeze_panes = "A2"


# The records of each sheet, keyed as the sheet's columns.


def spans_of(schedule: list[dict]) -> list[tuple[int, int]]:
    """The spans of fiscal years the schedule's records give words for, in order."""
    spans = set()
    for record in schedule:
        for key in record:
            span = (
                year_span(key.removeprefix("year:"))
                if key.startswith("year:")
                else None
            )
            if span and span[0] < span[1]:
                spans.add(span)
    return sorted(spans)


def area_refs(areas: list) -> tuple[dict[int, str], dict[int, str]]:
    """How the workbook refers to areas: each area's parent, and each area from an item.

    Both by area pk. A parent is found among the rows above its child, an
    item's area among all areas: each is written as the shortest reference
    the reader finds again (plans.workbook.areas).
    """
    by_pk = {a.pk: a for a in areas}
    paths = tree_paths(areas)
    index, parents = AreaIndex(), {}
    for area in areas:
        parent = by_pk.get(area.parent_id)
        if parent in index:
            parents[area.pk] = index.ref_for(parent)
        elif parent is not None:
            # Ordered below its child: the import says where it must go.
            parents[area.pk] = path_text(paths[parent.pk])
        index.add(paths[area.pk], area)
    return parents, {a.pk: index.ref_for(a) for a in areas}


def plan_rows(plan: Plan) -> dict[str, list[dict]]:
    areas = list(plan.areas.order_by("order"))
    parent_refs, item_area_refs = area_refs(areas)
    items = list(
        plan.items.select_related(
            "parent", "relisted_from", "carried_from", "merged_into"
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
                "parent": parent_refs.get(a.pk, ""),
                **english_cells(a, "name"),
            }
            for a in areas
        ],
        DIVISIONS.name: division_records(items),
        ITEMS.name: [item_record(i, item_area_refs[i.area_id]) for i in items],
        INDICATORS.name: records_in_plan_order(
            Indicator, plan, item_order, indicator_record
        ),
        SCHEDULE: records_in_plan_order(
            ScheduleRow,
            plan,
            item_order,
            schedule_record,
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
        "sheet_fields": [(text.code, label) for text, label in plan.sheet_texts()],
        "previous_plan": plan.previous_plan.name if plan.previous_plan else "",
        "item_status_rule": next(
            k for k, v in ITEM_STATUS_RULES.items() if v == plan.item_status_rule
        ),
        "purpose_label": plan.purpose_label,
        "content_label": plan.content_label,
        "reason_label": plan.reason_label,
        **english_cells(plan, *TRANSLATED),
    }


def english_cells(record, *fields: str) -> dict:
    """The English the record has for `fields` (django-modeltrans' `<field>_en`)."""
    return {f"{f}_en": getattr(record, f"{f}_en") or "" for f in fields}


def grade_records(plan: Plan) -> list[dict]:
    return [
        {
            "code": g.code,
            "label": g.label,
            "description": g.description,
            "colour": g.colour,
            "reason_required": g.reason_required,
            **english_cells(g, "label", "description"),
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
            **english_cells(d, "name"),
        }
        for d in sorted(divisions.values(), key=lambda d: d.name)
    ]


def item_record(item, area: str) -> dict:
    """The item's row; `area` is how the workbook refers to its area."""
    return {
        "number": item.number,
        "parent": item.parent.number if item.parent else "",
        "area": area,
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
        **english_cells(item, "title"),
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


def schedule_record(row: ScheduleRow) -> dict:
    """The row's activity and its words, each under its year's or span's column."""
    return {
        "activity": row.activity,
        **{f"year:{years}": word for years, word in row.years.items()},
    }
