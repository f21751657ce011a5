"""The committee reads a published period's sheets in the plan's order, from one to the next."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Period
from tests.factories import scaled_copy
from tests.html import soup


def test_the_committee_reads_from_sheet_to_sheet(client, committee_member, seed_plan):
    period = seed_plan.periods.get(state=Period.State.PUBLISHED)
    client.force_login(committee_member)
    listing = soup(client.get(reverse("surveys:reading", args=[period.pk])))
    links = [a["href"] for a in listing.select("#reading tbody th a")]
    expected = [s.get_absolute_url() for s in period.sheets.order_by("item__order")]
    assert links == expected
    first, second = (soup(client.get(url)) for url in links[:2])
    assert first.select_one("#queue-nav a[rel=prev]") is None
    assert first.select_one("#queue-nav a[rel=next]")["href"] == links[1]
    assert second.select_one("#queue-nav a[rel=prev]")["href"] == links[0]
    last = soup(client.get(links[-1]))
    assert last.select_one("#queue-nav a[rel=next]") is None
    assert last.select_one("#queue-nav a")["href"] == reverse(
        "surveys:reading", args=[period.pk]
    )


def test_the_reading_list_keeps_its_queries_at_ten_times_the_plan(
    client, committee_member, seed_plan
):
    client.force_login(committee_member)

    def queries(plan) -> int:
        period = plan.periods.get(state=Period.State.PUBLISHED)
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("surveys:reading", args=[period.pk])).status_code
                == 200
            )
        return len(captured)

    one = queries(seed_plan)
    assert queries(scaled_copy(seed_plan, 10)) == one
