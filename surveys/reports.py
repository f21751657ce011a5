"""Excel reports for the committee and HQ, in the layouts they already know from seed 000/001.

1. the evaluation summary (評価一覧): per area, each item with both ratings;
2. the count table (表1): grades per area;
3. the survey sheets (調査票): one worksheet per item and sub-item;
4. the trend: each item's HQ rating across every period.
"""

from __future__ import annotations

from django.db.models import Prefetch
from openpyxl.utils import get_column_letter

from plans.models import Indicator, IndicatorValue, Period, Plan
from reformtracker.lib import xlsx
from reformtracker.lib.fiscal import fiscal_year_label
from reformtracker.lib.labels import (
    SHEET_TEXT_BY_FIELD,
    SHEET_TEXTS,
    grade_codes,
    item_heading,
    period_label,
)
from surveys.models import SurveySheet
from surveys.progress import (
    ItemRow,
    plan_progress,
    result_grades,
    sheets_by_item_and_period,
    with_statuses,
)


def _tags(item) -> str:
    return "".join(f"【{tag}】" for tag in item.tags)


def _divisions(item) -> str:
    return "、".join(d.name for d in item.division_list)


def _title(ws, text: str, columns: int) -> None:
    xlsx.put_merged(
        ws,
        1,
        1,
        columns,
        text,
        font=xlsx.TITLE,
        border=False,
        alignment=xlsx.MIDDLE,
    )
    ws.row_dimensions[1].height = 24


# 1. 評価一覧

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


def summary_ratings(plan: Plan) -> list[tuple[str, callable]]:
    """The rating columns of the summary: (header, item row → grades to show)."""
    if plan.rates_schedule_rows:
        return [("状況", lambda r: r.grades)]
    if not plan.second_round:
        return [("評価", lambda r: [r.sheet.division_grade if r.sheet else None])]
    return [
        (SUMMARY_HEADERS[4], lambda r: [r.sheet.division_grade if r.sheet else None]),
        (SUMMARY_HEADERS[5], lambda r: [r.sheet.hq_grade if r.sheet else None]),
    ]


def summary_workbook(plan: Plan, period: Period) -> bytes:
    progress = plan_progress(plan, period)
    ratings = summary_ratings(plan)
    lead = 0 if plan.numbered_items else 1  # unnumbered plans have no No. column
    headers = [
        *SUMMARY_HEADERS[lead:4],
        *(h for h, _get in ratings),
        SUMMARY_HEADERS[6],
    ]
    widths = [*SUMMARY_WIDTHS[lead:4], *([8] * len(ratings)), SUMMARY_WIDTHS[6]]
    workbook = xlsx.new_workbook()
    ws = workbook.create_sheet("評価一覧")
    _title(
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
            str(area.area),
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
        title += f"\n【No.{item.relisted_from.number}の再掲】"
    texts = [_tags(item), title, _divisions(item)]
    if numbered:
        texts.insert(0, item.number)
        xlsx.put(ws, row, 1, item.number, alignment=xlsx.CENTER)
    first = 2 if numbered else 1
    for column, text in enumerate(texts[first - 1 :], start=first):
        xlsx.put(ws, row, column, text)
    for column, (_header, get) in enumerate(ratings, start=len(texts) + 1):
        grades = get(item_row)
        if len(grades) == 1:
            xlsx.put_grade(ws, row, column, grades[0])
        else:
            xlsx.put(ws, row, column, grade_codes(grades), alignment=xlsx.CENTER)
        texts.append("")
    xlsx.put(ws, row, len(texts) + 1, item.purpose)
    texts.append(item.purpose)
    xlsx.fit_row(ws, row, list(zip(texts, widths, strict=True)))


# 2. 表1


def counts_workbook(plan: Plan, period: Period) -> bytes:
    progress = plan_progress(plan, period)
    grades = progress.grades
    headers = ["分野", *(f"{g.code}（{g.label}）" for g in grades)]
    if progress.total_unrated:
        headers.append("評価なし")
    headers.append("項目数")
    workbook = xlsx.new_workbook()
    ws = workbook.create_sheet("表1 分野別評価")
    _title(ws, f"表1 分野別の評価結果（{period_label(period)}）", len(headers))
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


# 3. 調査票

SHEET_WIDTHS = [24, 14, 24, 10, 22, 10, 22, 26]
SHEET_COLUMNS = len(SHEET_WIDTHS)


def sheets_for_workbook(period: Period):
    """The period's sheets with everything their worksheets show, in plan order."""
    sheets = (
        period.sheets.select_related("item__parent", "division_grade", "hq_grade")
        .prefetch_related(
            "item__division_links__division",
            "item__schedule_rows",
            Prefetch(
                "item__indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch(
                        "values",
                        queryset=IndicatorValue.objects.filter(period=period),
                        to_attr="period_values",
                    )
                ),
            ),
        )
        .order_by("item__order")
    )
    return with_statuses(sheets, period.plan)


