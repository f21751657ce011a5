"""The committee's divergence view: division's rating × HQ's, and the items where they differ."""

from collections import Counter

import pytest
from django.urls import reverse

from plans.models import Grade
from plans.models import Period
from surveys.divergence import divergence
from surveys.models import SurveySheet
from tests.html import soup
from tests.html import text


@pytest.fixture
def fy2017(seed_plan):
    return Period.objects.get(plan=seed_plan, state=Period.State.PUBLISHED)


def test_the_matrix_counts_each_pair_of_ratings(client, committee_member, fy2017):
    sheets = fy2017.sheets.filter(state="accepted")
    pairs = Counter(sheets.values_list("division_grade__code", "hq_grade__code"))
    client.force_login(committee_member)
    response = client.get(reverse("surveys:divergence", args=[fy2017.pk]))
    page = soup(response)
    table = page.select_one("#divergence-matrix")
    columns = [
        th.select_one(".grade").get_text(" ", strip=True).split()[0]
        for th in table.select("thead th")
    ]
    seen = Counter()
    for tr in table.select("tbody tr"):
        row = tr.th.select_one(".grade").get_text(" ", strip=True).split()[0]
        for column, td in zip(columns, tr.select("td"), strict=True):
            if int(td.get_text()):
                seen[row, column] = int(td.get_text())
    none = "評価なし"  # the page's mark for no rating
    assert seen == Counter({(d or none, h or none): n for (d, h), n in pairs.items()})
    differing = sum(n for (d, h), n in pairs.items() if d != h)
    assert len(page.select("#differing tbody tr")) == differing
    assert f"異なるものが{differing}件" in text(response)
    if not differing:  # the seed's HQ kept every division's rating
        assert "2次評価は1次評価と同じです" in text(response)


def test_items_rated_differently_show_both_reasons(client, hq_officer, open_fy2018):
    a, b = (
        Grade.objects.get(scale=open_fy2018.plan.rating_scale, code=c) for c in "AB"
    )
    open_fy2018.sheets.filter(item__number="1").update(
        state="accepted", division_grade=a, division_reason="予定どおり。",
        hq_grade=b, hq_reason="目標に届いていない。",
    )  # fmt: skip
    open_fy2018.sheets.filter(item__number="2").update(
        state="accepted", division_grade=a, hq_grade=a
    )
    result = divergence(open_fy2018)
    assert (result.total, result.agreeing) == (2, 1)
    assert [s.item.number for s in result.differing] == ["1"]
    client.force_login(hq_officer)
    response = client.get(reverse("surveys:divergence", args=[open_fy2018.pk]))
    (row,) = soup(response).select("#differing tbody tr")
    assert "予定どおり。" in row.get_text() and "目標に届いていない。" in row.get_text()


def test_an_open_periods_divergence_is_not_for_the_committee(
    client, committee_member, division_staff, open_fy2018
):
    url = reverse("surveys:divergence", args=[open_fy2018.pk])
    client.force_login(committee_member)
    assert client.get(url).status_code == 404
    client.force_login(division_staff)
    assert client.get(url).status_code == 403


def test_the_queue_links_to_the_divergence(client, hq_officer, open_fy2018):
    client.force_login(hq_officer)
    page = soup(client.get(reverse("surveys:queue", args=[open_fy2018.pk])))
    assert page.select_one(
        f"a[href='{reverse('surveys:divergence', args=[open_fy2018.pk])}']"
    )
    assert SurveySheet.objects.filter(period=open_fy2018).exists()
