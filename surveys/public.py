"""Public pages: published progress of each plan, open to everyone without login."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from plans.models import Item, Plan
from surveys import opendata, roles
from surveys.progress import item_report, latest_published_period, plan_progress


def plan_list(request):
    plans = Plan.objects.all()
    return render(request, "public/plan_list.html", {"plans": plans})


def plan_detail(request, plan_id: int):
    plan = get_object_or_404(Plan.objects.select_related("rating_scale"), pk=plan_id)
    progress = plan_progress(plan, latest_published_period(plan))
    can_read_reports = roles.is_hq(request.user) or roles.is_committee(request.user)
    return render(
        request,
        "public/plan_detail.html",
        {"progress": progress, "can_read_reports": can_read_reports},
    )


def item_detail(request, plan_id: int, number: str):
    item = get_object_or_404(
        Item.objects.select_related(
            "plan__rating_scale", "area", "parent", "relisted_from"
        ),
        plan_id=plan_id,
        number=number,
    )
    return render(request, "public/item_detail.html", {"report": item_report(item)})


def plan_results(request, plan_id: int, fmt: str):
    """The plan's published results as open data (CSV or JSON)."""
    plan = get_object_or_404(Plan.objects.select_related("rating_scale"), pk=plan_id)
    records = opendata.published_records(plan)
    if fmt == "json":
        return JsonResponse(
            opendata.to_json(plan, records), json_dumps_params={"ensure_ascii": False}
        )
    response = HttpResponse(
        opendata.to_csv(records), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="reformtracker-plan-{plan.pk}.csv"'
    )
    return response
