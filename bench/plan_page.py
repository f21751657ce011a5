"""Time the public plan page, a search, an area and an item page at 1×, 10× and 100× the seed plan.

    .venv/bin/python bench/plan_page.py [--repeat N] [--factors 1,10,100]
    DB=postgres DB_HOST=127.0.0.1 DB_PORT=5432 .venv/bin/python bench/plan_page.py

Each plan gets a second published period, so the pages draw their charts. For
each page and size: the median time of a full request through the middleware
(queries, search form, charts, template), its query count and HTML size, and
the floor: rendering the same template from the page's data already in memory.
The ratio is request / floor. Between the two: the view's own work (its
queries and the building of the page's data, no template) and, of that, the
time the database took to run the queries (SQL); the rest of the view is the
ORM building the queries and the objects. The public page cache is off for these: they
are the requests that fill it. The cached columns are the same request once
a first visitor has filled the cache (local memory, as by default), as every
later citizen gets it until the plan changes, and its ratio to the floor. The area is the plan's largest; the item is the last of
the plan's first area (at 10× and 100× its copy in the last copied area).
The copies share the seed's divisions, as one city's divisions lead however
many items its plan has; --own-divisions gives each copy its own (3,400
divisions at 100×, all of them in the search form's division list).

The header gives the time of the cheapest query the ORM makes (one city by
its key, no ordering, timed in a batch with warm caches) and of the same SQL
on the bare cursor. The "bound" column is the least ratio a page could have
with its number of queries: the cached request (the middleware, the query for
the plan's stamp and a cache read, no view), plus each query at that cheapest
time, plus the template. No view that makes the page's queries through the ORM
gets below it on this machine.
"""

from __future__ import annotations

import argparse
import os
import time

from _setup import Table
from _setup import median_time
from _setup import setup_django

SEARCH = "?q=%E6%8E%A8%E9%80%B2"  # 推進: a word of many items, matched in the database


class SqlTimer:
    """A database execute wrapper that adds up the time the queries take to run."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument(
        "--own-divisions",
        action="store_true",
        help="each copy of the seed with its own divisions",
    )
    args = parser.parse_args()
    os.environ["PUBLIC_CACHE_SECONDS"] = "0"  # time the work, not the cache
    setup_django()

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.db.models import Count
    from django.template.loader import render_to_string
    from django.test import Client
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import translation

    from plans.models import City
    from public.views import area_page
    from public.views import item_page
    from public.views import plan_page
    from surveys.seed import load_seed
    from tests.factories import add_published_period
    from tests.factories import scaled_copy

    translation.activate("ja")
    seed = load_seed()
    add_published_period(seed, grade_code="A")
    factors = [int(f) for f in args.factors.split(",")]
    plans = [
        (
            f,
            seed
            if f == 1
            else scaled_copy(seed, f, share_divisions=not args.own_divisions),
        )
        for f in factors
    ]

    def pages(plan):
        area = plan.areas.annotate(n=Count("items")).order_by("-n", "-order").first()
        item = (
            plan.items.filter(parent=None, relisted_from=None)
            .select_related(
                "plan__rating_scale", "plan__city", "area", "parent", "relisted_from"
            )
            .order_by("-area__order", "order")
            .first()
        )
        return [
            ("plan", plan.get_absolute_url(), "public/plan_detail.html",
             lambda request: plan_page(request, plan)),
            ("search", plan.get_absolute_url() + SEARCH, "public/plan_detail.html",
             lambda request: plan_page(request, plan)),
            ("area", reverse("public:area", args=[plan.city.slug, plan.pk, area.key]), "public/area_detail.html",
             lambda request: area_page(request, plan, area)),
            ("item", item.get_absolute_url(), "public/item_detail.html",
             lambda request: item_page(item)),
        ]  # fmt: skip

    if connection.vendor == "postgresql":
        # As autovacuum does after bulk inserts: without statistics the planner
        # takes the copies' tables for empty and loops over their rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host outside the test runner
    city = City.objects.filter(pk=seed.city_id).order_by()
    sql, params = city.query.sql_with_params()

    def per_call(function, calls=100):
        """Seconds a call, timed over a batch: the least a call takes, caches warm."""
        return (
            median_time(args.repeat, lambda: [function() for _ in range(calls)]) / calls
        )

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    cheapest = per_call(lambda: list(city.all()))
    cursor_time = per_call(bare)
    print(
        f"database: {connection.vendor}; median of {args.repeat} runs; "
        f"cheapest ORM query {cheapest * 1000:.2f} ms, "
        f"its SQL on the cursor {cursor_time * 1000:.2f} ms"
    )
    table = Table(
        "page:<6", "plan:>5", "items:>6", "queries:>8", "request ms:>11.0f",
        "floor ms:>9.1f", "ratio:>6", "view ms:>8.1f", "SQL ms:>7.1f",
        "HTML KB:>8.0f", "cached ms:>10.1f", "ratio:>6", "bound:>6",
    )  # fmt: skip
    for factor, plan in plans:
        items = plan.items.count()
        for name, url, template, context_of in pages(plan):
            client.get(url)  # warm up templates and translations
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            query_count = len(queries)  # read now: later requests clear the log
            request_time = median_time(args.repeat, lambda url=url: client.get(url))

            request = RequestFactory(HTTP_HOST="127.0.0.1").get(url)
            request.user = AnonymousUser()
            context = context_of(request)
            view = median_time(
                args.repeat,
                lambda request=request, context_of=context_of: context_of(request),
            )
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                context_of(request)
            floor = median_time(
                args.repeat,
                lambda context=context, request=request, template=template: (
                    render_to_string(template, context, request)
                ),
            )
            with override_settings(PUBLIC_CACHE_SECONDS=60):
                client.get(url)  # the first visitor fills the cache
                cached = median_time(args.repeat, lambda url=url: client.get(url))
            table.row(
                name, f"{factor}×", items, query_count, request_time * 1000,
                floor * 1000, f"{request_time / floor:.2f}×", view * 1000,
                timer.seconds * 1000, len(response.content) / 1024, cached * 1000,
                f"{cached / floor:.2f}×",
                f"{(cached + query_count * cheapest + floor) / floor:.2f}×",
            )  # fmt: skip


if __name__ == "__main__":
    main()
