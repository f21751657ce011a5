"""The survey sheets (調査票): one worksheet per item and sub-item, in seed 000's layout.

`write_sheet` lays out one sheet and says which cells a division fills, so
that surveys.sheetfiles can offer the same worksheets for filling in offline.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from openpyxl.utils import get_column_letter

from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import ItemDivision
from plans.models import Period
from plans.models import Plan
from plans.models import ScheduleRow
from reformtracker.lib import xlsx
from reformtracker.lib.fiscal import fiscal_year_label
from reformtracker.lib.labels import SHEET_TEXT_BY_FIELD
from reformtracker.lib.labels import in_japanese
from reformtracker.lib.labels import item_heading
from reformtracker.lib.labels import item_ref
from reformtracker.lib.labels import period_label
from surveys.models import SurveySheet
from surveys.progress import with_statuses
from surveys.reports.cells import divisions_text
from surveys.reports.cells import put_title
from surveys.reports.cells import tags_text

SHEET_WIDTHS = [24, 14, 24, 10, 22, 10, 22, 26]
SHEET_COLUMNS = len(SHEET_WIDTHS)
HEADING = {"font": xlsx.BOLD, "fill": xlsx.HEADER_FILL, "alignment": xlsx.CENTER}


def sheets_for_workbook(period: Period):
    """The period's sheets with everything their worksheets show, in plan order.

    Each sheet's item holds its schedule rows as `schedule_row_list` and its
    indicators as `indicator_list`, each indicator its value in the period
    as `period_values`: lists set once, where a prefetched manager would make
    a queryset per item. Both come sorted by item id and order, the item's
    own ordering (plan, city, order) joining three tables for nothing within
    one item. The divisions are joined to their links: one query fewer. An
    item's parent is not joined: no worksheet shows it.
    """
    values = IndicatorValue.objects.filter(period=period)
    indicators = Indicator.objects.order_by("item_id", "order").prefetch_related(
        Prefetch("values", queryset=values, to_attr="period_values")
    )
    sheets = (
        period.sheets.select_related("item", "division_grade", "hq_grade")
        .prefetch_related(
            Prefetch(
                "item__division_links",
                queryset=ItemDivision.objects.select_related("division"),
            ),
            Prefetch(
                "item__schedule_rows",
                queryset=ScheduleRow.objects.order_by("item_id", "order"),
                to_attr="schedule_row_list",
            ),
            Prefetch("item__indicators", queryset=indicators, to_attr="indicator_list"),
        )
        .order_by("item__order")
    )
    return with_statuses(sheets, period.plan)


def sheet_names(plan: Plan, sheets) -> list[str]:
    """A worksheet name per sheet: No.2-1, or the item's title if the plan has no numbers.

    At most 31 characters, none of []:*?/\\, and no two alike (Excel compares
    them without case): a repeated title gets （2）, （3）.
    """
    names = []
    taken = set()
    for sheet in sheets:
        name = item_ref(sheet.item, plan.numbered_items)
        for ch in "[]:*?/\\":
            name = name.replace(ch, "_")
        name = name.strip("'") or "_"
        candidate, n = name[:31], 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"（{n}）"
            candidate = name[: 31 - len(suffix)] + suffix
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


@dataclass(frozen=True)
class SheetTitles:
    """The texts every worksheet of a period's workbook shows alike, made once.

    The period's label and the purpose heading go through the translation
    machinery: 17 µs a worksheet, 10 ms for a workbook of 580.
    """

    period: str  # 平成29年度 下半期
    purpose: str  # the plan's purpose heading, in Japanese


def sheet_titles(plan: Plan, period: Period) -> SheetTitles:
    return SheetTitles(period_label(period), in_japanese(plan.purpose_heading))


def sheets_workbook(plan: Plan, period: Period) -> bytes:
    workbook = xlsx.new_workbook()
    sheets = list(sheets_for_workbook(period))
    titles = sheet_titles(plan, period)
    for sheet, name in zip(sheets, sheet_names(plan, sheets), strict=True):
        write_sheet(xlsx.new_sheet(workbook, name), plan, period, sheet, titles)
    return xlsx.save(workbook)


def write_sheet(
    ws, plan: Plan, period: Period, sheet: SurveySheet, titles: SheetTitles
) -> dict[str, str]:
    """Lay out one sheet; return the coordinates of the cells a division fills.

    Keys are the sheet's field names (see pdca_columns),
    "indicator:<IndicatorValue pk>" for each indicator's actual, and
    "status:<row pk>" / "status_reason:<row pk>" for plans rated per row.
    """
    item = sheet.item
    last = SHEET_COLUMNS
    label = titles.period
    put_title(ws, f"{plan.name} 進捗状況調査票（{label}）", last)
    xlsx.put(ws, 2, 1, "取組項目", font=xlsx.BOLD, fill=xlsx.HEADER_FILL)
    xlsx.put_merged(
        ws,
        2,
        2,
        last,
        f"{item_heading(item, plan.numbered_items)} {tags_text(item)}".strip(),
        font=xlsx.BOLD,
    )
    xlsx.put(ws, 3, 1, titles.purpose, font=xlsx.BOLD, fill=xlsx.HEADER_FILL)
    xlsx.put_merged(ws, 3, 2, last, item.purpose)
    xlsx.fit_row(ws, 3, [(item.purpose, sum(SHEET_WIDTHS[1:]))])
    row = 5
    inputs = {}
    indicators = item.indicator_list
    if indicators:
        row, inputs = _indicators(ws, row, label, indicators)
    schedule = item.schedule_row_list
    if schedule:
        statuses = (
            {s.schedule_row_id: s for s in sheet.status_list}
            if plan.rates_schedule_rows
            else None
        )
        row, status_inputs = _schedule(ws, row, plan, schedule, statuses)
        inputs |= status_inputs
    inputs |= _pdca(ws, row, plan, period, sheet)
    xlsx.set_widths(ws, SHEET_WIDTHS)
    xlsx.set_print(ws, title_rows="1:2", freeze=None)
    return inputs


def _indicators(
    ws, row: int, label: str, indicators: list
) -> tuple[int, dict[str, str]]:
    spans = [(1, 2), (3, 4), (5, 6), (7, 8)]
    titles = [
        "指標",
        "現状値（計画初期値）",
        "目標値",
        f"実績値（{label}）",
    ]
    for (first, last), title in zip(spans, titles, strict=True):
        xlsx.put_merged(ws, row, first, last, title, **HEADING)
    inputs = {}
    for indicator in indicators:
        row += 1
        value = indicator.period_values[0] if indicator.period_values else None
        texts = [
            f"{indicator.marker}{indicator.name}",
            indicator.baseline_text,
            indicator.target_text,
            value.text if value else "",
        ]
        for (first, last), text in zip(spans, texts, strict=True):
            cell = xlsx.put_merged(ws, row, first, last, text)
        if value:
            inputs[f"indicator:{value.pk}"] = cell.coordinate
        xlsx.fit_row(
            ws,
            row,
            [
                (text, SHEET_WIDTHS[first - 1] + SHEET_WIDTHS[last - 1])
                for (first, last), text in zip(spans, texts, strict=True)
            ],
        )
    return row + 2, inputs


def _schedule(ws, row: int, plan: Plan, schedule: list, statuses=None):
    """The schedule by fiscal year; with statuses (per-row plans), each row's status and reason.

    Returns the next free row and the status cells: "status:<row pk>" and
    "status_reason:<row pk>".
    """
    years = list(plan.fiscal_years)
    status_column = 3 + len(years)
    reason = plan.reason_label or "理由"
    _schedule_header(ws, row, years, reason if statuses is not None else None)
    inputs = {}
    for schedule_row in schedule:
        row += 1
        xlsx.put_merged(ws, row, 1, 2, schedule_row.activity)
        # A word spanning fiscal years is one cell across their columns.
        for word, first, last in schedule_row.cells(years):
            column = 3 + years.index(first)
            xlsx.put_merged(
                ws, row, column, column + last - first, word, alignment=xlsx.CENTER
            )
        texts = [(schedule_row.activity, SHEET_WIDTHS[0] + SHEET_WIDTHS[1])]
        if statuses is not None:
            status = statuses.get(schedule_row.pk)
            xlsx.put_grade(ws, row, status_column, status.grade if status else None)
            reason = status.reason if status else ""
            xlsx.put(ws, row, status_column + 1, reason)
            texts.append((reason, SHEET_WIDTHS[min(status_column, SHEET_COLUMNS - 1)]))
            for offset, name in enumerate(["status", "status_reason"]):
                letter = get_column_letter(status_column + offset)
                inputs[f"{name}:{schedule_row.pk}"] = f"{letter}{row}"
        xlsx.fit_row(ws, row, texts)
    return row + 2, inputs


def _schedule_header(ws, row: int, years: list[int], reason: str | None) -> None:
    """The activity column, one column per fiscal year, then 状況 and the reason if rated."""
    if reason:
        for column, title in enumerate(["状況", reason], start=3 + len(years)):
            xlsx.put(ws, row, column, title, **HEADING)
    xlsx.put_merged(ws, row, 1, 2, "工程表 実施内容", **HEADING)
    for column, year in enumerate(years, start=3):
        xlsx.put(ws, row, column, fiscal_year_label(year), **HEADING)


PDCA_HEADERS = [
    SHEET_TEXT_BY_FIELD["plan_text"].report_header,
    "所管課",
    SHEET_TEXT_BY_FIELD["done_text"].report_header,
    "1次評価（C）",
    "1次評価の理由",
    "2次評価（C）",
    "2次評価の理由",
    SHEET_TEXT_BY_FIELD["next_text"].report_header,
]


def rating_label(plan: Plan) -> str:
    """What the division's rating is called in the plan's files: 1次評価（C）, 評価, 状況."""
    if plan.rates_schedule_rows:
        return "状況"
    return PDCA_HEADERS[3] if plan.second_round else "評価"


def pdca_columns(plan: Plan, period: Period, sheet: SurveySheet) -> list[tuple]:
    """(header, field the division fills or "", value, is a grade) per PDCA column.

    The plan decides which texts appear, under which labels, and whether
    there are ratings here (per item, with HQ's second round if it has one)
    or in the schedule (per row). Kodaira's plan gives the seed's layout.
    """
    headers = _text_headers(plan, period)
    divisions = ("所管課", "", divisions_text(sheet.item, "\n"), False)
    before = [name for name in headers if name != "next_text"]
    columns = [] if before else [divisions]
    for position, name in enumerate(before):
        columns.append((headers[name], name, getattr(sheet, name), False))
        if position == 0:
            columns.append(divisions)
    if plan.division_sets_item_status:
        columns.append(("取組項目の状況", "division_grade", sheet.division_grade, True))
    if not plan.rates_schedule_rows:
        first = rating_label(plan)
        first_reason = plan.reason_label or (
            PDCA_HEADERS[4] if plan.second_round else "評価の理由"
        )
        columns += [
            (first, "division_grade", sheet.division_grade, True),
            (first_reason, "division_reason", sheet.division_reason, False),
        ]
        if plan.second_round:
            columns += [
                (PDCA_HEADERS[5], "", sheet.hq_grade, True),
                (PDCA_HEADERS[6], "", sheet.hq_reason, False),
            ]
    if "next_text" in headers:
        columns.append((headers["next_text"], "next_text", sheet.next_text, False))
    return columns


def _text_headers(plan: Plan, period: Period) -> dict[str, str]:
    """Each text's header: the plan's label, else the seed's header, P's with its year."""
    headers = {}
    for text, label in plan.sheet_texts():
        if label:
            headers[text.field] = label
        elif text.field == "plan_text":
            year = fiscal_year_label(period.fiscal_year)
            headers[text.field] = f"{year} {text.report_header}"
        else:
            headers[text.field] = text.report_header
    return headers


def _pdca(ws, row: int, plan: Plan, period: Period, sheet: SurveySheet) -> dict:
    columns = pdca_columns(plan, period, sheet)
    xlsx.header_row(ws, row, [header for header, *_rest in columns])
    row += 1
    inputs = {}
    for column, (_header, name, value, is_grade) in enumerate(columns, start=1):
        if is_grade:
            xlsx.put_grade(ws, row, column, value)
        else:
            xlsx.put(ws, row, column, value)
        if name:
            inputs[name] = f"{get_column_letter(column)}{row}"
    xlsx.fit_row(
        ws,
        row,
        [
            ("" if is_grade else value or "", width)
            for (_h, _n, value, is_grade), width in zip(
                columns, SHEET_WIDTHS, strict=False
            )
        ],
    )
    return inputs
