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
from reformtracker.lib.labels import SHEET_TEXT_BY_FIELD
from reformtracker.lib.labels import SHEET_TEXTS
from reformtracker.lib.labels import in_japanese
from reformtracker.lib.text import not_a_formula
from surveys.progress import AreaProgress
from surveys.progress import item_status
from surveys.progress import plan_progress
from surveys.progress import published_periods
from surveys.progress import sheets_by_item_and_period
from surveys.reports.cells import row_statuses

# key, Japanese label (the data dictionary), whether a plan has the column.
# Columns a plan does not use are left out of its table and its dictionary.
ALWAYS = "always"
NUMBERED = "numbered"  # the plan shows item numbers
UNNUMBERED = "unnumbered"
ITEM_RATED = "item_rated"  # the division rates each item
ROWS_RATED = "rows_rated"  # a status per schedule row
SECOND_ROUND = "second_round"
COLUMNS = [
    ("city", "自治体", ALWAYS),
    ("plan", "プラン", ALWAYS),
    ("fiscal_year", "年度（西暦）", ALWAYS),
    ("fiscal_year_label", "年度", ALWAYS),
    ("half", "期間（first=上半期, second=下半期, whole=通年）", ALWAYS),
    ("policy_area", "分野（上の階層から「|」区切り）", ALWAYS),
    ("policy_area_keys", "分野キー（上の階層から「|」区切り）", ALWAYS),
    ("item_number", "項目番号", NUMBERED),
    ("item_key", "項目キー（番号が変わっても変わらない、項目の識別子）", ALWAYS),
    ("item_state", "状態（active=実施中, ended=終了, merged=統合）", ALWAYS),
    ("merged_into", "統合先の項目番号（状態がmergedのとき）", NUMBERED),
    ("merged_into_key", "統合先の項目キー（状態がmergedのとき）", ALWAYS),
    ("parent_number", "親項目の番号", NUMBERED),
    ("parent_key", "親項目の項目キー", UNNUMBERED),
    ("title", "取組項目", ALWAYS),
    ("tags", "区分（新規・フォローアップ、「|」区切り）", ALWAYS),
    ("relisted_from", "再掲元の項目番号", NUMBERED),
    ("relisted_from_key", "再掲元の項目キー", UNNUMBERED),
    ("divisions", "所管課（「|」区切り）", ALWAYS),
    ("item_status", "項目の状況（評価区分のコード）", ROWS_RATED),
    ("schedule_statuses", "工程表の行ごとの状況（「行:コード」、「|」区切り）", ROWS_RATED),
    ("division_rating", "{division}（評価区分のコード）", ITEM_RATED),
    ("division_reason", "{division}の{reason}", ITEM_RATED),
    ("hq_rating", "2次評価（評価区分のコード）", SECOND_ROUND),
    ("hq_reason", "2次評価の理由", SECOND_ROUND),
    *((text.field, "{%s}" % text.field, text.field) for text in SHEET_TEXTS),
]  # fmt: skip


def plan_columns(plan: Plan) -> list[tuple[str, str]]:
    """The (key, label) of each column the plan's table has, labels in its own words."""
    texts = dict(plan.text_fields)
    has = {
        ALWAYS: True,
        NUMBERED: plan.numbered_items,
        UNNUMBERED: not plan.numbered_items,
        ITEM_RATED: not plan.rates_schedule_rows,
        ROWS_RATED: plan.rates_schedule_rows,
        SECOND_ROUND: plan.second_round and not plan.rates_schedule_rows,
        **{field: field in texts for field in SHEET_TEXT_BY_FIELD},
    }
    words = {
        "division": "1次評価" if plan.second_round else "評価",
        "reason": in_japanese(plan.reason_heading),
        **{field: in_japanese(label) for field, label in texts.items()},
    }
    return [(key, label.format(**words)) for key, label, when in COLUMNS if has[when]]


def published_records(plan: Plan) -> list[dict]:
    """Every item of every published period, re-listings with their source's sheet.

    Each record holds the plan's columns only (see `plan_columns`).
    """
    periods = published_periods(plan)
    sheets = sheets_by_item_and_period(periods, plan)
    structure = plan_progress(plan, None)
    items = [
        (area, row.item)
        for area in structure.areas
        for parent in area.rows
        for row in (parent, *parent.sub_items)
    ]
    keys = [key for key, _label in plan_columns(plan)]
    records = []
    for period in periods:
        for area, item in items:
            sheet = sheets.get((item.sheet_item_id, period.pk))
            record = _record(plan, period, area, item, sheet)
            records.append({key: record[key] for key in keys})
    return records


def _record(plan: Plan, period: Period, area: AreaProgress, item, sheet) -> dict:
    def number(other):
        return other.number if other else ""

    def key(other):
        return other.key if other else ""

    status = item_status(plan, sheet)
    return {
        "city": plan.city.name,
        "plan": plan.name,
        "fiscal_year": period.fiscal_year,
        "fiscal_year_label": fiscal_year_label(period.fiscal_year),
        "half": period.half,
        "policy_area": "|".join(str(a) for a in area.path),
        "policy_area_keys": "|".join(a.key for a in area.path),
        "item_number": item.number,
        "item_key": item.key,
        "item_state": item.state,
        "merged_into": number(item.merged_into),
        "merged_into_key": key(item.merged_into),
        "parent_number": number(item.parent),
        "parent_key": key(item.parent),
        "title": item.title,
        "tags": "|".join(item.tags),
        "relisted_from": number(item.relisted_from),
        "relisted_from_key": key(item.relisted_from),
        "divisions": "|".join(d.name for d in item.division_list),
        "item_status": status.code if status else "",
        "schedule_statuses": row_statuses(sheet, "|", ":"),
        "division_rating": sheet.division_grade.code
        if sheet and sheet.division_grade
        else "",
        "division_reason": sheet.division_reason if sheet else "",
        "hq_rating": sheet.hq_grade.code if sheet and sheet.hq_grade else "",
        "hq_reason": sheet.hq_reason if sheet else "",
        "plan_text": sheet.plan_text if sheet else "",
        "done_text": sheet.done_text if sheet else "",
        "next_text": sheet.next_text if sheet else "",
    }


def csv_cell(value) -> str | int:
    if not isinstance(value, str):
        return value
    return not_a_formula(value.replace("\r\n", "\n").replace("\n", "\\n"))


def to_csv(plan: Plan, records: list[dict]) -> bytes:
    keys = [key for key, _label in plan_columns(plan)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(keys)
    for record in records:
        writer.writerow([csv_cell(record[key]) for key in keys])
    return buffer.getvalue().encode("utf-8-sig")


def to_json(plan: Plan, records: list[dict]) -> dict:
    return {
        "city": plan.city.name,
        "plan": plan.name,
        "columns": [{"key": key, "label": label} for key, label in plan_columns(plan)],
        "grades": [
            {"code": g.code, "label": g.label, "description": g.description}
            for g in plan.rating_scale.grades.all()
        ],
        "records": records,
    }
