"""An item carried across plans shows every plan's published ratings on its page."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Period
from surveys.models import SurveySheet
from tests.factories import add_published_period
from tests.factories import make_kodaira_plan
from tests.html import soup


@pytest.fixture
def carried(seed_plan, next_plan):
    """3rd plan's No.23 and the 4th plan's No.10 that continues it."""
    old = seed_plan.items.get(number="23")
    new = next_plan.items.get(number="10")
    assert new.carried_from == old
    return old, new


def rate(item, *, fiscal_year, state=Period.State.PUBLISHED, division, hq):
    """A first-half period of the item's plan with the item's sheet rated."""
    period = Period.objects.create(
        plan=item.plan, fiscal_year=fiscal_year, half="first", state=state
    )
    grades = {g.code: g for g in item.plan.rating_scale.grades.all()}
    SurveySheet.objects.create(
        item=item,
        period=period,
        state=SurveySheet.State.ACCEPTED,
        division_grade=grades[division],
        hq_grade=grades[hq],
    )
    return period


def grade_text(grade) -> str:
    return f"{grade.code} {grade.label}"


def ratings_by_plan(client, item) -> list[tuple[str, list[list[str]]]]:
    """The page's ratings across plans: (plan and item, [period, division, HQ] rows)."""
    table = soup(client.get(item.get_absolute_url())).find(id="lineage-ratings")
    return [
        (
            body.find("th", scope="rowgroup").get_text(" ", strip=True),
            [
                [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
                for tr in body.find_all("tr")[1:]
            ],
        )
        for body in table.find_all("tbody")
    ]


def test_both_item_pages_show_the_ratings_of_both_plans(client, carried):
    old, new = carried
    rate(new, fiscal_year=2021, division="A", hq="S")
    seed_sheet = SurveySheet.objects.get(item=old)
    expected = [
        (
            f"第3次行財政再構築プラン No.23 {old.title}",
            [
                [
                    "平成29年度 下半期",
                    grade_text(seed_sheet.division_grade),
                    grade_text(seed_sheet.hq_grade),
                ]
            ],
        ),
        (
            f"第4次行財政再構築プラン No.10 {new.title}",
            [["令和3年度 上半期", "A 予定どおりに進捗", "S 予定以上に進捗"]],
        ),
    ]
    assert ratings_by_plan(client, new) == expected
    assert ratings_by_plan(client, old) == expected


def test_unpublished_periods_stay_off_the_history(client, carried):
    old, new = carried
    rate(new, fiscal_year=2021, state=Period.State.OPEN, division="B", hq="B")
    assert ratings_by_plan(client, old)[1] == (
        f"第4次行財政再構築プラン No.10 {new.title}",
        [["この項目の評価結果はまだ公表されていません。"]],
    )


def test_the_lineage_list_keeps_its_links(client, carried):
    old, new = carried
    page = soup(client.get(new.get_absolute_url()))
    assert [li.a["href"] if li.a else None for li in page.select("#lineage li")] == [
        old.get_absolute_url(),
        None,
    ]


def count_queries(client, url) -> int:
    cache.clear()  # the queries of rendering the page, not of its cached copy
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_item_page_queries_do_not_grow_with_the_lineage(client, carried, next_plan):
    old, new = carried
    rate(new, fiscal_year=2021, division="A", hq="S")
    fifth = make_kodaira_plan(
        "第5次行財政再構築プラン", first_fiscal_year=2025, previous_plan=next_plan
    )
    add_published_period(fifth, fiscal_year=2025, grade_code="A")
    latest = fifth.items.get()
    urls = [old.get_absolute_url(), new.get_absolute_url()]
    two_plans = [count_queries(client, url) for url in urls]
    latest.carried_from = old  # 3rd → 5th: a lineage of two on the 5th's page
    latest.save()
    two_on_latest = count_queries(client, latest.get_absolute_url())

    latest.carried_from = new  # 3rd → 4th → 5th
    latest.save()
    assert len(ratings_by_plan(client, latest)) == 3
    assert [count_queries(client, url) for url in urls] == two_plans
    assert count_queries(client, latest.get_absolute_url()) == two_on_latest
