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
    url = reverse("surveys:reading", args=[period.pk])
    links, page = [], "?page=1"
    while page:  # every page of the list, by its pager
        listing = soup(client.get(url + page))
        links += [a["href"] for a in listing.select("#reading tbody th a")]
        next_page = listing.select_one("#reading-pager a[rel=next]")
        page = next_page["href"] if next_page else None
    expected = [
        s.get_absolute_url() for s in period.sheets.order_by("item__order", "pk")
    ]
    assert links == expected
    first, second = (soup(client.get(url)) for url in links[:2])
    assert first.select_one("#queue-nav a[rel=prev]") is None
    assert first.select_one("#queue-nav a[rel=next]")["href"] == links[1]
    assert second.select_one("#queue-nav a[rel=prev]")["href"] == links[0]
    last = soup(client.get(links[-1]))
    assert last.select_one("#queue-nav a[rel=next]") is None
    assert last.select_one("#queue-nav a")["href"] == f"{url}?page=2"


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


def test_a_long_reading_list_comes_fifty_sheets_a_page_and_each_sheet_leads_back_to_its_page(
    client, committee_member, seed_plan
):
    period = seed_plan.periods.get(state=Period.State.PUBLISHED)
    in_order = [
        s.get_absolute_url() for s in period.sheets.order_by("item__order", "pk")
    ]
    assert len(in_order) > 50  # the seed's 58 sheets
    client.force_login(committee_member)
    url = reverse("surveys:reading", args=[period.pk])
    first = soup(client.get(url))
    assert [a["href"] for a in first.select("#reading tbody th a")] == in_order[:50]
    assert (
        first.select_one("#reading-range").get_text() == f"{len(in_order)}件中 1–50件目"
    )
    second = soup(
        client.get(url + first.select_one("#reading-pager a[rel=next]")["href"])
    )
    assert [a["href"] for a in second.select("#reading tbody th a")] == in_order[50:]
    assert soup(client.get(in_order[49])).select_one("#queue-nav a")["href"] == url
    sheet = soup(client.get(in_order[50]))
    assert sheet.select_one("#queue-nav a")["href"] == f"{url}?page=2"
    assert sheet.select_one("#queue-nav a[rel=prev]")["href"] == in_order[49]
