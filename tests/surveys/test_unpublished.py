"""An unpublished period is invisible on every public page."""

import pytest
from django.urls import reverse

from plans.models import Period
from plans.models import Plan
from tests.factories import add_period
from tests.html import table_rows

SECRET = "未公表の記載（内部検討中）"


@pytest.fixture
def open_period(seed_plan):
    """A later period still being filled, every sheet rated B with secret text."""
    return add_period(seed_plan, fiscal_year=2018, text=SECRET, grade_code="B")


def public_urls(plan: Plan) -> list[str]:
    return [
        reverse("public:plan_list"),
        plan.get_absolute_url(),
        "/en" + plan.get_absolute_url(),
        *(item.get_absolute_url() for item in plan.items.all()),
    ]


def test_no_public_page_shows_an_unpublished_period(client, seed_plan, open_period):
    for url in public_urls(seed_plan):
        page = client.get(url).content.decode()
        assert SECRET not in page, url
        assert "平成30年度 上半期" not in page, url


def test_counts_ignore_an_unpublished_later_period(client, seed_plan, open_period):
    response = client.get(seed_plan.get_absolute_url())
    assert table_rows(response, "grade-counts")["合計"] == ["3", "30", "10", "43"]


def test_publishing_the_period_shows_it(client, seed_plan, open_period):
    open_period.state = Period.State.PUBLISHED
    open_period.save()
    response = client.get(seed_plan.get_absolute_url())
    assert table_rows(response, "grade-counts")["合計"] == ["0", "0", "43", "43"]
    assert (
        SECRET
        in client.get(
            seed_plan.items.get(number="1").get_absolute_url()
        ).content.decode()
    )


def test_plan_without_published_period_says_so(client, seed_plan):
    seed_plan.periods.update(state=Period.State.OPEN)
    response = client.get(seed_plan.get_absolute_url())
    assert "このプランの評価結果はまだ公表されていません。" in response.content.decode()
    item = client.get(
        seed_plan.items.get(number="4-1").get_absolute_url()
    ).content.decode()
    assert "この項目の評価結果はまだ公表されていません。" in item
    assert "学校経営協議会の開催については" not in item
