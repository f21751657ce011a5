"""A division's dashboard: progress per period, returned sheets first, who saved last, past periods."""

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Division
from plans.models import Period
from reformtracker.lib.paging import PER_PAGE
from surveys import access
from surveys.models import SurveySheet
from tests.factories import add_published_period
from tests.factories import scaled_copy
from tests.html import soup


def own(user, period):
    return access.own_sheets(user, period.sheets.all()).order_by("item__order")


def test_the_dashboard_counts_each_stage_and_puts_returned_sheets_first(
    client, division_staff, hq_officer, open_fy2018
):
    sheets = list(own(division_staff, open_fy2018))
    assert len(sheets) >= 3
    saved, returned = sheets[0], sheets[-1]
    saved.fill(
        by=division_staff, version=1, fields={"done_text": "実施中。"}, actuals={}
    )
    SurveySheet.objects.filter(pk=returned.pk).update(
        state="returned", return_note="実績の数値を書いてください。", version=3
    )
    client.force_login(division_staff)
    page = soup(client.get(reverse("surveys:dashboard")))
    progress = page.select_one(f"#progress-{open_fy2018.pk}")
    counts = {
        li.select_one(".state").get_text(): int(li.get_text().split()[-1])
        for li in progress.select("li")
    }
    assert counts == {
        "未着手": len(sheets) - 2,
        "作成中": 1,
        "提出済み": 0,
        "差戻し": 1,
        "確定": 0,
    }
    assert "あと14日" in progress.get_text()
    rows = page.select("#own-sheets tbody tr")
    assert returned.item.title in rows[0].th.get_text()
    assert "実績の数値を書いてください。" in rows[0].th.get_text()
    (saved_row,) = [r for r in rows if saved.item.title in r.th.get_text()]
    name = division_staff.get_full_name() or division_staff.username
    assert name in saved_row.select("td")[-1].get_text()
    (untouched_row,) = [r for r in rows if sheets[1].item.title in r.th.get_text()]
    assert untouched_row.select("td")[-1].get_text(strip=True) == "—"  # not saved yet


def test_past_periods_stay_reachable(client, division_staff, seed_plan, open_fy2018):
    client.force_login(division_staff)
    page = soup(client.get(reverse("surveys:dashboard")))
    links = {a["href"] for a in page.select("#past-sheets a")}
    published = access.own_sheets(division_staff, SurveySheet.objects.published())
    assert links == {s.get_absolute_url() for s in published}
    assert links


@pytest.mark.usefixtures("kyodo_leads_its_items")
def test_the_dashboard_queries_do_not_grow_with_sheets(
    client, division_staff, seed_plan, open_fy2018
):
    first = own(division_staff, open_fy2018).first()
    first.fill(
        by=division_staff, version=1, fields={"done_text": "書いた。"}, actuals={}
    )
    client.force_login(division_staff)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("surveys:dashboard"))
    add_published_period(seed_plan, fiscal_year=2016)
    for sheet in own(division_staff, open_fy2018).exclude(pk=first.pk):
        sheet.fill(
            by=division_staff, version=1, fields={"done_text": "書いた。"}, actuals={}
        )
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("surveys:dashboard"))
    assert len(after) == len(before)


def with_copies_of_its_division(user, plan, factor: int):
    """The user's division also runs each copy of its items in a plan `factor`
    times the size of `plan`; the copy, with its open period, is returned."""
    big = scaled_copy(plan, factor)
    (division,) = user.divisions.all()
    copies = Division.objects.filter(name__startswith=f"{division.name} (")
    assert copies.count() == factor
    user.divisions.add(*copies)
    return big


def test_the_dashboard_pages_the_sheets_and_counts_them_all(
    client, division_staff, seed_plan, open_fy2018
):
    big = with_copies_of_its_division(division_staff, seed_plan, 20)
    big_period = big.periods.get(state=Period.State.OPEN)
    sheets = list(
        access.own_sheets(
            division_staff, SurveySheet.objects.filter(period__state="open")
        )
        .order_by("period__deadline", "item__order", "pk")
        .values_list("pk", flat=True)
    )
    assert len(sheets) > PER_PAGE
    client.force_login(division_staff)
    first = soup(client.get(reverse("surveys:dashboard")))
    assert len(first.select("#own-sheets tbody tr")) == PER_PAGE
    assert first.select_one("#own-sheets-range").get_text() == (
        f"{len(sheets)}件中 1–{PER_PAGE}件目"
    )
    counts = first.select(f"#progress-{big_period.pk} li")
    assert sum(int(li.get_text().split()[-1]) for li in counts) == len(
        own(division_staff, big_period)
    )
    following = first.select_one("#own-sheets-pager a[rel=next]")["href"]
    second = soup(client.get(reverse("surveys:dashboard") + following))
    links = [a["href"] for a in second.select("#own-sheets tbody th a")]
    assert links == [
        reverse("surveys:sheet_edit", args=[pk]) for pk in sheets[PER_PAGE:]
    ]


def test_the_past_sheets_page_on_their_own(
    client, division_staff, seed_plan, open_fy2018
):
    with_copies_of_its_division(division_staff, seed_plan, 20)
    past = list(
        access.own_sheets(division_staff, SurveySheet.objects.published())
        .order_by(
            "-period__fiscal_year", "-period__half", "period", "item__order", "pk"
        )
        .values_list("pk", flat=True)
    )
    assert len(past) > PER_PAGE
    client.force_login(division_staff)
    response = client.get(reverse("surveys:dashboard"), {"page": 2, "past": 2})
    page = soup(response)
    links = [a["href"] for a in page.select("#past-sheets a[href^='/surveys/']")]
    assert links == [
        reverse("surveys:sheet", args=[pk]) for pk in past[PER_PAGE : 2 * PER_PAGE]
    ]
    previous = page.select_one("#past-sheets-pager a[rel=prev]")["href"]
    assert parse_qs(urlsplit(previous).query) == {"page": ["2"], "past": ["1"]}
    # The other list stays on its own page.
    assert "2ページ中2ページ目" in page.select_one("#own-sheets-pager").get_text()


def test_a_bad_page_number_on_the_dashboard_shows_a_page(
    client, division_staff, open_fy2018
):
    client.force_login(division_staff)
    response = client.get(reverse("surveys:dashboard"), {"page": "x", "past": "999"})
    assert response.status_code == 200
    page = soup(response)
    assert len(page.select("#own-sheets tbody tr")) == 3
    assert page.select_one("#past-sheets a[href^='/surveys/']")
