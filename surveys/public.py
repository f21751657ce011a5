"""Public pages: published progress of each plan, open to everyone without login."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from plans.models import Item, Plan
from surveys.progress import item_report, plan_progress


def plan_list(request):
    plans = Plan.objects.all()
    return render(request, "public/plan_list.html", {"plans": plans})


def plan_detail(request, plan_id: int):
    plan = get_object_or_404(Plan.objects.select_related("rating_scale"), pk=plan_id)
    return render(request, "public/plan_detail.html", {"progress": plan_progress(plan)})


def item_detail(request, plan_id: int, number: str):
    item = get_object_or_404(
        Item.objects.select_related(
            "plan__rating_scale", "area", "parent", "relisted_from"
        ),
        plan_id=plan_id,
        number=number,
    )
    return render(request, "public/item_detail.html", {"report": item_report(item)})
