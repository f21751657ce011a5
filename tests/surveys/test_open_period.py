import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from plans.models import IndicatorValue
from plans.models import Period
from surveys.models import Refused
from surveys.models import SurveySheet
from surveys.workflow import open_period


def test_opening_creates_a_sheet_per_item_and_sub_item(open_fy2018):
    sheets = SurveySheet.objects.filter(period=open_fy2018)
    assert sheets.count() == 58  # 60 items, less the re-listings 29 and 41
    assert not sheets.filter(item__number__in=["29", "41"]).exists()
    assert set(sheets.values_list("state", flat=True)) == {"draft"}


def test_opening_prepares_an_empty_actual_per_indicator(open_fy2018):
    values = IndicatorValue.objects.filter(period=open_fy2018)
    assert values.count() == 69
    assert set(values.values_list("text", flat=True)) == {""}


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


def test_hq_opens_a_period_from_the_form(client, seed_plan, hq_officer):
    client.force_login(hq_officer)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("surveys:period_new", args=[seed_plan.pk]),
        {"fiscal_year": "2018", "half": "first", "deadline": deadline.isoformat()},
    )
    period = seed_plan.periods.get(fiscal_year=2018)
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
            {"fiscal_year": "2018", "half": "first", "deadline": "来月"},
            "日付を正しく入力してください。",
        ),
    ],
)
def test_bad_period_input_is_explained_and_creates_nothing(
    client, seed_plan, hq_officer, data, message
):
    client.force_login(hq_officer)
    response = client.post(reverse("surveys:period_new", args=[seed_plan.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert seed_plan.periods.count() == 1


def test_one_open_period_per_plan_is_held_by_the_database(open_fy2018):
    """Even a check that raced past open_period's cannot insert a second open period."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.create(plan=open_fy2018.plan, fiscal_year=2018, half="second")
    assert Period.objects.filter(plan=open_fy2018.plan, state="open").count() == 1
