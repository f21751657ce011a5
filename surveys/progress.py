"""Published ratings of a plan per area, for the public pages and the reports: the counts and the rows of items."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from django.db.models import BooleanField
from django.db.models import Count
from django.db.models import Exists
from django.db.models import ExpressionWrapper
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Value

from plans.models import Grade
from plans.models import Item
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet


def published_periods(plan: Plan) -> list[Period]:
    """The plan's published periods, oldest first."""
    # Sorted here: the model's ordering would join the plan and city to sort.
    return sorted(plan.periods.published().order_by(), key=lambda p: p.sort_key)


@dataclass
class ItemRow:
    """An item with its sheet in a period and the result.

    `status` is the item's one rating; `grades` what the sheet rates: the same
    one grade, or a status per schedule row when the plan rates rows.
    """

    item: Item
    sheet: SurveySheet | None
    sub_items: list[ItemRow] = field(default_factory=list)
    grades: list[Grade | None] = field(default_factory=list)
    status: Grade | None = None


def item_row(plan: Plan, item: Item, sheet: SurveySheet | None) -> ItemRow:
    return ItemRow(
        item,
        sheet,
        grades=result_grades(plan, sheet),
        status=item_status(plan, sheet),
    )


def result_grades(plan: Plan, sheet: SurveySheet | None) -> list[Grade | None]:
    """What a sheet rates: the plan's result grade, or each schedule row's status.

    Needs `sheet.status_list` (statuses in row order) when the plan rates rows.
    """
    if sheet is None:
        return [None]
    if plan.rates_schedule_rows:
        return [status.grade for status in sheet.status_list] or [None]
    return [plan.result_grade(sheet)]


def item_status(plan: Plan, sheet: SurveySheet | None) -> Grade | None:
    """The item's one rating in the sheet's period, wherever an item has one.

    The plan's result grade; for a plan that rates schedule rows, the status
    its rule gives: that of the row furthest behind (the last grade of the
    scale among the rows'), of the last rated row, or the one the division
    gives the item. Needs `sheet.status_list` as `result_grades` does.
    """
    if sheet is None:
        return None
    if not plan.rates_schedule_rows:
        return plan.result_grade(sheet)
    rule = plan.item_status_rule
    if rule == Plan.ItemStatusRule.DIVISION:
        return sheet.division_grade
    rated = [status.grade for status in sheet.status_list if status.grade]
    if not rated:
        return None
    if rule == Plan.ItemStatusRule.LATEST:
        return rated[-1]
    return max(rated, key=lambda grade: grade.order)


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
class Tally:
    """Counts per grade of the plan's scale, and of those not rated."""

    counts: list[int]
    unrated: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts) + self.unrated

    def add(self, other: Tally) -> None:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]
        self.unrated += other.unrated


@dataclass
class AreaProgress:
    """An area's items and, rolled up over the areas below it, their counts.

    `items` counts items by their one rating; `rows`, for a plan that rates
    schedule rows, counts the rows by status.
    """

    area: PolicyArea
    path: list[PolicyArea]  # from the top-level area down to this one
    rows: list[ItemRow]
    items: Tally
    schedule_rows: Tally | None
    under: list[int] = field(default_factory=list)  # ids of every area below it

    @property
    def has_sub_areas(self) -> bool:
        return bool(self.under)

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    @property
    def path_label(self) -> str:
        """The area under its parents: "Ⅰ › 1. › (1) 定員の適正化"."""
        return " › ".join(
            [*(a.number or a.name_i18n for a in self.path[:-1]), self.area.label]
        )


