"""Charts of published ratings, drawn on the server as accessible SVG.

Each chart is plain data here (positions in percent of the chart's width, so the
SVG stretches to any screen without shrinking its text) plus the sentence a screen
reader reads instead of the picture. Templates in templates/charts/ draw them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import ClassVar

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plans.models import Grade
from plans.models import Period
from public.item_report import ItemReport
from reformtracker.lib.labels import period_label
from surveys.progress import AreaProgress
from surveys.progress import PlanProgress
from surveys.progress import result_grades

# Layout of a stacked-bar chart, in pixels: a label line, then the bar.
ROW_HEIGHT = 60
BAR_OFFSET = 26
BAR_HEIGHT = 26
# Segments narrower than this (percent of the width) carry no text; the data
# table beside the chart has every figure.
LABEL_MIN_WIDTH = 12.0
UNRATED_COLOUR = "#767676"


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with a #rrggbb background."""
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return (
        "#000000"
        if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05)
        else "#ffffff"
    )


@dataclass
class Segment:
    grade: Grade | None  # None: not rated
    count: int
    start: float  # percent
    width: float  # percent

    @property
    def code(self) -> str:
        return self.grade.code if self.grade else "—"

    @property
    def colour(self) -> str:
        return self.grade.colour if self.grade else UNRATED_COLOUR

    @property
    def text_colour(self) -> str:
        return text_colour(self.colour)

    @property
    def middle(self) -> float:
        return self.start + self.width / 2

    @property
    def labelled(self) -> bool:
        return self.width >= LABEL_MIN_WIDTH


@dataclass
class Bar:
    label: str
    total: int
    segments: list[Segment]
    y: int = 0

    @property
    def bar_y(self) -> int:
        return self.y + BAR_OFFSET

    @property
    def label_y(self) -> int:
        return self.y + 18

    @property
    def text_y(self) -> int:
        return self.bar_y + BAR_HEIGHT // 2 + 5


@dataclass
class StackedBars:
    """Horizontal 100% bars, one per area or period, split by grade."""

    template: ClassVar[str] = "charts/stacked_bars.html"

    id: str
    title: str
    bars: list[Bar]
    grades: list[Grade]
    description: str = ""
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars)


def join_sentences(sentences: list[str]) -> str:
    """Sentences one after another: Japanese sets no space after 。."""
    return ("" if get_language() == "ja" else " ").join(sentences)


def counts_phrase(grades: list[Grade], counts: list[int], unrated: int) -> str:
    """S 1件、A 4件、B 2件 (English: S 1, A 4, B 2)."""
    parts = [
        _("%(code)s %(count)d") % {"code": grade.code, "count": count}
        for grade, count in zip(grades, counts, strict=True)
    ]
    if unrated:
        parts.append(_("not rated %(count)d") % {"count": unrated})
    return _(", ").join(parts)


def stacked_bars(
    chart_id: str,
    title: str,
    grades: list[Grade],
    rows: list[tuple[str, list[int], int]],
) -> StackedBars:
    """A chart of (label, counts per grade, unrated) rows; rows with nothing are left out."""
    bars = []
    sentences = []
    for label, counts, unrated in rows:
        total = sum(counts) + unrated
        if not total:
            continue
        segments = []
        start = 0.0
        for grade, count in [*zip(grades, counts, strict=True), (None, unrated)]:
            if count:
                width = 100 * count / total
                segments.append(Segment(grade, count, start, width))
                start += width
        bars.append(Bar(label, total, segments, y=ROW_HEIGHT * len(bars)))
        sentences.append(
            _("%(label)s: %(counts)s (%(total)d in all).")
            % {
                "label": label,
                "counts": counts_phrase(grades, counts, unrated),
                "total": total,
            }
        )
    return StackedBars(chart_id, title, bars, grades, join_sentences(sentences))


def area_chart(progress: PlanProgress, areas: Iterable[AreaProgress]) -> StackedBars:
    """Per area shown (a page of the plan's), the share of each grade in the period."""
    return stacked_bars(
        "chart-areas",
        _("Share of each rating by policy area, %(period)s")
        % {"period": period_label(progress.period)},
        progress.grades,
        [(a.path_label, a.items.counts, a.items.unrated) for a in areas],
    )


