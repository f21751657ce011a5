"""/surveys/: a division's sheets to fill, and the periods of its cities' plans for HQ and the committee."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case
from django.db.models import Count
from django.db.models import Prefetch
from django.db.models import When
from django.shortcuts import render
from django.utils import timezone

from plans.models import Period
from plans.models import Plan
from surveys import access
from surveys.history import with_last_editor
from surveys.models import SurveySheet
from surveys.workflow import sheet_progress


@login_required
def dashboard(request):
    user = request.user
    access.check_staff_member(user)
    open_sheets = SurveySheet.objects.filter(period__state=Period.State.OPEN)
    own_sheets = with_last_editor(
        access.own_sheets(user, open_sheets)
        .for_queue()
        .annotate(returned_first=Case(When(state="returned", then=0), default=1))
        .order_by("returned_first", "period__deadline", "item__order")
    )
    # The open periods of those sheets, each with its progress and offered as a
    # workbook to fill offline.
    own_periods = list({sheet.period_id: sheet.period for sheet in own_sheets}.values())
    today = timezone.localdate()
    for period in own_periods:
        period.progress = sheet_progress(
            s for s in own_sheets if s.period_id == period.pk
        )
        period.days_left = (period.deadline - today).days if period.deadline else None
    return render(
        request,
        "surveys/dashboard.html",
        {
            "own_sheets": own_sheets,
            "own_periods": own_periods,
            "past_sheets": _past_sheets(user),
            "plans": _plans_with_periods(user),
            "today": today,
        },
    )


def _past_sheets(user) -> list[tuple[Period, list[SurveySheet]]]:
    """The division's sheets of published periods, newest period first."""
    sheets = (
        access.own_sheets(user, SurveySheet.objects.published())
        .select_related("item", "period__plan")
        .order_by("-period__fiscal_year", "-period__half", "item__order")
    )
    past = {}
    for sheet in sheets:
        past.setdefault(sheet.period, []).append(sheet)
    return list(past.items())


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