@dataclass
class PlanProgress:
    """The plan's areas with their counts in the period.

    `period_totals` holds, per period id of those counted, the plan's items
    by rating: the figures of the chart across periods.
    """

    plan: Plan
    period: Period | None
    grades: list[Grade]
    areas: list[AreaProgress]
    period_totals: dict[int, Tally] = field(default_factory=dict)

    @property
    def top_areas(self) -> list[AreaProgress]:
        """The areas not under another area of the list: those of the plan, or of an area page."""
        listed = {a.area.pk for a in self.areas}
        return [a for a in self.areas if a.area.parent_id not in listed]

    @property
    def nested(self) -> bool:
        return any(a.has_sub_areas for a in self.areas)

    def _total(self, tally: str) -> Tally:
        total = Tally([0] * len(self.grades))
        for area in self.top_areas:
            total.add(getattr(area, tally))
        return total

    @property
    def items(self) -> Tally:
        return self._total("items")

    @property
    def schedule_rows(self) -> Tally | None:
        return self._total("schedule_rows") if self.plan.rates_schedule_rows else None


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


def area_path(area: PolicyArea, areas: dict[int, PolicyArea]) -> list[PolicyArea]:
    """The area and the areas above it, top first, from the plan's areas by id."""
    path = [area]
    while path[0].parent_id and len(path) <= len(areas):
        path.insert(0, areas[path[0].parent_id])
    return path


def plan_progress(
    plan: Plan,
    period: Period | None,
    *,
    rows: bool = True,
    periods: list[Period] | None = None,
) -> PlanProgress:
    """Each area's items with their ratings in the period (none: no ratings).

    An area's counts include those of the areas below it. A re-listed item
    (再掲) shows and counts its source's rating, so it is counted in both
    areas, as the plan's own count tables do. Sub-items are listed under
    their parent and not counted: a parent's rating is its own. An ended or
    merged item counts only in the periods it has a sheet in. Callers choose
    the period, and so decide whether unpublished ones show.

    The counts come from aggregate queries (`listing_tallies`); `rows=False`
    leaves the items out, so that the cost does not grow with the plan.
    Given `periods` (the period among them), the same queries count the
    plan's totals in each of them (`period_totals`).
    """
    areas = list(plan.areas.order_by("order"))
    by_area = area_rows(plan, period, plan.items.all()) if rows else {}
    return _progress(plan, period, areas, areas, by_area, periods or [], whole=True)


def area_progress(plan: Plan, period: Period | None, area: PolicyArea) -> PlanProgress:
    """The area and the areas under it, counted as `plan_progress` counts them.

    Every query reads that subtree only (and the areas above it, for their
    names): one query a level of areas under it, one an area above it, and
    the counts restricted to its areas. Without rows: the caller lists a page.
    """
    seen = {area.pk}  # a loop of parents ends the walks
    subtree = level = [area]
    while level:
        below = PolicyArea.objects.filter(parent__in=level).order_by()
        level = [a for a in below if a.pk not in seen]
        seen.update(a.pk for a in level)
        subtree = [*subtree, *level]
    above = []
    parent_id = area.parent_id
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        above.insert(0, PolicyArea.objects.get(pk=parent_id))
        parent_id = above[0].parent_id
    subtree.sort(key=lambda a: a.order)
    return _progress(plan, period, subtree, [*above, *subtree], {}, [], whole=False)


def _progress(
    plan: Plan,
    period: Period | None,
    areas: list[PolicyArea],
    known: list[PolicyArea],
    by_area: dict[int, list[ItemRow]],
    periods: list[Period],
    *,
    whole: bool,
) -> PlanProgress:
    """The areas with their counts, rolled up; `known` holds the areas above them too."""
    grades = list(plan.rating_scale.grades.order_by("order"))
    counted = periods or ([period] if period else [])
    counts = listing_tallies(
        plan, counted, grades, areas=None if whole else [a.pk for a in areas]
    )
    own = counts.get(period.pk, {}) if period else counts[None]
    by_id = {area.pk: area for area in known}
    progress = {}
    for area in areas:
        items, schedule_rows = own.get(area.pk) or empty_tallies(plan, grades)
        progress[area.pk] = AreaProgress(
            area=area,
            path=area_path(area, by_id),
            rows=by_area.get(area.pk, []),
            items=items,
            schedule_rows=schedule_rows,
        )
    # Deepest first, so that each area adds its whole subtree to its parent.
    for child in sorted(progress.values(), key=lambda a: -a.depth):
        parent = progress.get(child.area.parent_id)
        if parent:
            parent.under += [child.area.pk, *child.under]
            parent.items.add(child.items)
            if child.schedule_rows:
                parent.schedule_rows.add(child.schedule_rows)
    totals = {}
    for p in periods:
        totals[p.pk] = Tally([0] * len(grades))
        for items, _rows in counts.get(p.pk, {}).values():
            totals[p.pk].add(items)
    return PlanProgress(plan, period, grades, list(progress.values()), totals)


