"""Public pages run a fixed number of queries however large the plan is."""

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import public.search
from plans.models import Item
from public.views import AREAS_PAGE_SIZE
from surveys.models import SurveySheet
from tests.factories import add_published_period
from tests.factories import scaled_copy
from tests.html import soup
from tests.html import table_rows
from tests.html import text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_plan_page_queries_do_not_grow_with_the_plan(client, seed_plan):
    seed_queries = count_queries(client, seed_plan.get_absolute_url())
    big = scaled_copy(seed_plan, 10)
    assert big.items.count() == 10 * seed_plan.items.count()
    assert count_queries(client, big.get_absolute_url()) == seed_queries
    page = client.get(big.get_absolute_url())
    assert table_rows(page, "grade-counts")["合計"] == ["30", "300", "100", "430"]
    # 50 top-level areas: a page of them in the table and the chart.
    assert len(soup(page).select("#grade-counts tbody tr")) == AREAS_PAGE_SIZE
    assert len(soup(page).select("#chart-areas g")) == AREAS_PAGE_SIZE


def test_item_page_queries_do_not_grow_with_the_plan(client, seed_plan):
    seed_queries = count_queries(
        client, seed_plan.items.get(number="2").get_absolute_url()
    )
    big = scaled_copy(seed_plan, 10)
    item = big.items.get(number="10.2")
    assert count_queries(client, item.get_absolute_url()) == seed_queries


def test_item_page_queries_do_not_grow_with_periods(client, seed_plan):
    url = seed_plan.items.get(number="2").get_absolute_url()
    one_period = count_queries(client, url)
    for year in (2018, 2019, 2020):
        add_published_period(seed_plan, fiscal_year=year)
    assert count_queries(client, url) == one_period


def test_plan_page_queries_do_not_grow_with_periods(client, seed_plan):
    url = seed_plan.get_absolute_url()
    add_published_period(seed_plan)
    two_periods = count_queries(client, url)  # with the chart across periods
    for year in (2019, 2020):
        add_published_period(seed_plan, fiscal_year=year)
    assert count_queries(client, url) == two_periods
    big = scaled_copy(seed_plan, 10)  # with the four periods
    assert big.periods.count() == 4
    assert count_queries(client, big.get_absolute_url()) == two_periods


def test_plan_list_queries_do_not_grow_with_plans(client, seed_plan):
    one_plan = count_queries(client, "/")
    for factor in (1, 2):
        scaled_copy(seed_plan, factor)
    assert count_queries(client, "/") == one_plan


def largest_area_url(plan) -> str:
    area = max(plan.areas.all(), key=lambda a: a.items.count())
    return reverse("public:area", args=[plan.city.slug, plan.pk, area.key])


def test_area_page_queries_do_not_grow_with_the_plan(client, seed_plan):
    seed_queries = count_queries(client, largest_area_url(seed_plan))
    big = scaled_copy(seed_plan, 10)
    assert count_queries(client, largest_area_url(big)) == seed_queries


def test_search_results_queries_do_not_grow_with_the_plan(client, seed_plan):
    query = "?q=%E5%AE%9F%E6%96%BD&page=2"  # 実施, the second page of results
    seed_queries = count_queries(client, seed_plan.get_absolute_url() + query)
    big = scaled_copy(seed_plan, 10)
    assert count_queries(client, big.get_absolute_url() + query) == seed_queries
    # More than one page of results at 10×: the count is of a page, not of them all.
    assert "ページ中2ページ目" in text(client.get(big.get_absolute_url() + query))


def rows_read(client, url) -> int:
    """How many items and sheets a request reads from the database."""
    read = []

    def count(sender, **kwargs):
        read.append(sender)

    for model in (Item, SurveySheet):
        post_init.connect(count, sender=model)
    try:
        assert client.get(url).status_code == 200
    finally:
        for model in (Item, SurveySheet):
            post_init.disconnect(count, sender=model)
    return len(read)


@pytest.mark.parametrize("query", ["?q=%E6%8E%A8%E9%80%B2", "?grade=A&page=2"])
def test_search_reads_a_page_of_items_however_large_the_plan(
    client, seed_plan, monkeypatch, query
):
    monkeypatch.setattr(public.search, "PER_PAGE", 5)  # full pages at 1× too
    seed_rows = rows_read(client, seed_plan.get_absolute_url() + query)
    big = scaled_copy(seed_plan, 10)
    assert rows_read(client, big.get_absolute_url() + query) == seed_rows


def test_item_page_queries_do_not_grow_with_its_sub_items(client, seed_plan):
    item = seed_plan.items.get(number="4")
    url = item.get_absolute_url()
    before = count_queries(client, url)
    for k in range(5, 8):
        Item.objects.create(
            plan=seed_plan, area=item.area, parent=item, number=f"4-{k}", title="副"
        )
    assert count_queries(client, url) == before
    assert "4-7" in text(client.get(url))


def test_item_page_queries_do_not_grow_with_its_re_listings(client, seed_plan):
    item = seed_plan.items.get(number="7")
    url = item.get_absolute_url()
    before = count_queries(client, url)
    for area in seed_plan.areas.exclude(pk=item.area_id)[:3]:
        Item.objects.create(
            plan=seed_plan,
            area=area,
            relisted_from=item,
            number=f"7-{area.pk}",
            title=item.title,
        )
    assert count_queries(client, url) == before
