import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db import connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Division
from plans.models import IndicatorValue
from plans.models import Period
from surveys.models import Refused
from surveys.models import SurveySheet
from surveys.workflow import open_period
from tests.factories import open_period_for_two_weeks
from tests.factories import scaled_copy
from tests.html import soup


def test_opening_creates_a_sheet_per_item_and_sub_item(open_fy2018):
    sheets = SurveySheet.objects.filter(period=open_fy2018)
    assert sheets.count() == 58  # 60 items, less the re-listings 29 and 41
    assert not sheets.filter(item__number__in=["29", "41"]).exists()
    assert set(sheets.values_list("state", flat=True)) == {"draft"}


def test_opening_prepares_an_empty_actual_per_indicator(open_fy2018):
    values = IndicatorValue.objects.filter(period=open_fy2018)
    assert values.count() == 69
    assert set(values.values_list("text", flat=True)) == {""}


def test_a_plan_ten_times_the_size_opens_without_a_query_per_sheet(
    seed_plan, hq_officer
):
    """HQ opens a period of a 600-item plan as quickly as one of 60: the sheets,
    their first history records and the empty actuals are written in bulk."""
    plan = scaled_copy(seed_plan, 10)
    with CaptureQueriesContext(connection) as queries:
        period = open_period_for_two_weeks(plan, by=hq_officer)
    assert period.sheets.count() == 580
    assert SurveySheet.history.filter(period=period, history_type="+").count() == 580
    assert IndicatorValue.objects.filter(period=period).count() == 690
    assert len(queries) < 580 / 10


def test_p_is_carried_from_the_previous_periods_a(seed_plan, own_sheet):
    previous = SurveySheet.objects.get(item=own_sheet.item, period__fiscal_year=2017)
    assert own_sheet.plan_text == previous.next_text


def test_p_comes_from_the_schedule_without_a_previous_period(seed_plan, hq_officer):
    seed_plan.periods.all().delete()
    period = open_period(
        plan=seed_plan, fiscal_year=2019, half="first",
        deadline=datetime.date(2030, 1, 1), by=hq_officer,
    )  # fmt: skip
    sheet = SurveySheet.objects.get(period=period, item__number="26")
    assert sheet.plan_text == "・保育料の見直し (条例改正)"


def test_only_hq_opens_a_period(seed_plan, division_staff):
    with pytest.raises(PermissionDenied):
        open_period(
            plan=seed_plan, fiscal_year=2018, half="first",
            deadline=datetime.date(2030, 1, 1), by=division_staff,
        )  # fmt: skip
    assert seed_plan.periods.count() == 1


def test_a_second_open_period_is_refused(open_fy2018, hq_officer):
    with pytest.raises(Refused, match="受付中の調査期間があります"):
        open_period(
            plan=open_fy2018.plan, fiscal_year=2018, half="second",
            deadline=datetime.date(2030, 1, 1), by=hq_officer,
        )  # fmt: skip
    assert Period.objects.count() == 2


