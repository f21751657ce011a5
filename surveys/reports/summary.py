"""The evaluation summary (評価一覧): per area, each item with its ratings and purpose."""

from __future__ import annotations

from collections.abc import Callable

from plans.models import Period
from plans.models import Plan
from reformtracker.lib import xlsx
from reformtracker.lib.labels import period_label
from surveys.progress import ItemRow
from surveys.progress import plan_progress
from surveys.reports.cells import divisions_text
from surveys.reports.cells import put_rating
from surveys.reports.cells import put_title
from surveys.reports.cells import relisting_text
from surveys.reports.cells import row_statuses
from surveys.reports.cells import tags_text

SUMMARY_HEADERS = [
    "No.",
    "区分",
    "取組項目",
    "所管課",
    "1次評価",
    "2次評価",
    "目的・ねらい",
]
SUMMARY_WIDTHS = [7, 17, 34, 24, 8, 8, 58]


def summary_ratings(plan: Plan) -> list[tuple[str, int, Callable]]:
    """The rating columns of the summary: (header, width, item row → grade or text)."""
    if plan.rates_schedule_rows:
        return [
            ("状況", 8, lambda r: r.status),
            ("工程表の行の状況", 24, lambda r: row_statuses(r.sheet)),
        ]
    if not plan.second_round:
        return [("評価", 8, lambda r: r.sheet.division_grade if r.sheet else None)]
    return [
        (SUMMARY_HEADERS[4], 8, lambda r: r.sheet.division_grade if r.sheet else None),
        (SUMMARY_HEADERS[5], 8, lambda r: r.sheet.hq_grade if r.sheet else None),
    ]


def summary_workbook(plan: Plan, period: Period) -> bytes:
    progress = plan_progress(plan, period)
    ratings = summary_ratings(plan)
    lead = 0 if plan.numbered_items else 1  # unnumbered plans have no No. column
    headers = [
        *SUMMARY_HEADERS[lead:4],
        *(header for header, _width, _get in ratings),
        plan.purpose_label or SUMMARY_HEADERS[6],
    ]
    widths = [
        *SUMMARY_WIDTHS[lead:4],
        *(width for _header, width, _get in ratings),
        SUMMARY_WIDTHS[6],
    ]
    workbook = xlsx.new_workbook()
    ws = workbook.create_sheet("評価一覧")
    put_title(
        ws,
        f"{plan.city} {plan.name} 評価一覧（{period_label(period)}）",
        len(headers),
    )
    xlsx.header_row(ws, 2, headers)
    row = 3
    for area in progress.areas:
        xlsx.put_merged(
            ws,
            row,
            1,
            len(headers),
            area.path_label,
            font=xlsx.BOLD,
            fill=xlsx.AREA_FILL,
        )
        row += 1
        for item_row in area.rows:
            _summary_row(ws, row, item_row, ratings, widths, plan.numbered_items)
            row += 1
    xlsx.set_widths(ws, widths)
    xlsx.set_print(ws, title_rows="1:2", freeze="A3")
    return xlsx.save(workbook)


def _summary_row(ws, row: int, item_row: ItemRow, ratings, widths, numbered) -> None:
    item = item_row.item
    title = item.title
    if item.relisted_from:
        title += "\n" + relisting_text(item)
    texts = [tags_text(item), title, divisions_text(item)]
    if numbered:
        texts.insert(0, item.number)
        xlsx.put(ws, row, 1, item.number, alignment=xlsx.CENTER)
    first = 2 if numbered else 1
    for column, text in enumerate(texts[first - 1 :], start=first):
        xlsx.put(ws, row, column, text)
    for column, (_header, _width, get) in enumerate(ratings, start=len(texts) + 1):
        rating = get(item_row)
        put_rating(ws, row, column, rating)
        texts.append(rating if isinstance(rating, str) else "")
    xlsx.put(ws, row, len(texts) + 1, item.purpose)
    texts.append(item.purpose)
    xlsx.fit_row(ws, row, list(zip(texts, widths, strict=True)))
