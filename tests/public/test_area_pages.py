"""Each policy area's own page: its counts and its items, at a permanent address."""

from django.urls import reverse

import public.views
from plans import stamps
from plans.models import Plan
from plans.models import PolicyArea
from tests.factories import add_period
from tests.html import soup
from tests.html import table_rows
from tests.html import text


def area_url(area: PolicyArea) -> str:
    plan = area.plan
    return reverse("public:area", args=[plan.city.slug, plan.pk, area.key])


def listed_items(response) -> set[str]:
    """The addresses of the items the page lists in its item tables."""
    return {a["href"] for a in soup(response).select(".items-table a[href*='/items/']")}


def test_area_page_counts_and_lists_that_area_only(client, seed_plan):
    area = seed_plan.areas.get(name="財政基盤の強化")
    response = client.get(area_url(area))
    assert response.status_code == 200
    assert table_rows(response, "grade-counts")["財政基盤の強化"] == [
        "1",
        "9",
        "4",
        "14",
    ]
    assert "地域協働の推進" not in table_rows(response, "grade-counts")
    own = {
        item.get_absolute_url()
        for item in seed_plan.items.filter(area=area).select_related("plan__city")
    }
    assert listed_items(response) == own
    others = seed_plan.items.exclude(area=area).select_related("plan__city")
    assert not listed_items(response) & {i.get_absolute_url() for i in others}


def test_plan_page_links_each_area_to_its_page(client, seed_plan):
    page = soup(client.get(seed_plan.get_absolute_url()))
    for area in seed_plan.areas.filter(parent=None):
        link = page.find("a", href=area_url(area))
        assert link is not None, area.name
        # An address from before the area pages (#area-<pk>) still lands on its row.
        assert link.find_parent(id=f"area-{area.pk}") is not None


def test_area_address_survives_renaming_renumbering_and_reordering(client, seed_plan):
    area = seed_plan.areas.get(name="財政基盤の強化")
    url = area_url(area)
    area.name = "財政の健全化"
    area.number = "9"
    area.order = 99
    area.save()
    response = client.get(url)
    assert response.status_code == 200
    assert soup(response).h1.get_text(" ", strip=True) == "9 財政の健全化"
    assert table_rows(response, "grade-counts")["9 財政の健全化"] == [
        "1",
        "9",
        "4",
        "14",
    ]


def test_area_page_shows_no_rating_of_an_unpublished_period(client, seed_plan):
    area = seed_plan.areas.get(name="執行体制の再構築")
    add_period(seed_plan, fiscal_year=2018, grade_code="B", text="未公表の記述")
    stamps.changed(Plan.objects.filter(pk=seed_plan.pk))
    response = client.get(area_url(area))
    assert table_rows(response, "grade-counts")["執行体制の再構築"] == [
        "1",
        "12",
        "0",
        "13",
    ]
    assert "未公表の記述" not in text(response)
    assert "平成29年度 下半期" in text(response)


def test_a_page_past_the_end_shows_the_last_page(client, seed_plan):
    area = seed_plan.areas.get(name="財政基盤の強化")
    first = client.get(area_url(area))
    for page in ("999", "0", "x"):
        response = client.get(area_url(area) + f"?page={page}")
        assert response.status_code == 200
        assert listed_items(response) == listed_items(first)


def nest(area: PolicyArea, under: PolicyArea) -> PolicyArea:
    area.parent = under
    area.save()
    return area


def plan_pages(client, plan) -> list:
    """The plan page and each page of its areas, by following its pager."""
    pages = [client.get(plan.get_absolute_url())]
    while link := soup(pages[-1]).select_one("nav.pager a[rel=next]"):
        pages.append(client.get(plan.get_absolute_url() + link["href"].split("#")[0]))
    return pages


def test_plan_page_shows_a_page_of_top_areas_and_reaches_every_area(
    client, seed_plan, monkeypatch
):
    monkeypatch.setattr(public.views, "AREAS_PAGE_SIZE", 2)
    linked = []
    for page in plan_pages(client, seed_plan):
        rows = table_rows(page, "grade-counts")
        assert rows.pop("合計") == ["3", "30", "10", "43"]  # the whole plan's
        assert len(rows) <= 2
        assert len(soup(page).select("#chart-areas g")) == len(rows)
        linked += [a["href"] for a in soup(page).select("#grade-counts tbody th a")]
    assert linked == [area_url(a) for a in seed_plan.areas.order_by("order")]


def test_plan_page_counts_top_areas_and_their_page_the_areas_under_them(
    client, seed_plan
):
    top = seed_plan.areas.get(name="財政基盤の強化")
    sub = nest(seed_plan.areas.get(name="執行体制の再構築"), under=top)
    rows = table_rows(client.get(seed_plan.get_absolute_url()), "grade-counts")
    assert rows["財政基盤の強化"] == ["2", "21", "4", "27"]  # 14 + 13 under it
    assert "執行体制の再構築" not in rows
    assert table_rows(client.get(area_url(top)), "grade-counts") == {
        "財政基盤の強化": ["2", "21", "4", "27"],
        "執行体制の再構築": ["1", "12", "0", "13"],
        "合計": ["2", "21", "4", "27"],
    }
    # An address from before (#area-<pk>) of the area under it lands on its row.
    page = soup(client.get(seed_plan.get_absolute_url()))
    assert page.find(id=f"area-{sub.pk}").find_parent("th").a["href"] == area_url(top)


def test_area_page_under_another_names_the_areas_above_it(client, seed_plan):
    top = seed_plan.areas.get(name="財政基盤の強化")
    middle = nest(seed_plan.areas.get(name="PDCAサイクルの構築"), under=top)
    sub = nest(seed_plan.areas.get(name="執行体制の再構築"), under=middle)
    response = client.get(area_url(sub))
    crumbs = [
        li.get_text(strip=True) for li in soup(response).select(".breadcrumbs li")
    ]
    assert crumbs[-3:] == ["財政基盤の強化", "PDCAサイクルの構築", "執行体制の再構築"]
    assert table_rows(response, "grade-counts") == {
        "執行体制の再構築": ["1", "12", "0", "13"],
        "合計": ["1", "12", "0", "13"],
    }