def area_rows(
    plan: Plan, period: Period | None, items: QuerySet[Item]
) -> dict[int, list[ItemRow]]:
    """The items' rows in the period by area id, each with its sub-items.

    `items`, of the plan, chooses the items listed (a page of them, say) and
    the sub-items listed under them; a sub-item whose parent is not among
    them is left out. Three queries or so, whatever their number: the items,
    their divisions and their sheets.
    """
    found = list(items.for_plan_page())
    for item in found:
        item.plan = plan  # for their addresses, as `plan.items` sets it
    sheets = {}
    if period:
        sheets = {
            s.item_id: s
            for s in with_statuses(
                period.sheets.filter(item__in={item.sheet_item_id for item in found})
                .select_related("division_grade", "hq_grade")
                .order_by(),  # keyed by item: no ordering by period, plan and city
                plan,
            )
        }
    rows = {
        item.pk: item_row(plan, item, sheets.get(item.sheet_item_id)) for item in found
    }
    by_area: dict[int, list[ItemRow]] = {}
    for item in found:
        if item.parent_id is None:
            by_area.setdefault(item.area_id, []).append(rows[item.pk])
        elif item.parent_id in rows:
            rows[item.parent_id].sub_items.append(rows[item.pk])
    return by_area


Tallies = tuple[Tally, Tally | None]  # items by rating, schedule rows by status

# The two ways an item is listed in an area: as itself, or re-listed (再掲)
# with its source's sheet. Each is a path from a sheet to the listed item.
LISTINGS = ("item", "item__relistings")
ACTIVE = Item.State.ACTIVE


def empty_tallies(plan: Plan, grades: list[Grade]) -> Tallies:
    rows = Tally([0] * len(grades)) if plan.rates_schedule_rows else None
    return Tally([0] * len(grades)), rows


def listing_tallies(
    plan: Plan,
    periods: list[Period],
    grades: list[Grade],
    *,
    areas: list[int] | None = None,
) -> dict[int | None, dict[int, Tallies]]:
    """Per period id, each area's own counts (not rolled up), as `plan_progress` counts.

    Aggregate queries whose number and result size depend on the areas,
    grades and periods only, never on the items: the listed items with a
    sheet by rating, the active listed items (counted as not rated where
    they have no sheet) and, for a plan that rates rows, the rows by
    status. Key None holds the counts with no period: every active item not
    rated. Given `areas` (ids), only the items listed in those are counted.
    """
    # The areas are the plan's: filtering by them alone lets the database read
    # their items by the index on areas, not every item of the plan.
    within = {"plan": plan} if areas is None else {"area__in": areas}
    counts = _Counts(plan, grades)
    active = dict(
        Item.objects.filter(parent=None, state=ACTIVE, **within)
        .filter(Q(relisted_from=None) | Q(relisted_from__state=ACTIVE))
        .order_by()
        .values("area_id")
        .annotate(n=Count("pk"))
        .values_list("area_id", "n")
    )
    for area_id, n in active.items():
        counts.not_rated(None, area_id, n)
    items = Item.objects.filter(parent=None, **within)
    for via, sheet_items in zip(
        LISTINGS, (items, items.values("relisted_from_id")), strict=True
    ):
        where = {f"{via}__parent": None}
        where.update({f"{via}__{k}": v for k, v in within.items()})
        # The sheets of those items too, by their ids: the database then reads
        # the sheets by item, not every sheet of the period.
        sheets = SurveySheet.objects.filter(
            period__in=periods, item__in=sheet_items, **where
        )
        counts.add_sheets(sheets, via)
        if plan.rates_schedule_rows:
            counts.add_statuses(periods, via, where)
    for period in periods:
        for area_id, n in active.items():
            counts.not_rated(period.pk, area_id, n)
    return counts.result


