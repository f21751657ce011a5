"""/surveys/: a division's sheets to fill, and the periods of its cities' plans for HQ and the committee."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case
from django.db.models import Count
from django.db.models import Prefetch
from django.db.models import QuerySet
from django.db.models import When
from django.shortcuts import render
from django.utils import timezone

from plans.models import Period
from plans.models import Plan
from reformtracker.lib.paging import paged
from surveys import access
from surveys.history import with_last_editor
from surveys.models import SurveySheet
from surveys.workflow import sheet_progress


@login_required
def dashboard(request):
    user = request.user
    access.check_staff_member(user)
    own = access.own_sheets(
        user, SurveySheet.objects.filter(period__state=Period.State.OPEN)
    )
    own_pager = paged(
        own.for_queue()
        .annotate(returned_first=Case(When(state="returned", then=0), default=1))
        .order_by("returned_first", "period__deadline", "item__order", "pk"),
        request.GET,
    )
    past_pager = paged(_past_sheets(user), request.GET, key="past")
    return render(
        request,
        "surveys/dashboard.html",
        {
            "own_pager": own_pager,
            "own_sheets": with_last_editor(own_pager.page.object_list),
            "own_periods": _own_periods(own),
            "past_pager": past_pager,
            "past_sheets": _by_period(past_pager.page),
            "plans": _plans_with_periods(user),
            "today": timezone.localdate(),
        },
    )


def _own_periods(own: QuerySet) -> list[Period]:
    """The open periods of the division's sheets, soonest deadline first, each with
    its progress counted over all its sheets and the days left until its deadline;
    each is offered as a workbook to fill offline."""
    progress = sheet_progress(own)
    periods = list(
        Period.objects.filter(pk__in=list(progress))
        .select_related("plan")
        .order_by("deadline", "pk")
    )
    today = timezone.localdate()
    for period in periods:
        period.progress = progress[period.pk]
        period.days_left = (period.deadline - today).days if period.deadline else None
    return periods


def _past_sheets(user) -> QuerySet:
    """The division's sheets of published periods, newest period first."""
    return (
        access.own_sheets(user, SurveySheet.objects.published())
        .select_related("item", "period__plan")
        .order_by(
            "-period__fiscal_year", "-period__half", "period_id", "item__order", "pk"
        )
    )


def _by_period(sheets) -> list[tuple[Period, list[SurveySheet]]]:
    """The sheets grouped by their period, in their order."""
    grouped = {}
    for sheet in sheets:
        grouped.setdefault(sheet.period, []).append(sheet)
    return list(grouped.items())


def _plans_with_periods(user) -> list[Plan]:
    """The plans of the user's cities with the periods whose reports they read,
    newest first; each says whether the user is HQ of its city (`is_hq`) and
    which of its periods is open (`open_period`)."""
    periods = Period.objects.annotate(sheet_count=Count("sheets")).order_by(
        "-fiscal_year", "-half"
    )
    plans = list(
        access.report_plans(user)
        .select_related("city")
        .prefetch_related(
            Prefetch("periods", queryset=access.report_periods(user, periods))
        )
    )
    for plan in plans:
        plan.is_hq = access.is_hq(user, plan.city_id)
        plan.open_period = next((p for p in plan.periods.all() if p.is_open), None)
    return plans
