"""The trend (推移): each item's resulting rating across periods."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from plans.models import Period
from plans.models import Plan
from reformtracker.lib import xlsx
from reformtracker.lib.labels import period_label
from surveys.progress import item_row
from surveys.progress import plan_progress
from surveys.progress import sheets_by_item_and_period
from surveys.reports.cells import put_item_status
from surveys.reports.cells import put_title
from surveys.reports.cells import relisting_text


def trend_workbook(plan: Plan, periods: list[Period]) -> bytes:
    """One row per item, one column per period: the item's rating in each.

    For a plan that rates schedule rows, the item's status with each row's under it.
    """
    structure = plan_progress(plan, None)
    sheets = sheets_by_item_and_period(periods, plan)
    lead = ["分野", "No.", "取組項目"] if plan.numbered_items else ["分野", "取組項目"]
    lead_widths = [28, 8, 40] if plan.numbered_items else [28, 40]
    period_width = 24 if plan.rates_schedule_rows else 14
    headers = [*lead, *(period_label(p) for p in periods)]
    workbook = xlsx.new_workbook()
    ws = workbook.create_sheet("評価の推移")
    put_title(ws, f"{plan.city} {plan.name} {_title(plan)}", len(headers))
    xlsx.header_row(ws, 2, headers)
    row = 3
    first_period = len(lead) + 1
    for area in structure.areas:
        for listed in (r for parent in area.rows for r in (parent, *parent.sub_items)):
            item = listed.item
            title = item.title + relisting_text(item)
            xlsx.put(ws, row, 1, area.path_label)
            if plan.numbered_items:
                xlsx.put(ws, row, 2, item.number, alignment=xlsx.CENTER)
            xlsx.put(ws, row, first_period - 1, title)
            xlsx.fit_row(ws, row, [(area.path_label, 28), (title, 40)])
            for column, period in enumerate(periods, start=first_period):
                sheet = sheets.get((item.sheet_item_id, period.pk))
                put_item_status(ws, row, column, item_row(plan, item, sheet))
            row += 1
    xlsx.set_widths(ws, [*lead_widths, *([period_width] * len(periods))])
    xlsx.set_print(ws, title_rows="1:2", freeze=f"{get_column_letter(first_period)}3")
    return xlsx.save(workbook)


def _title(plan: Plan) -> str:
    """What the ratings are called: statuses, HQ's second ratings, or ratings."""
    if plan.rates_schedule_rows:
        return "状況の推移"
    return "2次評価の推移" if plan.second_round else "評価の推移"
