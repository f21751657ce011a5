"""Time the public plan page at 1×, 10× and 100× the seed plan, against its floor.

    .venv/bin/python bench/plan_page.py [--repeat N] [--factors 1,10,100]
    DB=postgres DB_HOST=127.0.0.1 DB_PORT=5432 .venv/bin/python bench/plan_page.py

Each plan gets a second published period, so the page draws both charts. For
each size: the median time of a full request through the middleware (queries,
search form, charts, template), its query count and HTML size, and the floor:
rendering the same template from the page's data already in memory. The ratio
is request / floor; the floor itself grows with the plan, as the page lists
every item.
"""

from __future__ import annotations

import argparse

from _setup import median_time
from _setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--factors", default="1,10,100")
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from public.views import plan_page
    from surveys.seed import load_seed
    from tests.factories import add_published_period
    from tests.factories import scaled_copy

    translation.activate("ja")
    seed = load_seed()
    add_published_period(seed, grade_code="A")
    factors = [int(f) for f in args.factors.split(",")]
    plans = [(f, seed if f == 1 else scaled_copy(seed, f)) for f in factors]

    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host outside the test runner
    print(f"database: {connection.vendor}; median of {args.repeat} runs")
    print(
        f"{'plan':>5} {'items':>6} {'queries':>8} {'request ms':>11} "
        f"{'floor ms':>9} {'ratio':>6} {'floor queries':>14} {'HTML KB':>8}"
    )
    for factor, plan in plans:
        url = plan.get_absolute_url()
        client.get(url)  # warm up templates and translations
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        query_count = len(queries)  # read now: later requests clear the log
        request_time = median_time(args.repeat, lambda url=url: client.get(url))

        request = RequestFactory().get(url)
        request.user = AnonymousUser()
        context = plan_page(request, plan)
        with CaptureQueriesContext(connection) as floor_queries:
            render_to_string("public/plan_detail.html", context, request)
        floor_query_count = len(floor_queries)
        floor = median_time(
            args.repeat,
            lambda context=context, request=request: render_to_string(
                "public/plan_detail.html", context, request
            ),
        )
        print(
            f"{factor:>4}× {plan.items.count():>6} {query_count:>8} "
            f"{request_time * 1000:>11.0f} {floor * 1000:>9.0f} "
            f"{request_time / floor:>5.2f}× {floor_query_count:>14} "
            f"{len(response.content) / 1024:>8.0f}"
        )


if __name__ == "__main__":
    main()
