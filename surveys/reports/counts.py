"""The count table (表1): how many items got each grade, per policy area.

Re-listed items count in every area that lists them, as in seed 001; a note
under the table names them.
"""

from __future__ import annotations

from plans.models import Period
from plans.models import Plan
from reformtracker.lib import xlsx
from reformtracker.lib.labels import period_label
from surveys.progress import plan_progress
from surveys.reports.cells import put_title


def counts_workbook(plan: Plan, period: Period) -> bytes:
    progress = plan_progress(plan, period)
    grades = progress.grades
    headers = ["分野", *(f"{g.code}（{g.label}）" for g in grades)]
    if progress.total_unrated:
        headers.append("評価なし")
    headers.append("項目数")
    workbook = xlsx.new_workbook()
    ws = workbook.create_sheet("表1 分野別評価")
    put_title(ws, f"表1 分野別の評価結果（{period_label(period)}）", len(headers))
    xlsx.header_row(ws, 2, headers)
    row = 3
    lines = [(str(a.area), a.counts, a.unrated, a.item_count) for a in progress.areas]
    lines.append(
        ("合計", progress.total_counts, progress.total_unrated, progress.total_items)
    )
    for name, counts, unrated, total in lines:
        bold = xlsx.BOLD if name == "合計" else xlsx.FONT
        xlsx.put(ws, row, 1, name, font=bold)
        values = [*counts, *([unrated] if progress.total_unrated else []), total]
        for offset, value in enumerate(values, start=2):
            xlsx.put(
                ws,
                row,
                offset,
                value,
                font=bold,
                alignment=xlsx.RIGHT,
            )
        row += 1
    relisted = [r.item for a in progress.areas for r in a.rows if r.item.relisted_from]
    if relisted:
        note = "※再掲項目（{}）は、掲載されている各分野で数えています。".format(
            "、".join(
                f"No.{i.number}（No.{i.relisted_from.number}の再掲）" for i in relisted
            )
        )
        xlsx.put_merged(ws, row + 1, 1, len(headers), note, border=False)
    xlsx.set_widths(ws, [40, *([14] * (len(headers) - 1))])
    xlsx.set_print(ws, title_rows="1:2", freeze="B3")
    return xlsx.save(workbook)