def period_tallies(
    progress: PlanProgress, periods: list[Period]
) -> list[tuple[Period, list[int], int]]:
    """Per period, the items by their one rating and the unrated, as the plan page counts.

    Items count once in each area they are listed in; sub-items do not count,
    nor does an ended or merged item in a period it has no sheet in. The
    progress must have counted the periods (`plan_progress(periods=…)`).
    """
    return [
        (period, total.counts, total.unrated)
        for period in periods
        for total in [progress.period_totals[period.pk]]
    ]


def trend_chart(
    progress: PlanProgress, tallies: list[tuple[Period, list[int], int]]
) -> StackedBars:
    """Per published period, the share of each grade over the whole plan."""
    return stacked_bars(
        "chart-trend",
        _("Share of each rating by period"),
        progress.grades,
        [
            (period_label(period), counts, unrated)
            for period, counts, unrated in tallies
        ],
    )


@dataclass
class TimelineRow:
    label: str
    grade: Grade | None
    x: float | None  # percent; None when not rated
    y: int

    @property
    def text_colour(self) -> str:
        return text_colour(self.grade.colour)


@dataclass
class RatingTimeline:
    """An item's rating in each published period: one row a period, one column a grade.

    Period labels take the left part of the width; grade columns share the rest.
    """

    template: ClassVar[str] = "charts/rating_timeline.html"

    id: str
    title: str
    columns: list[tuple[Grade, float]]
    rows: list[TimelineRow]
    description: str = ""
    links: list[tuple[TimelineRow, TimelineRow]] = field(default_factory=list)

    labels_width: ClassVar[float] = 45.0

    @property
    def height(self) -> int:
        return TIMELINE_TOP + TIMELINE_ROW * len(self.rows)


TIMELINE_TOP = 36
TIMELINE_ROW = 40


def rating_timeline(
    grades: list[Grade], ratings: list[tuple[Period, Grade | None]]
) -> RatingTimeline:
    """The chart of one item's ratings, oldest period at the top."""
    step = (100 - RatingTimeline.labels_width) / len(grades)
    columns = [
        (grade, RatingTimeline.labels_width + step * (i + 0.5))
        for i, grade in enumerate(grades)
    ]
    x_of = {grade.pk: x for grade, x in columns}
    rows = []
    sentences = []
    for i, (period, grade) in enumerate(ratings):
        label = period_label(period)
        rows.append(
            TimelineRow(
                label,
                grade,
                x_of.get(grade.pk) if grade else None,
                TIMELINE_TOP + TIMELINE_ROW * i + TIMELINE_ROW // 2,
            )
        )
        sentences.append(
            _("%(period)s: %(grade)s.")
            % {
                "period": label,
                "grade": f"{grade.code} {grade.label_i18n}"
                if grade
                else _("not rated"),
            }
        )
    rated = [row for row in rows if row.grade]
    return RatingTimeline(
        "chart-item",
        _("Rating by period"),
        columns,
        rows,
        join_sentences(sentences),
        links=list(zip(rated, rated[1:], strict=False)),
    )


def item_chart(report: ItemReport) -> RatingTimeline | StackedBars | None:
    """An item's published results across periods, if it has any.

    Plans that rate each schedule row get a bar a period, split by status.
    """
    plan = report.item.plan
    if not report.sheets:
        return None
    grades = report.grades
    by_period = {sheet.period_id: sheet for sheet in report.sheets}
    if plan.rates_schedule_rows:
        rows = []
        for period in report.periods:
            results = result_grades(plan, by_period.get(period.pk))
            tally = Counter(grade.pk for grade in results if grade)
            rows.append(
                (
                    period_label(period),
                    [tally[grade.pk] for grade in grades],
                    results.count(None),
                )
            )
        return stacked_bars(
            "chart-item", _("Status of the schedule rows by period"), grades, rows
        )
    return rating_timeline(
        grades,
        [
            (period, result_grades(plan, by_period.get(period.pk))[0])
            for period in report.periods
        ],
    )
