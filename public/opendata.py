"""Published results as open data: one record per item and published period.

Follows the national rule for machine-readable administrative data (2026):
one table, header in row 1, ASCII column names, one value per cell, codes
for grades, the fiscal year both as a Western year and as its Japanese name.
CSV is UTF-8 with a BOM (so Excel in Japan opens it correctly) and CRLF line
ends; a line break inside a text is written as the two characters \\n so
that every record is one line, and a text starting with = + - @ gets a
leading ' so spreadsheet programs never run it as a formula.
"""

from __future__ import annotations

import csv
import io

from plans.models import Period
from plans.models import Plan
from reformtracker.lib.fiscal import fiscal_year_label
from reformtracker.lib.labels import SHEET_TEXTS
from reformtracker.lib.labels import in_japanese
from reformtracker.lib.text import not_a_formula
from surveys.progress import plan_progress
from surveys.progress import published_periods
from surveys.progress import sheets_by_item_and_period

# key, Japanese label (the data dictionary)
COLUMNS = [
    ("city", "自治体"),
    ("plan", "プラン"),
    ("fiscal_year", "年度（西暦）"),
    ("fiscal_year_label", "年度"),
    ("half", "期間（first=上半期, second=下半期, whole=通年）"),
    ("policy_area", "分野"),
    ("item_number", "項目番号"),
    ("item_key", "項目キー（番号が変わっても変わらない、項目の識別子）"),
    ("item_state", "状態（active=実施中, ended=終了, merged=統合）"),
    ("merged_into", "統合先の項目番号（状態がmergedのとき）"),
    ("merged_into_key", "統合先の項目キー（状態がmergedのとき）"),
    ("parent_number", "親項目の番号"),
    ("title", "取組項目"),
    ("tags", "区分（新規・フォローアップ、「|」区切り）"),
    ("relisted_from", "再掲元の項目番号"),
    ("divisions", "所管課（「|」区切り）"),
    ("division_rating", "1次評価（評価区分のコード）"),
    ("division_reason", "1次評価の理由"),
    ("hq_rating", "2次評価（評価区分のコード）"),
    ("hq_reason", "2次評価の理由"),
    ("schedule_statuses", "工程表の行ごとの状況（評価区分のコード、「|」区切り）"),
    *((text.field, in_japanese(text.label)) for text in SHEET_TEXTS),
]


def published_records(plan: Plan) -> list[dict]:
    """Every item of every published period, re-listings with their source's sheet."""
    periods = published_periods(plan)
    sheets = sheets_by_item_and_period(periods, plan)
    structure = plan_progress(plan, None)
    items = [
        (area.area, row.item)
        for area in structure.areas
        for parent in area.rows
        for row in (parent, *parent.sub_items)
    ]
    return [
        _record(plan, period, area, item, sheets.get((item.sheet_item_id, period.pk)))
        for period in periods
        for area, item in items
    ]


def _record(plan: Plan, period: Period, area, item, sheet) -> dict:
    return {
        "city": plan.city.name,
        "plan": plan.name,
        "fiscal_year": period.fiscal_year,
        "fiscal_year_label": fiscal_year_label(period.fiscal_year),
        "half": period.half,
        "policy_area": area.name,
        "item_number": item.number,
        "item_key": item.key,
        "item_state": item.state,
        "merged_into": item.merged_into.number if item.merged_into_id else "",
        "merged_into_key": item.merged_into.key if item.merged_into_id else "",
        "parent_number": item.parent.number if item.parent_id else "",
        "title": item.title,
        "tags": "|".join(item.tags),
        "relisted_from": item.relisted_from.number if item.relisted_from_id else "",
        "divisions": "|".join(d.name for d in item.division_list),
        "division_rating": sheet.division_grade.code
        if sheet and sheet.division_grade
        else "",
        "division_reason": sheet.division_reason if sheet else "",
        "hq_rating": sheet.hq_grade.code if sheet and sheet.hq_grade else "",
        "hq_reason": sheet.hq_reason if sheet else "",
        "schedule_statuses": "|".join(
            status.grade.code if status.grade else ""
            for status in getattr(sheet, "status_list", [])
        ),
        "plan_text": sheet.plan_text if sheet else "",
        "done_text": sheet.done_text if sheet else "",
        "next_text": sheet.next_text if sheet else "",
    }


def csv_cell(value) -> str | int:
    if not isinstance(value, str):
        return value
    return not_a_formula(value.replace("\r\n", "\n").replace("\n", "\\n"))


def to_csv(records: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([key for key, _ in COLUMNS])
    for record in records:
        writer.writerow([csv_cell(record[key]) for key, _ in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def to_json(plan: Plan, records: list[dict]) -> dict:
    return {
        "city": plan.city.name,
        "plan": plan.name,
        "columns": [{"key": key, "label": label} for key, label in COLUMNS],
        "grades": [
            {"code": g.code, "label": g.label, "description": g.description}
            for g in plan.rating_scale.grades.all()
        ],
        "records": records,
    }
