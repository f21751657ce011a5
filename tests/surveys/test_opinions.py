"""Committee opinions (委員会意見): the committee writes them on a published period,
HQ answers and assigns a division, the division reports in the next period, and
the public sees what HQ chose to publish."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Division
from plans.models import Period
from surveys.models import Notice
from surveys.models import Opinion
from surveys.models import SurveySheet
from surveys.workflow import publish_period
from tests.html import text_of

KYODO = "市民協働・男女参画推進課"


@pytest.fixture
def fy2017(seed_plan):
    return Period.objects.get(plan=seed_plan, state=Period.State.PUBLISHED)


@pytest.fixture
def item_1_sheet(fy2017):
    return SurveySheet.objects.get(period=fy2017, item__number="1")


@pytest.fixture
def opinion(fy2017, item_1_sheet, committee_member):
    return Opinion.record(
        by=committee_member,
        period=fy2017,
        item=item_1_sheet.item,
        text="市民活動支援センターの利用者数も示してほしい。",
    )


def _answer(client, opinion, **fields):
    data = {"response": "次回から利用者数を記載する。", **fields}
    return client.post(reverse("surveys:opinion_answer", args=[opinion.pk]), data)


def _snapshot():
    return list(
        Opinion.objects.order_by("pk").values_list(
            "pk", "text", "response", "division", "public", "action"
        )
    )


def test_a_committee_member_writes_an_opinion_on_an_item_from_its_sheet(
    client, committee_member, item_1_sheet
):
    client.force_login(committee_member)
    page = client.get(item_1_sheet.get_absolute_url())
    assert "この取組項目への推進委員会の意見" in text_of(page, "#opinions")
    response = client.post(
        reverse("surveys:opinions", args=[item_1_sheet.period_id]),
        {
            "item": item_1_sheet.item_id,
            "text": "成果を数字で示してほしい。",
            "from_sheet": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == item_1_sheet.get_absolute_url() + "#opinions"
    opinion = Opinion.objects.get()
    assert (opinion.item, opinion.author, opinion.text) == (
        item_1_sheet.item,
        committee_member,
        "成果を数字で示してほしい。",
    )
    listed = text_of(client.get(item_1_sheet.get_absolute_url()), "#opinions")
    assert "成果を数字で示してほしい。" in listed
    assert "対応方針はまだ記入されていません。" in listed


def test_an_opinion_on_the_period_as_a_whole(client, committee_member, fy2017):
    client.force_login(committee_member)
    url = reverse("surveys:opinions", args=[fy2017.pk])
    response = client.post(url, {"item": "", "text": "全体に指標の記載が少ない。"})
    assert response.status_code == 302
    assert Opinion.objects.get().item is None
    assert "調査期間全体への意見" in text_of(client.get(url), ".opinions")


@pytest.mark.parametrize(
    "who", ["division_staff", "hq_officer", "second_city_committee", None]
)
def test_only_the_citys_committee_writes_opinions(client, request, fy2017, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("surveys:opinions", args=[fy2017.pk]), {"text": "意見"}
    )
    expected = {
        "division_staff": 403,
        "hq_officer": 403,
        "second_city_committee": 404,
        None: 302,
    }[who]
    assert response.status_code == expected
    assert not Opinion.objects.exists()


def test_no_opinion_on_a_period_not_yet_published(client, committee_member, own_sheet):
    client.force_login(committee_member)
    response = client.post(
        reverse("surveys:opinions", args=[own_sheet.period_id]), {"text": "意見"}
    )
    assert response.status_code == 404
    assert not Opinion.objects.exists()


def test_an_empty_or_foreign_opinion_is_refused_with_a_message(
    client, committee_member, fy2017, second_city_plan
):
    client.force_login(committee_member)
    url = reverse("surveys:opinions", args=[fy2017.pk])
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 400
    assert "このフィールドは必須です。" in empty.content.decode()
    foreign_item = second_city_plan.items.get(number="1")
    foreign = client.post(url, {"item": foreign_item.pk, "text": "意見"})
    assert foreign.status_code == 400
    assert not Opinion.objects.exists()


def test_hq_answers_assigns_a_division_and_it_is_told(
    client, hq_officer, division_staff, opinion, django_capture_on_commit_callbacks
):
    division_staff.email = "kyodo@example.jp"
    division_staff.save()
    kyodo = Division.objects.get(city=opinion.period.plan.city, name=KYODO)
    client.force_login(hq_officer)
    page = client.get(opinion.get_absolute_url())
    # The item's lead division is proposed.
    assert f'<option value="{kyodo.pk}" selected>' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _answer(client, opinion, division=kyodo.pk, public="on")
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert (opinion.response, opinion.division, opinion.public) == (
        "次回から利用者数を記載する。",
        kyodo,
        True,
    )
    notice = Notice.objects.get(recipient=division_staff)
    assert notice.kind == Notice.Kind.OPINION
    assert notice.url == opinion.get_absolute_url()
    assert [m.to for m in mail.outbox] == [["kyodo@example.jp"]]
    assert "市民活動支援センターの利用者数も示してほしい。" in mail.outbox[0].body


@pytest.mark.parametrize("who", ["committee_member", "division_staff"])
def test_only_hq_answers(client, request, opinion, who, hq_officer):
    kyodo = Division.objects.get(city=opinion.period.plan.city, name=KYODO)
    opinion.answer(by=hq_officer, response="対応する。", division=kyodo, public=False)
    before = _snapshot()
    client.force_login(request.getfixturevalue(who))
    response = _answer(client, opinion, response="別の対応", public="on")
    assert response.status_code == 403
    assert _snapshot() == before


def test_an_opinion_is_published_only_with_a_response(client, hq_officer, opinion):
    client.force_login(hq_officer)
    response = _answer(client, opinion, response="", public="on")
    assert response.status_code == 400
    assert _snapshot()[0][2:] == ("", None, False, "")


def test_the_item_page_shows_what_hq_made_public_and_nothing_else(
    client, hq_officer, opinion, seed_plan
):
    item_page = seed_plan.items.get(number="1").get_absolute_url()
    opinion.answer(
        by=hq_officer, response="次回から記載する。", division=None, public=False
    )
    assert (
        "市民活動支援センターの利用者数" not in client.get(item_page).content.decode()
    )
    opinion.answer(
        by=hq_officer, response="次回から記載する。", division=None, public=True
    )
    shown = text_of(client.get(item_page), "#opinions")
    assert "市民活動支援センターの利用者数も示してほしい。" in shown
    assert "次回から記載する。" in shown
    other_item = seed_plan.items.get(number="2").get_absolute_url()
    assert 'id="opinions"' not in client.get(other_item).content.decode()


def test_a_period_opinion_shows_on_the_plan_page(
    client, committee_member, hq_officer, fy2017, seed_plan
):
    opinion = Opinion.record(
        by=committee_member, period=fy2017, item=None, text="全体に指標が少ない。"
    )
    opinion.answer(by=hq_officer, response="指標を見直す。", division=None, public=True)
    shown = text_of(client.get(seed_plan.get_absolute_url()), "#opinions")
    assert "全体に指標が少ない。" in shown and "指標を見直す。" in shown


def test_the_division_reports_in_the_next_periods_sheet_and_it_is_published_with_it(
    client, hq_officer, division_staff, other_division_staff, opinion, own_sheet
):
    kyodo = Division.objects.get(city=opinion.period.plan.city, name=KYODO)
    opinion.answer(by=hq_officer, response="記載する。", division=kyodo, public=True)
    client.force_login(division_staff)
    # FY2018's sheet of the item asks for the report.
    asked = text_of(client.get(own_sheet.get_absolute_url()), "#opinion-actions")
    assert "市民活動支援センターの利用者数も示してほしい。" in asked
    response = client.post(
        reverse("surveys:opinion_report", args=[opinion.pk]),
        {"text": "利用者数を指標に加えた。", "sheet": own_sheet.pk},
    )
    assert response["Location"] == own_sheet.get_absolute_url()
    opinion.refresh_from_db()
    assert (opinion.action, opinion.action_period) == (
        "利用者数を指標に加えた。",
        own_sheet.period,
    )
    # Another division may not report, and changes nothing.
    before = _snapshot()
    client.force_login(other_division_staff)
    refused = client.post(
        reverse("surveys:opinion_report", args=[opinion.pk]), {"text": "別の報告"}
    )
    assert refused.status_code == 404
    assert _snapshot() == before
    # The public sees the report once FY2018's first half is published.
    item_page = opinion.item.get_absolute_url()
    assert "利用者数を指標に加えた。" not in client.get(item_page).content.decode()
    SurveySheet.objects.filter(period=own_sheet.period).update(
        state=SurveySheet.State.ACCEPTED
    )
    publish_period(period=own_sheet.period, by=hq_officer)
    shown = text_of(client.get(item_page), "#opinions")
    assert "利用者数を指標に加えた。" in shown


def test_a_report_waits_for_the_next_period_to_open(
    client, hq_officer, division_staff, opinion
):
    kyodo = Division.objects.get(city=opinion.period.plan.city, name=KYODO)
    opinion.answer(by=hq_officer, response="記載する。", division=kyodo, public=False)
    client.force_login(division_staff)
    response = client.post(
        reverse("surveys:opinion_report", args=[opinion.pk]), {"text": "報告"}
    )
    assert response.status_code == 409
    assert "次の調査期間の受付中" in response.content.decode()
    assert Opinion.objects.get().action == ""


def test_the_history_keeps_each_response(client, hq_officer, opinion):
    opinion.answer(by=hq_officer, response="検討する。", division=None, public=False)
    opinion.answer(
        by=hq_officer, response="次回から記載する。", division=None, public=True
    )
    client.force_login(hq_officer)
    history = text_of(client.get(opinion.get_absolute_url()), "#history")
    for text in (
        "市民活動支援センターの利用者数も示してほしい。",
        "検討する。",
        "次回から記載する。",
    ):
        assert text in history
    assert opinion.history.count() == 3


def test_the_opinion_list_costs_the_same_queries_with_more_opinions(
    client, committee_member, hq_officer, fy2017
):
    def queries(count):
        Opinion.objects.all().delete()
        items = list(fy2017.plan.items.filter(sheets__period=fy2017)[:count])
        for item in items:
            Opinion.record(by=committee_member, period=fy2017, item=item, text="意見")
        client.force_login(hq_officer)
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("surveys:opinions", args=[fy2017.pk])).status_code
                == 200
            )
        return len(captured)

    assert queries(1) == queries(10)
