"""The progress report (進捗状況報告書) the committee receives for a published period
(seed 001's structure), as a Word document HQ edits before sending and as a page
to print on A4.

1. the lead paragraph with the totals: 全43項目（再掲2項目）のうち、3項目が「…」;
2. 【表1】 each top-level area's counts per grade and its number of items;
3. 【参考1】 the items HQ marked as examples on the queue: overview, the year's plan,
   the status at the year's end, the indicators against their targets and the reason;
4. 【参考2】 every item rated at the scale's lowest grade, with its status (D),
   【要因】 (the division's reason) and 【今後の対応】 (A);
5. the items tagged 新規.

`progress_report_content` decides what the report says; the writers only lay it
out. A plan that rates schedule rows counts its items by their one status, in its
own grades; the lowest is the last grade of its scale.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.shared import Pt

from plans.models import IndicatorValue
from plans.models import Period
from plans.models import Plan
from reformtracker.lib.labels import item_heading
from reformtracker.lib.labels import period_label
from surveys.progress import ItemRow
from surveys.progress import PlanProgress
from surveys.progress import plan_progress

FONT = "ＭＳ 明朝"
NONE = "該当する項目はありません。"


@dataclass
class Entry:
    """An item in a section: its heading and its labelled texts."""

    heading: str
    lines: list[tuple[str, str]]


@dataclass
class Section:
    title: str
    entries: list[Entry]
    bullets: bool = False


@dataclass
class ProgressReport:
    title: str
    lead: str
    table: list[list[str]]  # the header row, a row per area, the totals
    legend: str
    sections: list[Section]


def _actuals(period: Period, items) -> dict[int, list[IndicatorValue]]:
    """The period's indicator actuals of the items, by item, in the plan's order."""
    by_item = {}
    for value in (
        IndicatorValue.objects.filter(period=period, indicator__item__in=items)
        .select_related("indicator")
        .order_by("indicator__order")
    ):
        by_item.setdefault(value.indicator.item_id, []).append(value)
    return by_item


def lead_paragraph(progress, relisted: int) -> str:
    totals = progress.items
    parts = [
        f"{count}項目が「{grade.label}」"
        for grade, count in zip(progress.grades, totals.counts, strict=True)
        if count
    ]
    if totals.unrated:
        parts.append(f"{totals.unrated}項目が未評価")
    relisted_text = f"（再掲{relisted}項目）" if relisted else ""
    return (
        f"全{totals.total}項目{relisted_text}のうち、"
        + "、".join(parts)
        + "となっています。"
    )


def _example(row: ItemRow, numbered: bool, actuals: list[IndicatorValue]) -> Entry:
    lines = [
        ("【概要】", row.item.purpose),
        ("【当該年度の計画】", row.sheet.plan_text),
        ("【年度末の状況】", row.sheet.done_text),
    ]
    for value in actuals:
        indicator = value.indicator
        target = f"（目標：{indicator.target_text}）" if indicator.target_text else ""
        lines.append(
            (
                f"【指標】{indicator.marker}{indicator.name}：",
                f"{value.text or '—'}{target}",
            )
        )
    lines.append(("【成功の要因】", row.sheet.division_reason))
    return Entry(item_heading(row.item, numbered), lines)


def _behind(row: ItemRow, numbered: bool) -> Entry:
    sheet = row.sheet
    return Entry(
        item_heading(row.item, numbered),
        [
            ("【状況】", sheet.done_text),
            ("【要因】", sheet.division_reason),
            ("【今後の対応】", sheet.next_text),
        ],
    )


def _count_table(progress: PlanProgress) -> list[list[str]]:
    """表1: the items of each top-level area by rating, and the plan's total."""
    totals = progress.items
    return [
        ["分野", "項目数", *(grade.code for grade in progress.grades)],
        *(
            [
                f"{area.area.number} {area.area.name}".strip(),  # the Japanese report
                str(area.items.total),
                *map(str, area.items.counts),
            ]
            for area in progress.top_areas
        ),
        ["合計", str(totals.total), *map(str, totals.counts)],
    ]


def progress_report_content(plan: Plan, period: Period) -> ProgressReport:
    progress = plan_progress(plan, period)
    numbered = plan.numbered_items
    relisted = plan.items.filter(relisted_from__isnull=False).count()
    lowest = progress.grades[-1] if progress.grades else None
    # The items as 表1 counts them: sub-items report within their item.
    rows = [row for area in progress.areas for row in area.rows]
    # A re-listed item shares its source's sheet: an example is shown once.
    highlights = [
        row
        for row in rows
        if row.sheet and row.sheet.highlight and not row.item.relisted_from_id
    ]
    actuals = _actuals(period, [row.item for row in highlights])
    behind = [row for row in rows if lowest and row.status == lowest and row.sheet]
    return ProgressReport(
        title=f"{plan.name}の{period_label(period)}進捗状況について",
        lead=lead_paragraph(progress, relisted),
        table=_count_table(progress),
        legend="、".join(f"{g.code}：{g.label}" for g in progress.grades),
        sections=[
            Section(
                "【参考1】順調に進んでいる取組の例",
                [_example(r, numbered, actuals.get(r.item.pk, [])) for r in highlights],
            ),
            Section(
                f"【参考2】「{lowest.label if lowest else ''}」の項目",
                [_behind(row, numbered) for row in behind],
            ),
            Section(
                "新たに取り組む項目（新規）",
                [
                    Entry(item_heading(r.item, numbered), [])
                    for r in rows
                    if r.item.is_new
                ],
                bullets=True,
            ),
        ],
    )


def _document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Mm(20))
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return document


def progress_report(plan: Plan, period: Period) -> bytes:
    """The report as a Word document: a page per section after the first."""
    report = progress_report_content(plan, period)
    document = _document()
    document.add_heading(report.title, level=1)
    document.add_paragraph(report.lead)
    document.add_heading("【表1】分野別の進捗状況", level=2)
    table = document.add_table(rows=0, cols=len(report.table[0]))
    table.style = "Table Grid"
    for values in report.table:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.add_paragraph(report.legend)
    for section in report.sections:
        document.add_page_break()
        document.add_heading(section.title, level=2)
        if not section.entries:
            document.add_paragraph(NONE)
        for entry in section.entries:
            if section.bullets:
                document.add_paragraph(entry.heading, style="List Bullet")
                continue
            document.add_heading(entry.heading, level=3)
            for label, text in entry.lines:
                paragraph = document.add_paragraph()
                paragraph.add_run(label).bold = True
                paragraph.add_run(text or "—")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
