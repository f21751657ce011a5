"""What the public pages show: published ratings of a plan, per area and per item."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from django.db.models import Prefetch

from plans.models import Grade
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet


def published_periods(plan: Plan) -> list[Period]:
    """The plan's published periods, oldest first."""
    return sorted(plan.periods.published(), key=lambda p: p.sort_key)


@dataclass
class ItemRow:
    """An item with its sheet in a period and the result: one grade, or one per schedule row."""

    item: Item
    sheet: SurveySheet | None
    sub_items: list[ItemRow] = field(default_factory=list)
    grades: list[Grade | None] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        """Whether the period's counts include the item.

        An item ended or merged before the period has no sheet in it: it is
        left out rather than counted as not rated.
        """
        return self.sheet is not None or not self.item.has_ended


def result_grades(plan: Plan, sheet: SurveySheet | None) -> list[Grade | None]:
    """What a sheet counts as: the plan's result grade, or each schedule row's status.

    Needs `sheet.status_list` (statuses in row order) when the plan rates rows.
    """
    if sheet is None:
        return [None]
    if plan.rates_schedule_rows:
        return [status.grade for status in sheet.status_list] or [None]
    return [plan.result_grade(sheet)]


def with_statuses(sheets, plan: Plan):
    """Sheets with their schedule statuses prefetched as `status_list`, if the plan rates rows."""
    if not plan.rates_schedule_rows:
        return sheets
    return sheets.prefetch_related(
        Prefetch(
            "statuses",
            queryset=ScheduleStatus.objects.select_related(
                "grade", "schedule_row"
            ).order_by("schedule_row__order"),
            to_attr="status_list",
        )
    )


@dataclass
class AreaProgress:
    area: PolicyArea
    depth: int
    rows: list[ItemRow]
    counts: list[int]
    unrated: int

    @property
    def item_count(self) -> int:
        return sum(1 for row in self.rows if row.counted)


@dataclass
class PlanProgress:
    plan: Plan
    period: Period | None
    grades: list[Grade]
    areas: list[AreaProgress]

    @property
    def total_counts(self) -> list[int]:
        return [
            sum(column) for column in zip(*(a.counts for a in self.areas), strict=True)
        ]

    @property
    def total_unrated(self) -> int:
        return sum(a.unrated for a in self.areas)

    @property
    def total_items(self) -> int:
        return sum(a.item_count for a in self.areas)


def sheets_by_item_and_period(
    periods: list[Period], plan: Plan | None = None
) -> dict[tuple[int, int], SurveySheet]:
    """The periods' sheets keyed by (item id, period id), with both grades.

    Given the plan, the schedule statuses come too if the plan rates rows.
    """
    sheets = SurveySheet.objects.filter(period__in=periods).select_related(
        "division_grade", "hq_grade"
    )
    if plan is not None:
        sheets = with_statuses(sheets, plan)
    return {(sheet.item_id, sheet.period_id): sheet for sheet in sheets}


def plan_progress(plan: Plan, period: Period | None) -> PlanProgress:
    """Each area's items with their ratings in the period (none: no ratings).

    A re-listed item (再掲) shows and counts its source's rating, so it is
    counted in both areas, as the plan's own count tables do. Sub-items are
    listed under their parent and not counted: a parent's rating is its own.
    An ended or merged item counts only in the periods it has a sheet in.
    Callers choose the period, and so decide whether unpublished ones show.
    """
    grades = list(plan.rating_scale.grades.all())
    sheets = {}
    if period:
        sheets = {
            s.item_id: s
            for s in with_statuses(
                period.sheets.select_related("division_grade", "hq_grade"), plan
            )
        }
    rows = {}
    # Through the plan, so that each item knows it (and its city) for its address.
    for item in plan.items.for_plan_page(plan):
        sheet = sheets.get(item.sheet_item_id)
        rows[item.pk] = ItemRow(item, sheet, grades=result_grades(plan, sheet))
    by_area: dict[int, list[ItemRow]] = {}
    for row in rows.values():
        if row.item.parent_id:
            rows[row.item.parent_id].sub_items.append(row)
        else:
            by_area.setdefault(row.item.area_id, []).append(row)
    areas = []
    all_areas = list(plan.areas.all())
    depths: dict[int, int] = {}
    for area in all_areas:
        depths[area.pk] = depths[area.parent_id] + 1 if area.parent_id else 0
        area_rows = by_area.get(area.pk, [])
        results = [grade for row in area_rows if row.counted for grade in row.grades]
        tally = Counter(grade.pk for grade in results if grade)
        areas.append(
            AreaProgress(
                area=area,
                depth=depths[area.pk],
                rows=area_rows,
                counts=[tally[g.pk] for g in grades],
                unrated=sum(1 for grade in results if grade is None),
            )
        )
    return PlanProgress(plan=plan, period=period, grades=grades, areas=areas)


@dataclass
class ItemReport:
    item: Item
    source: Item
    periods: list[Period]
    sheets: list[SurveySheet]
    indicators: list
    schedule_rows: list
    sub_items: list[ItemRow]
    relistings: list[Item]
    divisions: list
    lineage: list[Item]


def item_report(item: Item) -> ItemReport:
    """Everything the public item page shows, from published periods only.

    A re-listed item shows its source's indicators, schedule and sheets.
    """
    source = item.relisted_from or item
    periods = published_periods(item.plan)
    published = [p.pk for p in periods]
    sheets = list(
        with_statuses(
            SurveySheet.objects.filter(
                item=source, period__in=published
            ).select_related("period", "division_grade", "hq_grade"),
            item.plan,
        )
    )
    sheets.sort(key=lambda s: s.period.sort_key, reverse=True)
    indicators = list(
        source.indicators.prefetch_related(
            Prefetch(
                "values",
                queryset=IndicatorValue.objects.filter(period__in=published),
                to_attr="published_values",
            )
        )
    )
    for indicator in indicators:
        by_period = {v.period_id: v for v in indicator.published_values}
        indicator.actuals = [by_period.get(p.pk) for p in periods]
    latest = periods[-1].pk if periods else None
    plan = item.plan
    sub_items = []
    for sub in source.sub_items.prefetch_related(
        Prefetch(
            "sheets",
            queryset=with_statuses(
                SurveySheet.objects.filter(period=latest).select_related(
                    "division_grade", "hq_grade"
                ),
                plan,
            ),
            to_attr="latest_sheets",
        )
    ):
        sheet = next(iter(sub.latest_sheets), None)
        sub_items.append(ItemRow(sub, sheet, grades=result_grades(plan, sheet)))
    return ItemReport(
        item=item,
        source=source,
        periods=periods,
        sheets=sheets,
        indicators=indicators,
        schedule_rows=list(source.schedule_rows.all()),
        sub_items=sub_items,
        relistings=list(source.relistings.all()),
        divisions=[
            link.division for link in item.division_links.select_related("division")
        ],
        lineage=item.lineage(),
    )
