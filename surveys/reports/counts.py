"""The count table (表1): per policy area, the items by rating, with its unit in the header.

Each area's figures include those of the areas below it, which are indented
under it. A plan that rates schedule rows gets two groups of columns: the
items by their one status (the plan's rule), and the rows by status. Re-listed
items count in every area that lists them, as in seed 001; a note under the
table names them.
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.cell_range import CellRange

from plans.models import Period
from plans.models import Plan
from reformtracker.lib import xlsx
from reformtracker.lib.labels import item_ref
from reformtracker.lib.labels import period_label
from surveys.progress import Tally
from surveys.progress import plan_progress
from surveys.reports.cells import put_title

INDENTS = [Alignment(wrap_text=True, vertical="top", indent=2 * d) for d in range(6)]


def counts_workbook(plan: Plan, period: Period) -> bytes:
    progress = plan_progress(plan, period)
    grades = progress.grades
    groups = [("取組項目の評価（件）", progress.items, "項目数")]
    if plan.rates_schedule_rows:
        groups = [
            ("取組項目の状況（件）", progress.items, "項目数"),
            ("工程表の行の状況（行）", progress.schedule_rows, "行数"),
        ]
    workbook = xlsx.new_workbook()
    ws = workbook.create_sheet("表1 分野別評価")
    width = 1 + sum(_columns(grades, tally) for _label, tally, _total in groups)
    put_title(ws, f"表1 分野別の評価結果（{period_label(period)}）", width)
    for row, value in ((2, "分野"), (3, None)):
        xlsx.put(ws, row, 1, value, font=xlsx.BOLD, fill=xlsx.HEADER_FILL)
    ws.merged_cells.add(CellRange(min_col=1, min_row=2, max_col=1, max_row=3))
    column = 2
    for label, tally, total in groups:
        last = column + _columns(grades, tally) - 1
        xlsx.put_merged(
            ws, 2, column, last, label, font=xlsx.BOLD, fill=xlsx.HEADER_FILL
        )
        headers = [f"{g.code}（{g.label}）" for g in grades]
        headers += ["評価なし"] * bool(tally.unrated) + [total]
        for offset, header in enumerate(headers):
            xlsx.put(
                ws, 3, column + offset, header, font=xlsx.BOLD, fill=xlsx.HEADER_FILL
            )
        column = last + 1
    row = 4
    for area in progress.areas:
        font = xlsx.BOLD if area.has_sub_areas else xlsx.FONT
        xlsx.put(ws, row, 1, str(area.area), font=font, alignment=INDENTS[area.depth])
        tallies = [area.items, area.schedule_rows]
        _put_tallies(ws, row, list(zip(tallies, (g[1] for g in groups))), font)
        row += 1
    xlsx.put(ws, row, 1, "合計", font=xlsx.BOLD)
    _put_tallies(ws, row, [(g[1], g[1]) for g in groups], xlsx.BOLD)
    relisted = [r.item for a in progress.areas for r in a.rows if r.item.relisted_from]
    if relisted:
        numbered = plan.numbered_items
        note = "※再掲項目（{}）は、掲載されている各分野で数えています。".format(
            "、".join(
                f"{item_ref(i, numbered)}（{item_ref(i.relisted_from, numbered)}の再掲）"
                for i in relisted
            )
        )
        xlsx.put_merged(ws, row + 2, 1, width, note, border=False)
    xlsx.set_widths(ws, [40, *([12] * (width - 1))])
    xlsx.set_print(ws, title_rows="1:3", freeze="B4")
    return xlsx.save(workbook)


def _columns(grades, tally: Tally) -> int:
    """A column per grade, one for the unrated if any, and the total."""
    return len(grades) + bool(tally.unrated) + 1


def _put_tallies(ws, row: int, tallies: list[tuple[Tally, Tally]], font) -> None:
    """Each group's figures; `all` is the group's total, which decides its columns."""
    column = 2
    for tally, all_ in tallies:
        values = [*tally.counts, *[tally.unrated] * bool(all_.unrated), tally.total]
        for value in values:
            xlsx.put(ws, row, column, value, font=font, alignment=xlsx.RIGHT)
            column += 1
