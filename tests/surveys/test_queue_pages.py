"""HQ's queue a page at a time: PER_PAGE sheets to a page, the page number in the
URL beside the filters, kept through a bulk action and a sheet's review."""

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from plans.models import Grade
from reformtracker.lib.paging import PER_PAGE
from surveys.models import SurveySheet
from tests.html import soup


def in_queue_order(period) -> list[int]:
    return list(
        period.sheets.order_by("item__order", "pk").values_list("pk", flat=True)
    )


def submit(period, pks) -> None:
    grade = Grade.objects.get(scale=period.plan.rating_scale, code="A")
    SurveySheet.objects.filter(pk__in=pks).update(
        state=SurveySheet.State.SUBMITTED, division_grade=grade, done_text="実施した。"
    )


def queue_url(period) -> str:
    return reverse("surveys:queue", args=[period.pk])


def ticks(page) -> list[int]:
    """The sheets listed on a page of the queue, by their tick boxes."""
    return [int(box["value"]) for box in page.select("#queue input[name=sheets]")]


@pytest.fixture
def hq(client, hq_officer):
    client.force_login(hq_officer)
    return client


def test_page_two_shows_the_sheets_after_the_first_page_with_the_filter_kept(
    hq, open_fy2018
):
    sheets = in_queue_order(open_fy2018)
    assert len(sheets) > PER_PAGE
    submit(open_fy2018, [sheets[3], sheets[-1]])
    drafts = [pk for pk in sheets if pk not in (sheets[3], sheets[-1])]
    page = soup(hq.get(queue_url(open_fy2018), {"state": "draft", "page": 2}))
    assert ticks(page) == drafts[PER_PAGE:]
    assert page.select_one("#queue-range").get_text() == (
        f"{len(drafts)}件中 {PER_PAGE + 1}–{len(drafts)}件目"
    )
    previous = page.select_one("#queue-pager a[rel=prev]")["href"]
    assert parse_qs(urlsplit(previous).query) == {"state": ["draft"], "page": ["1"]}
    assert ticks(soup(hq.get(queue_url(open_fy2018) + previous))) == drafts[:PER_PAGE]


@pytest.mark.parametrize("number", ["99", "0", "-1"])
def test_a_page_past_the_end_shows_the_last_page(hq, open_fy2018, number):
    response = hq.get(queue_url(open_fy2018), {"page": number})
    assert response.status_code == 200
    assert ticks(soup(response)) == in_queue_order(open_fy2018)[PER_PAGE:]


def test_a_page_that_is_not_a_number_shows_the_first(hq, open_fy2018):
    response = hq.get(queue_url(open_fy2018), {"page": "二"})
    assert response.status_code == 200
    assert ticks(soup(response)) == in_queue_order(open_fy2018)[:PER_PAGE]


def test_a_bulk_accept_from_page_two_returns_to_page_two_with_the_filter(
    hq, open_fy2018
):
    sheets = in_queue_order(open_fy2018)
    submit(open_fy2018, sheets)
    page = soup(hq.get(queue_url(open_fy2018), {"state": "submitted", "page": 2}))
    kept = {
        field["name"]: field["value"]
        for field in page.select("#bulk-form input[type=hidden]")
        if field["name"] != "csrfmiddlewaretoken"
    }
    assert kept == {"state": "submitted", "page": "2"}
    ticked = ticks(page)[:3]
    response = hq.post(
        reverse("surveys:period_bulk", args=[open_fy2018.pk]),
        {**kept, "sheets": ticked, "action": "accept"},
    )
    back = soup(response).find("a", string="調査票の一覧に戻る")["href"]
    assert back == queue_url(open_fy2018) + "?state=submitted&page=2"
    assert ticks(soup(hq.get(back))) == sheets[PER_PAGE + len(ticked) :]
    assert set(
        SurveySheet.objects.filter(pk__in=ticked).values_list("state", flat=True)
    ) == {"accepted"}


def test_reviewing_a_sheet_of_page_two_returns_to_page_two(hq, open_fy2018):
    sheets = in_queue_order(open_fy2018)
    submit(open_fy2018, sheets)
    page = soup(hq.get(queue_url(open_fy2018), {"state": "submitted", "page": 2}))
    last = page.select("#queue tbody th a")[-1]["href"]
    assert last == reverse("surveys:sheet", args=[sheets[-1]]) + "?state=submitted"
    back = queue_url(open_fy2018) + "?state=submitted&page=2"
    assert soup(hq.get(last)).select_one("#queue-nav a")["href"] == back
    grade = Grade.objects.get(scale=open_fy2018.plan.rating_scale, code="A")
    response = hq.post(
        reverse("surveys:sheet_review", args=[sheets[-1]]),
        {"decision": "accept", "hq_grade": grade.pk, "state": "submitted"},
    )
    assert response["Location"] == back
