"""HQ's and divisions' pages run a fixed number of queries however large the plan:
each is counted on the seed plan (1×) and on a copy ten times its size (10×)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Division
from plans.models import Period
from surveys.reminders import missing_by_division
from tests.factories import scaled_copy


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def queue(period):
    return reverse("surveys:queue", args=[period.pk])


def queue_filtered(period):
    return reverse("surveys:queue", args=[period.pk]) + "?state=draft"


def queue_page_two(period):
    return reverse("surveys:queue", args=[period.pk]) + "?state=draft&page=2"


def divergence(period):
    published = period.plan.periods.get(state=Period.State.PUBLISHED)
    return reverse("surveys:divergence", args=[published.pk])


def remind(period):
    division = next(iter(missing_by_division(period)))
    return reverse("surveys:remind", args=[period.pk, division.pk])


def submit_uploaded(period):
    ids = ",".join(str(pk) for pk in period.sheets.values_list("pk", flat=True))
    return reverse("surveys:period_submit", args=[period.pk]) + f"?sheets={ids}"


def period_form(period):
    return reverse("surveys:period_new", args=[period.plan_id])


@pytest.mark.parametrize(
    "page",
    [
        queue,
        queue_filtered,
        queue_page_two,
        divergence,
        remind,
        submit_uploaded,
        period_form,
    ],
)
def test_hq_pages_keep_their_queries_at_ten_times_the_plan(
    client, hq_officer, open_fy2018, page
):
    client.force_login(hq_officer)
    one = queries(client, page(open_fy2018))
    big = scaled_copy(open_fy2018.plan, 10)
    assert big.items.count() == 10 * open_fy2018.plan.items.count()
    big_period = big.periods.get(state=Period.State.OPEN)
    assert queries(client, page(big_period)) == one


def test_the_division_dashboard_keeps_its_queries_at_ten_times_the_plan(
    client, division_staff, open_fy2018
):
    """Counted with the division's sheets of the plan, then with those of a plan
    ten times its size too: the open sheets, the past ones and their pages."""
    client.force_login(division_staff)
    dashboard = reverse("surveys:dashboard")
    one = queries(client, dashboard)
    scaled_copy(open_fy2018.plan, 10)
    (division,) = division_staff.divisions.all()
    division_staff.divisions.add(
        *Division.objects.filter(name__startswith=f"{division.name} (")
    )
    assert division_staff.divisions.count() == 11
    assert queries(client, dashboard) == one
    assert queries(client, dashboard + "?page=2&past=2") == one
