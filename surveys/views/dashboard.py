"""/surveys/: a division's sheets to fill, and the periods of its cities' plans for HQ and the committee."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from plans.models import Period
from plans.models import Plan
from surveys import access
from surveys.models import SurveySheet


@login_required
def dashboard(request):
    user = request.user
    access.check_staff_member(user)
    open_sheets = SurveySheet.objects.filter(period__state=Period.State.OPEN)
    own_sheets = (
        access.own_sheets(user, open_sheets)
        .for_queue()
        .order_by("period__deadline", "item__order")
    )
    # The open periods of those sheets, each offered as a workbook to fill offline.
    own_periods = list({sheet.period_id: sheet.period for sheet in own_sheets}.values())
    return render(
        request,
        "surveys/dashboard.html",
        {
            "own_sheets": own_sheets,
            "own_periods": own_periods,
            "plans": _plans_with_periods(user),
            "today": timezone.localdate(),
        },
    )


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