def test_hq_opens_a_period_from_the_form_after_seeing_what_it_creates(
    client, seed_plan, hq_officer
):
    client.force_login(hq_officer)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    data = {"fiscal_year": "2018", "half": "first", "deadline": deadline.isoformat()}
    url = reverse("surveys:period_new", args=[seed_plan.pk])
    confirm = soup(client.post(url, data))
    summary = [
        " ".join(d.get_text().split()) for d in confirm.select("#opening-summary dd")
    ]
    assert summary[0] == "平成30年度 上半期"
    sheets, divisions, actuals = summary[2:]
    assert (sheets, actuals) == ("58", "69")
    assert seed_plan.periods.count() == 1  # nothing opened yet
    hidden = {
        i.get("name"): i.get("value")
        for i in confirm.select("#confirm-open input[type=hidden]")
    }
    assert hidden.pop("csrfmiddlewaretoken")
    assert hidden == {**data, "confirmed": "1"}
    response = client.post(url, hidden)
    period = seed_plan.periods.get(fiscal_year=2018)
    asked = Division.objects.filter(item_links__item__sheets__period=period).distinct()
    assert divisions == str(asked.count())
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:queue", args=[period.pk])
    assert (period.state, period.deadline) == ("open", deadline)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"fiscal_year": "2018", "half": "first", "deadline": "2000-01-01"},
            "締切日に過去の日付は指定できません。",
        ),
        (
            {"fiscal_year": "2030", "half": "first", "deadline": "2099-01-01"},
            "正しく選択してください。",
        ),
        (
            {"fiscal_year": "2017", "half": "second", "deadline": "2099-01-01"},
            "この調査期間は既にあります。",
        ),
        (
            {"fiscal_year": "2017", "half": "first", "deadline": "2099-01-01"},
            "平成29年度 下半期は公表済みです。それより後の調査期間だけを開始できます。",
        ),
        (
            {"fiscal_year": "2018", "half": "first", "deadline": "来月"},
            "日付を正しく入力してください。",
        ),
    ],
)
def test_bad_period_input_is_explained_and_creates_nothing(
    client, seed_plan, hq_officer, data, message
):
    client.force_login(hq_officer)
    response = client.post(
        reverse("surveys:period_new", args=[seed_plan.pk]), {**data, "confirmed": "1"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert seed_plan.periods.count() == 1


def test_one_open_period_per_plan_is_held_by_the_database(open_fy2018):
    """Even a check that raced past open_period's cannot insert a second open period."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.create(plan=open_fy2018.plan, fiscal_year=2018, half="second")
    assert Period.objects.filter(plan=open_fy2018.plan, state="open").count() == 1


def test_the_form_offers_the_period_after_the_latest(client, seed_plan, hq_officer):
    client.force_login(hq_officer)
    page = soup(client.get(reverse("surveys:period_new", args=[seed_plan.pk])))
    assert page.select("#id_fiscal_year option[selected]")[0].get("value") == "2018"
    assert page.select("#id_half option[selected]")[0].get("value") == "first"


def test_a_period_before_a_published_one_is_refused(seed_plan, hq_officer):
    with pytest.raises(Refused, match="公表済み"):
        open_period(
            plan=seed_plan, fiscal_year=2017, half="first",
            deadline=datetime.date(2030, 1, 1), by=hq_officer,
        )  # fmt: skip
    assert seed_plan.periods.count() == 1


def test_hq_cancels_a_period_opened_by_mistake(client, open_fy2018, hq_officer):
    client.force_login(hq_officer)
    url = reverse("surveys:period_cancel", args=[open_fy2018.pk])
    assert "58" in soup(client.get(url)).get_text()
    response = client.post(url)
    assert response["Location"] == reverse("surveys:dashboard")
    assert not Period.objects.filter(pk=open_fy2018.pk).exists()
    assert not SurveySheet.objects.filter(period_id=open_fy2018.pk).exists()
    assert not IndicatorValue.objects.filter(period_id=open_fy2018.pk).exists()
    dashboard = soup(client.get(reverse("surveys:dashboard")))
    assert dashboard.select(
        f"a[href='{reverse('surveys:period_new', args=[open_fy2018.plan_id])}']"
    )


def test_a_period_with_a_saved_sheet_cannot_be_cancelled(
    client, open_fy2018, own_sheet, division_staff, hq_officer
):
    own_sheet.fill(
        by=division_staff,
        version=own_sheet.version,
        fields={"done_text": "実施"},
        actuals={},
    )
    client.force_login(hq_officer)
    queue = soup(client.get(reverse("surveys:queue", args=[open_fy2018.pk])))
    assert not queue.select("a[href$='/cancel/']")
    response = client.post(reverse("surveys:period_cancel", args=[open_fy2018.pk]))
    assert response.status_code == 409
    assert "1件の調査票が既に保存されているため" in response.content.decode()
    assert SurveySheet.objects.filter(period=open_fy2018).count() == 58


def test_the_dashboard_hides_opening_while_a_period_is_open(
    client, open_fy2018, hq_officer
):
    client.force_login(hq_officer)
    dashboard = soup(client.get(reverse("surveys:dashboard")))
    assert not dashboard.select(
        f"a[href='{reverse('surveys:period_new', args=[open_fy2018.plan_id])}']"
    )


def test_publishing_shows_what_is_missing_then_asks_to_confirm(
    client, open_fy2018, hq_officer
):
    client.force_login(hq_officer)
    queue = soup(client.get(reverse("surveys:queue", args=[open_fy2018.pk])))
    assert (
        queue.select("#publish-pending")[0].get_text()
        == "58件の調査票がまだ確定していません。"
    )
    assert not queue.select("#period-actions a[href$='/publish/']")
    open_fy2018.sheets.update(state=SurveySheet.State.ACCEPTED)
    queue = soup(client.get(reverse("surveys:queue", args=[open_fy2018.pk])))
    (link,) = queue.select("#period-actions a[href$='/publish/']")
    confirm = soup(client.get(link.get("href")))
    assert "58" in confirm.select("#publish-effect")[0].get_text()
    open_fy2018.refresh_from_db()
    assert open_fy2018.is_open  # looking changes nothing
    client.post(link.get("href"))
    open_fy2018.refresh_from_db()
    assert open_fy2018.is_published
