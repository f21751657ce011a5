"""The plan page, the HQ queue and a report of one city, with 1 and with 100 cities.

    .venv/bin/python bench/cities.py [--repeat N] [--cities 100]
    DB=postgres DB_HOST=127.0.0.1 DB_PORT=5432 .venv/bin/python bench/cities.py

The seed city (小平市) has its plan with a published period and an open one,
and an HQ officer. Then 99 more cities are bulk-copied from it
(tests.factories.scaled_copy with a city): each with its own plan of the seed
plan's size, divisions, rating scale, periods, sheets and HQ officer. The
same three pages of the seed city are timed before and after, and their
query counts must be equal: nothing a page reads may grow with the number of
cities on the site.
"""

from __future__ import annotations

import argparse

from _setup import Table
from _setup import median_time
from _setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cities", type=int, default=100)
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from plans.models import City
    from plans.models import Membership
    from surveys.seed import load_seed
    from surveys.workflow import open_period
    from tests.factories import scaled_copy

    translation.activate("ja")
    seed = load_seed()
    published = seed.periods.get()
    User = get_user_model()
    hq = User.objects.create_user("bench-hq")
    Membership.objects.create(city=seed.city, user=hq, role=Membership.Role.HQ)
    opened = open_period(
        plan=seed, fiscal_year=2018, half="first", deadline=None, by=hq
    )
    pages = {
        "plan page": (None, seed.get_absolute_url()),
        "HQ queue": (hq, reverse("surveys:queue", args=[opened.pk])),
        "summary report": (
            hq,
            reverse("surveys:report", args=[published.pk, "summary"]),
        ),
    }

    def measure() -> dict[str, tuple[int, float]]:
        results = {}
        for name, (user, url) in pages.items():
            client = Client(HTTP_HOST="127.0.0.1")
            if user:
                client.force_login(user)
            client.get(url)  # warm up templates and translations
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            count = len(queries)
            results[name] = (
                count,
                median_time(args.repeat, lambda c=client, u=url: c.get(u)),
            )
        return results

    one_city = measure()
    for k in range(2, args.cities + 1):
        city = City.objects.create(name=f"ベンチ市{k}", slug=f"bench-{k}")
        scaled_copy(seed, 1, city=city)
        officer = User.objects.create_user(f"bench-hq-{k}")
        Membership.objects.create(city=city, user=officer, role=Membership.Role.HQ)
    many_cities = measure()

    print(f"database: {connection.vendor}; median of {args.repeat} runs")
    many = f"{args.cities} cities"
    table = Table(
        "page:<16", "queries, 1 city:>16", f"{many}:>12", "ms, 1 city:>11.0f",
        f"{many}:>12.0f",
    )  # fmt: skip
    for name in pages:
        (q1, t1), (qn, tn) = one_city[name], many_cities[name]
        table.row(name, q1, qn, t1 * 1000, tn * 1000)
        assert q1 == qn, f"{name}: {q1} queries with one city, {qn} with many"


if __name__ == "__main__":
    main()
