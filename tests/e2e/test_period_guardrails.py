"""HQ opens a period in a real browser: the next one is offered, an earlier one is
refused, and a period opened by mistake is cancelled without leaving a sheet."""

import pytest
from playwright.sync_api import expect

from plans.models import IndicatorValue
from plans.models import Period
from surveys.models import SurveySheet

pytestmark = pytest.mark.django_db(transaction=True)


def test_hq_opens_the_next_period_and_cancels_it(
    page_as, live_server, seed_plan, hq_officer
):
    page = page_as(hq_officer)
    page.goto(f"{live_server.url}/surveys/plans/{seed_plan.pk}/periods/new/")
    # The published FY2017 second half is followed by FY2018's first half.
    expect(page.locator("#id_fiscal_year")).to_have_value("2018")
    expect(page.locator("#id_half")).to_have_value("first")

    page.locator("#id_fiscal_year").select_option("2017")
    page.locator("#id_half").select_option("first")
    page.locator("#id_deadline").fill("2030-01-31")
    page.get_by_role("button", name="調査期間を開始する").click()
    expect(page.locator("main")).to_contain_text("公表済み")
    assert Period.objects.filter(plan=seed_plan).count() == 1

    page.locator("#id_fiscal_year").select_option("2018")
    page.locator("#id_half").select_option("first")
    page.get_by_role("button", name="調査期間を開始する").click()
    # A confirmation first, saying what opening will do; nothing is opened yet.
    expect(page.locator("main")).to_contain_text("58")
    assert Period.objects.filter(plan=seed_plan).count() == 1
    page.get_by_role("button", name="調査期間を開始する").click()
    expect(page.locator(".messages, .notice").first).to_contain_text("58")
    opened = Period.objects.get(plan=seed_plan, state=Period.State.OPEN)
    assert opened.sheets.count() == 58

    page.get_by_role("link", name="この調査期間を取り消す").click()
    page.get_by_role("button", name="調査期間を取り消す").click()
    expect(page).to_have_url(f"{live_server.url}/surveys/")
    assert not Period.objects.filter(pk=opened.pk).exists()
    assert not SurveySheet.objects.filter(period_id=opened.pk).exists()
    assert not IndicatorValue.objects.filter(period_id=opened.pk).exists()
    page.context.close()