def sheet_name(number: str) -> str:
    """A worksheet name from an item number: at most 31 characters, none of []:*?/\\."""
    name = "No." + number
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31]


def sheets_workbook(plan: Plan, period: Period) -> bytes:
    workbook = xlsx.new_workbook()
    for sheet in sheets_for_workbook(period):
        write_sheet(
            workbook.create_sheet(sheet_name(sheet.item.number)), plan, period, sheet
        )
    return xlsx.save(workbook)


def write_sheet(ws, plan: Plan, period: Period, sheet: SurveySheet) -> dict[str, str]:
    """Lay out one sheet; return the coordinates of the cells a division fills.

    Keys are the sheet's field names (see pdca_columns) and
    "indicator:<IndicatorValue pk>" for each indicator's actual.
    """
    item = sheet.item
    last = SHEET_COLUMNS
    _title(ws, f"{plan.name} 進捗状況調査票（{period_label(period)}）", last)
    xlsx.put(ws, 2, 1, "取組項目", font=xlsx.BOLD, fill=xlsx.HEADER_FILL)
    xlsx.put_merged(
        ws,
        2,
        2,
        last,
        f"{item_heading(item, plan.numbered_items)} {_tags(item)}".strip(),
        font=xlsx.BOLD,
    )
    xlsx.put(ws, 3, 1, "目的・ねらい", font=xlsx.BOLD, fill=xlsx.HEADER_FILL)
    xlsx.put_merged(ws, 3, 2, last, item.purpose)
    xlsx.fit_row(ws, 3, [(item.purpose, sum(SHEET_WIDTHS[1:]))])
    row = 5
    inputs = {}
    indicators = list(item.indicators.all())
    if indicators:
        row, inputs = _indicators(ws, row, period, indicators)
    schedule = list(item.schedule_rows.all())
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
    ws, row: int, period: Period, indicators: list
) -> tuple[int, dict[str, str]]:
    spans = [(1, 2), (3, 4), (5, 6), (7, 8)]
    titles = [
        "指標",
        "現状値（計画初期値）",
        "目標値",
        f"実績値（{period_label(period)}）",
    ]
    for (first, last), title in zip(spans, titles, strict=True):
        xlsx.put_merged(
            ws,
            row,
            first,
            last,
            title,
            font=xlsx.BOLD,
            fill=xlsx.HEADER_FILL,
            alignment=xlsx.CENTER,
        )
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
    inputs = {}
    years = list(plan.fiscal_years)
    year_columns = range(3, 3 + len(years))
    status_column = 3 + len(years)
    if statuses is not None:
        for offset, title in enumerate(["状況", "理由"]):
            xlsx.put(
                ws,
                row,
                status_column + offset,
                title,
                font=xlsx.BOLD,
                fill=xlsx.HEADER_FILL,
                alignment=xlsx.CENTER,
            )
    xlsx.put_merged(
        ws,
        row,
        1,
        2,
        "工程表 実施内容",
        font=xlsx.BOLD,
        fill=xlsx.HEADER_FILL,
        alignment=xlsx.CENTER,
    )
    for column, year in zip(year_columns, years, strict=True):
        xlsx.put(
            ws,
            row,
            column,
            fiscal_year_label(year),
            font=xlsx.BOLD,
            fill=xlsx.HEADER_FILL,
            alignment=xlsx.CENTER,
        )
    for schedule_row in schedule:
        row += 1
        xlsx.put_merged(ws, row, 1, 2, schedule_row.activity)
        for column, year in zip(year_columns, years, strict=True):
            xlsx.put(
                ws, row, column, schedule_row.word_for(year), alignment=xlsx.CENTER
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


TEXT_HEADERS = {text.field: text.report_header for text in SHEET_TEXTS}


def pdca_columns(plan: Plan, period: Period, sheet: SurveySheet) -> list[tuple]:
    """(header, field the division fills or "", value, is a grade) per PDCA column.

    The plan decides which texts appear, under which labels, and whether
    there are ratings here (per item, with HQ's second round if it has one)
    or in the schedule (per row). Kodaira's plan gives the seed's layout.
    """
    labels = {
        name: next(
            (f.get("label") for f in plan.sheet_fields if f["field"] == name), ""
        )
        or TEXT_HEADERS[name]
        for name, _label in plan.text_fields
    }
    if "plan_text" in labels and not _custom_label(plan, "plan_text"):
        labels["plan_text"] = (
            f"{fiscal_year_label(period.fiscal_year)} {labels['plan_text']}"
        )
    divisions = (
        "所管課",
        "",
        "\n".join(d.name for d in sheet.item.division_list),
        False,
    )
    before = [name for name in labels if name != "next_text"]
    columns = [] if before else [divisions]
    for position, name in enumerate(before):
        columns.append((labels[name], name, getattr(sheet, name), False))
        if position == 0:
            columns.append(divisions)
    if not plan.rates_schedule_rows:
        first = PDCA_HEADERS[3] if plan.second_round else "評価"
        first_reason = PDCA_HEADERS[4] if plan.second_round else "評価の理由"
        columns += [
            (first, "division_grade", sheet.division_grade, True),
            (first_reason, "division_reason", sheet.division_reason, False),
        ]
        if plan.second_round:
            columns += [
                (PDCA_HEADERS[5], "", sheet.hq_grade, True),
                (PDCA_HEADERS[6], "", sheet.hq_reason, False),
            ]
    if "next_text" in labels:
        columns.append((labels["next_text"], "next_text", sheet.next_text, False))
    return columns


def _custom_label(plan: Plan, name: str) -> bool:
    return any(f["field"] == name and f.get("label") for f in plan.sheet_fields)


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


# 4. 推移


def trend_workbook(plan: Plan, periods: list[Period]) -> bytes:
    """One row per item, one column per period: HQ's rating in each."""
    structure = plan_progress(plan, None)
    sheets = sheets_by_item_and_period(periods, plan)
    lead = ["分野", "No.", "取組項目"] if plan.numbered_items else ["分野", "取組項目"]
    lead_widths = [28, 8, 40] if plan.numbered_items else [28, 40]
    headers = [*lead, *(period_label(p) for p in periods)]
    workbook = xlsx.new_workbook()
    ws = workbook.create_sheet("評価の推移")
    title = "2次評価の推移" if plan.second_round else "評価の推移"
    if plan.rates_schedule_rows:
        title = "状況の推移"
    _title(ws, f"{plan.city} {plan.name} {title}", len(headers))
    xlsx.header_row(ws, 2, headers)
    row = 3
    first_period = len(lead) + 1
    for area in structure.areas:
        for item_row in (
            r for parent in area.rows for r in (parent, *parent.sub_items)
        ):
            item = item_row.item
            relisted = (
                f"【No.{item.relisted_from.number}の再掲】"
                if item.relisted_from
                else ""
            )
            xlsx.put(ws, row, 1, str(area.area))
            if plan.numbered_items:
                xlsx.put(ws, row, 2, item.number, alignment=xlsx.CENTER)
            xlsx.put(ws, row, first_period - 1, item.title + relisted)
            xlsx.fit_row(ws, row, [(str(area.area), 28), (item.title + relisted, 40)])
            for offset, period in enumerate(periods):
                sheet = sheets.get((item.sheet_item_id, period.pk))
                grades = result_grades(plan, sheet)
                if len(grades) == 1:
                    xlsx.put_grade(ws, row, first_period + offset, grades[0])
                else:
                    xlsx.put(
                        ws,
                        row,
                        first_period + offset,
                        grade_codes(grades),
                        alignment=xlsx.CENTER,
                    )
            row += 1
    xlsx.set_widths(ws, [*lead_widths, *([14] * len(periods))])
    xlsx.set_print(ws, title_rows="1:2", freeze=f"{get_column_letter(first_period)}3")
    return xlsx.save(workbook)
