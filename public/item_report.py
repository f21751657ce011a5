"""What the public item page shows: the item's published sheets, indicators and lineage."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.db.models import Q

from plans.models import Grade
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import Period
from plans.models import Plan
from surveys.models import Correction
from surveys.models import SurveySheet
from surveys.progress import ItemRow
from surveys.progress import item_row
from surveys.progress import item_status
from surveys.progress import published_periods
from surveys.progress import with_statuses


@dataclass
class PlanRating:
    """An item's ratings in one published period of its plan.

    `division` is the division's rating, or the item's status when the plan
    rates schedule rows; `hq` is HQ's rating.
    """

    period: Period
    division: Grade | None
    hq: Grade | None


@dataclass
class LineageStep:
    """An item of a lineage with its ratings in its plan's published periods.

    `hq_round` is False when its plan has no HQ rating to show: no second
    round, or a status per schedule row.
    """

    item: Item
    ratings: list[PlanRating]
    hq_round: bool


def lineage_ratings(lineage: list[Item]) -> list[LineageStep]:
    """Each item of the lineage with its published ratings, oldest period first.

    One query for the sheets of every item, however many plans the lineage
    spans (and one for schedule statuses if one of them rates rows). A
    re-listed item shows its source's sheets, as on its own page.
    """
    if len(lineage) < 2:
        return []
    sheets = SurveySheet.objects.filter(
        item__in={item.sheet_item_id for item in lineage},
        period__in=Period.objects.filter(
            plan__in={item.plan_id for item in lineage}
        ).published(),
    ).select_related("period", "division_grade", "hq_grade")
    row_plan = next((i.plan for i in lineage if i.plan.rates_schedule_rows), None)
    if row_plan is not None:
        sheets = with_statuses(sheets, row_plan)
    by_item: dict[int, list[SurveySheet]] = {}
    for sheet in sheets:
        by_item.setdefault(sheet.item_id, []).append(sheet)
    steps = []
    for item in lineage:
        plan = item.plan
        found = sorted(
            by_item.get(item.sheet_item_id, []), key=lambda s: s.period.sort_key
        )
        ratings = [
            PlanRating(
                period=sheet.period,
                division=item_status(plan, sheet)
                if plan.rates_schedule_rows
                else sheet.division_grade,
                hq=sheet.hq_grade,
            )
            for sheet in found
        ]
        hq_round = plan.second_round and not plan.rates_schedule_rows
        steps.append(LineageStep(item, ratings, hq_round))
    return steps


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
    across_plans: list[LineageStep]
    grades: list[Grade]  # of the plan's scale

    @property
    def other_grades(self) -> list[Grade]:
        """Grades of other scales that the lineage shows, for their colours."""
        own = self.item.plan.rating_scale_id
        found = {
            grade.pk: grade
            for step in self.across_plans
            for rating in step.ratings
            for grade in (rating.division, rating.hq)
            if grade is not None and grade.scale_id != own
        }
        return list(found.values())


def item_report(item: Item) -> ItemReport:
    """Everything the public item page shows, from published periods only.

    A re-listed item shows its source's indicators, schedule and sheets.
    Rows are sorted by their own order (or here), not by their model's
    ordering, which would join the plan and its city to each query.
    """
    plan = item.plan
    source = item.relisted_from or item
    lineage = item.lineage()
    periods = published_periods(plan)
    latest = periods[-1].pk if periods else None
    # Its sub-items and the other listings of its source, in one query.
    related = list(
        Item.objects.filter(Q(parent=source) | Q(relisted_from=source))
        .exclude(pk=item.pk)
        .select_related("area")
        .order_by("order")
    )
    for other in related:
        if other.plan_id == plan.pk:
            other.plan = plan  # for its address, without a query each
    subs = [other for other in related if other.parent_id == source.pk]
    latest_sheets = {
        sheet.item_id: sheet
        for sheet in with_statuses(
            SurveySheet.objects.filter(period=latest, item__in=subs).select_related(
                "division_grade", "hq_grade"
            ),
            plan,
        )
    }
    sub_items = [item_row(plan, sub, latest_sheets.get(sub.pk)) for sub in subs]
    relistings = [other for other in related if other.relisted_from_id == source.pk]
    return ItemReport(
        item=item,
        source=source,
        periods=periods,
        sheets=_published_sheets(plan, source, periods),
        indicators=_indicators(source, periods),
        schedule_rows=list(source.schedule_rows.order_by("order")),
        sub_items=sub_items,
        relistings=relistings,
        divisions=[
            link.division for link in item.division_links.select_related("division")
        ],
        lineage=lineage,
        across_plans=lineage_ratings(lineage),
        grades=list(plan.rating_scale.grades.order_by("order")),
    )


def _published_sheets(
    plan: Plan, source: Item, periods: list[Period]
) -> list[SurveySheet]:
    """The item's sheets of the periods, newest first, each with its published corrections."""
    sheets = list(
        with_statuses(
            SurveySheet.objects.filter(item=source, period__in=periods)
            .select_related("period", "division_grade", "hq_grade")
            .prefetch_related(
                Prefetch(
                    "corrections",
                    queryset=Correction.objects.published(),
                    to_attr="published_corrections",
                )
            )
            .order_by(),
            plan,
        )
    )
    return sorted(sheets, key=lambda s: s.period.sort_key, reverse=True)


def _indicators(source: Item, periods: list[Period]) -> list:
    """The item's indicators, each with `actuals`: its value in each period (or None)."""
    indicators = list(
        source.indicators.order_by("order").prefetch_related(
            Prefetch(
                "values",
                queryset=IndicatorValue.objects.filter(period__in=periods),
                to_attr="published_values",
            )
        )
    )
    for indicator in indicators:
        by_period = {v.period_id: v for v in indicator.published_values}
        indicator.actuals = [by_period.get(p.pk) for p in periods]
    return indicators
