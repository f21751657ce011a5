"""Public pages: published progress of each city's plans, open to everyone without login."""

from __future__ import annotations

from dataclasses import replace

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render

from plans.models import City
from plans.models import Item
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from public import charts
from public import opendata
from public.item_report import item_report
from public.search import PlanSearchForm
from public.search import with_ancestors
from surveys import access
from surveys.models import Correction
from surveys.models import Opinion
from surveys.progress import area_progress
from surveys.progress import area_rows
from surveys.progress import plan_progress
from surveys.progress import published_periods

AREA_PAGE_SIZE = 100  # items on a page of an area, each with its sub-items
AREAS_PAGE_SIZE = 20  # top-level areas on a page of the plan's counts and chart


def _plan_cards(plans: QuerySet[Plan]) -> list[Plan]:
    """The plans with what their cards show: item count and latest published period."""
    plans = list(
        plans.select_related("city")
        .annotate(item_count=Count("items", filter=Q(items__parent=None)))
        .prefetch_related(
            Prefetch(
                "periods", queryset=Period.objects.published(), to_attr="published"
            )
        )
    )
    for plan in plans:
        plan.latest_period = max(plan.published, key=lambda p: p.sort_key, default=None)
    return plans


def plan_list(request):
    """Every city's plans, grouped by city."""
    plans = _plan_cards(Plan.objects.order_by("city__name", "-first_fiscal_year"))
    return render(request, "public/plan_list.html", {"plans": plans})


def city_detail(request, city: str):
    city = get_object_or_404(City, slug=city)
    plans = _plan_cards(city.plans.order_by("-first_fiscal_year"))
    return render(request, "public/city_detail.html", {"city": city, "plans": plans})


def accessibility(request):
    return render(request, "public/accessibility.html")


def moved(request, plan_id: int, rest: str = ""):
    """An address from before cities (/plans/<id>/…): moved for good under the plan's city."""
    plan = get_object_or_404(Plan.objects.select_related("city"), pk=plan_id)
    query = request.GET.urlencode()
    return redirect(
        plan.get_absolute_url() + rest + (f"?{query}" if query else ""), permanent=True
    )


def _plan(city: str, plan_id: int) -> Plan:
    return get_object_or_404(
        Plan.objects.select_related("rating_scale", "city"),
        pk=plan_id,
        city__slug=city,
    )


def plan_detail(request, city: str, plan_id: int):
    plan = _plan(city, plan_id)
    return render(request, "public/plan_detail.html", plan_page(request, plan))


def plan_page(request, plan: Plan) -> dict:
    """What the plan page shows: counts, charts, the search and a page of its results.

    Without a search no item is listed. The counts and the chart show the
    top-level areas, a page of them at a time, each linking to its own page
    with the areas under it: the page does not grow with the plan.
    """
    periods = published_periods(plan)
    # One period has nothing to compare: the area chart shows it.
    trend_periods = periods if len(periods) > 1 else None
    progress = plan_progress(
        plan, periods[-1] if periods else None, rows=False, periods=trend_periods
    )
    areas = Paginator(progress.top_areas, AREAS_PAGE_SIZE).get_page(
        request.GET.get("areas")
    )
    search = PlanSearchForm(request.GET or None, progress)
    trend = charts.period_tallies(progress, trend_periods) if trend_periods else []
    return {
        "progress": progress,
        "areas": areas,
        "search": search,
        "results": search.results(request.GET.get("page")),
        "area_chart": charts.area_chart(progress, areas) if periods else None,
        "trend": trend,
        "trend_chart": charts.trend_chart(progress, trend) if trend else None,
        "can_read_reports": access.reads_reports(request.user, plan.city_id),
        "opinions": _public_opinions(period__plan=plan, item=None),
    }


def area_detail(request, city: str, plan_id: int, key: str):
    """A policy area by its permanent key: its counts and a page of its items."""
    area = get_object_or_404(
        PolicyArea.objects.select_related("plan__rating_scale", "plan__city"),
        plan_id=plan_id,
        plan__city__slug=city,
        key=key,
    )
    return render(
        request, "public/area_detail.html", area_page(request, area.plan, area)
    )


def area_page(request, plan: Plan, area: PolicyArea) -> dict:
    """The area's counts, with the areas under it, and a page of its items, theirs too.

    Only the area's subtree is read, so that it costs the same in any plan.
    """
    periods = published_periods(plan)
    period = periods[-1] if periods else None
    progress = area_progress(plan, period, area)
    items = (
        plan.items.filter(area__in=[a.area.pk for a in progress.areas], parent=None)
        .order_by("area__order", "order")
        .values_list("pk", flat=True)
    )
    page = Paginator(list(items), AREA_PAGE_SIZE).get_page(request.GET.get("page"))
    listed = page.object_list
    rows = area_rows(
        plan, period, Item.objects.filter(Q(pk__in=listed) | Q(parent__in=listed))
    )
    return {
        "area": next(a for a in progress.areas if a.area.pk == area.pk),
        "progress": progress,
        "sections": with_ancestors(
            [replace(a, rows=rows.get(a.area.pk, [])) for a in progress.areas]
        ),
        "page": page,
    }


def item_detail(request, city: str, plan_id: int, number: str):
    item = get_object_or_404(
        Item.objects.select_related(
            "plan__rating_scale", "plan__city", "area", "parent", "relisted_from"
        ),
        plan_id=plan_id,
        plan__city__slug=city,
        number=number,
    )
    return render(request, "public/item_detail.html", item_page(item))


def item_page(item: Item) -> dict:
    """What the item page shows: its published sheets, chart and opinions."""
    report = item_report(item)
    return {
        "report": report,
        "chart": charts.item_chart(report),
        "opinions": _public_opinions(item=report.source),
    }


def _public_opinions(**where) -> list[Opinion]:
    """The committee opinions HQ made public, of published periods, oldest first."""
    return list(
        Opinion.objects.public()
        .filter(**where)
        .select_related("period", "action_period")
        .order_by("period__fiscal_year", "period__half", "written_at", "pk")
    )


def plan_corrections(request, city: str, plan_id: int):
    """Every correction published to the plan's results, newest first."""
    plan = _plan(city, plan_id)
    corrections = (
        Correction.objects.published()
        .filter(sheet__period__plan=plan)
        .select_related("sheet__item__plan__city", "sheet__period")
        .order_by("-published_at")
    )
    return render(
        request,
        "public/corrections.html",
        {"plan": plan, "corrections": corrections},
    )


def item_by_key(request, city: str, plan_id: int, key: str):
    """An item's permanent address, by its key: moved for good to its page by number."""
    item = get_object_or_404(
        Item.objects.select_related("plan__city"),
        plan_id=plan_id,
        plan__city__slug=city,
        key=key,
    )
    return redirect(item.get_absolute_url(), permanent=True)


def plan_results(request, city: str, plan_id: int, fmt: str):
    """The plan's published results as open data (CSV or JSON)."""
    plan = _plan(city, plan_id)
    records = opendata.published_records(plan)
    if fmt == "json":
        return JsonResponse(
            opendata.to_json(plan, records), json_dumps_params={"ensure_ascii": False}
        )
    response = HttpResponse(
        opendata.to_csv(plan, records), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="reformtracker-plan-{plan.pk}.csv"'
    )
    return response