class _Counts:
    """The tallies of `listing_tallies` as its queries fill them, per period and area."""

    def __init__(self, plan: Plan, grades: list[Grade]):
        self.plan = plan
        self.grades = grades
        self.positions = {grade.pk: i for i, grade in enumerate(grades)}
        self.result: dict[int | None, dict[int, Tallies]] = {}

    def cell(self, period_id, area_id) -> Tallies:
        found = self.result.setdefault(period_id, {})
        if area_id not in found:
            found[area_id] = empty_tallies(self.plan, self.grades)
        return found[area_id]

    def not_rated(self, period_id, area_id, n: int) -> None:
        items, rows = self.cell(period_id, area_id)
        items.unrated += n
        if rows:
            rows.unrated += n

    def add_sheets(self, sheets: QuerySet[SurveySheet], via: str) -> None:
        """Count the sheets by the rating of the item they list, in the area it is listed in."""
        # Rows without a status are counted only where the plan rates rows.
        no_rows = ~Exists(ScheduleStatus.objects.filter(sheet=OuterRef("pk")))
        found = sheets.annotate(
            listed_area=F(f"{via}__area_id"),
            grade_id=item_grade(self.plan),
            active=ExpressionWrapper(
                Q(item__state=ACTIVE) & Q(**{f"{via}__state": ACTIVE}),
                output_field=BooleanField(),
            ),
            no_rows=no_rows if self.plan.rates_schedule_rows else Value(False),
        ).values("period_id", "listed_area", "grade_id", "active", "no_rows")
        for row in found.annotate(n=Count("pk")).order_by():
            period_id, area_id, n = row["period_id"], row["listed_area"], row["n"]
            items, rows = self.cell(period_id, area_id)
            if row["grade_id"] in self.positions:
                items.counts[self.positions[row["grade_id"]]] += n
            else:
                items.unrated += n
            if rows and row["no_rows"]:
                rows.unrated += n
            if row["active"]:
                # Counted here by its sheet: not among those without one.
                self.not_rated(period_id, area_id, -n)

    def add_statuses(self, periods: list[Period], via: str, where: dict) -> None:
        """Count the schedule rows of the sheets by status, for a plan that rates rows."""
        statuses = ScheduleStatus.objects.filter(
            sheet__period__in=periods,
            **{f"sheet__{k}": v for k, v in where.items()},
        ).values("sheet__period_id", f"sheet__{via}__area_id", "grade_id")
        for period_id, area_id, grade_id, n in statuses.annotate(
            n=Count("pk")
        ).values_list("sheet__period_id", f"sheet__{via}__area_id", "grade_id", "n"):
            rows = self.cell(period_id, area_id)[1]
            if grade_id in self.positions:
                rows.counts[self.positions[grade_id]] += n
            else:
                rows.unrated += n


def item_grade(plan: Plan):
    """The item's one rating on its sheet, as `item_status` gives it, as an expression."""
    if not plan.rates_schedule_rows:
        return F("hq_grade_id" if plan.second_round else "division_grade_id")
    if plan.item_status_rule == Plan.ItemStatusRule.DIVISION:
        return F("division_grade_id")
    order = (
        "-schedule_row__order"
        if plan.item_status_rule == Plan.ItemStatusRule.LATEST
        else "-grade__order"
    )
    return Subquery(
        ScheduleStatus.objects.filter(sheet=OuterRef("pk"), grade__isnull=False)
        .order_by(order)
        .values("grade_id")[:1]
    )
