"""A committee opinion on an item, answered by HQ and published, in a real browser."""

import pytest
from playwright.sync_api import expect

from surveys.models import Notice
from surveys.models import SurveySheet

pytestmark = pytest.mark.django_db(transaction=True)

OPINION = "市民活動支援センターの利用者数の推移も示してほしい。"
RESPONSE = "次回の調査から利用者数を指標に加えて報告する。"


def test_committee_opinion_hq_answer_and_the_citizen_sees_both(
    browser,
    page_as,
    live_server,
    seed_plan,
    committee_member,
    hq_officer,
    division_staff,
):
    sheet = SurveySheet.objects.get(
        period__plan=seed_plan, period__state="published", item__number="1"
    )
    item_url = f"{live_server.url}{sheet.item.get_absolute_url()}"

    page = page_as(committee_member)
    page.goto(f"{live_server.url}/surveys/periods/{sheet.period_id}/reading/")
    page.locator("#reading").get_by_role("link").first.click()
    page.get_by_label("意見", exact=True).fill(OPINION)
    page.get_by_role("button", name="意見を登録する").click()
    expect(page.locator(".message")).to_contain_text("意見を登録しました")
    expect(page.locator("#opinions")).to_contain_text(OPINION)
    expect(page.locator("#opinions")).to_contain_text(
        "対応方針はまだ記入されていません。"
    )

    hq_page = page_as(hq_officer)
    hq_page.goto(f"{live_server.url}/surveys/")
    hq_page.get_by_role("link", name="推進委員会の意見と対応").first.click()
    hq_page.get_by_role("link", name="対応方針を記入").click()
    hq_page.get_by_label("対応方針", exact=True).fill(RESPONSE)
    hq_page.get_by_label("対応する所管課").select_option(
        label="市民協働・男女参画推進課"
    )
    hq_page.get_by_role("button", name="対応方針を保存").click()
    expect(hq_page.locator(".message")).to_contain_text("対応方針を保存しました")

    # Answered but not published: the citizen does not see it yet.
    citizen = browser.new_context().new_page()
    citizen.goto(item_url)
    expect(citizen.locator("#opinions")).to_have_count(0)

    hq_page.get_by_label("意見と対応方針を調査期間の結果とあわせて公表する").check()
    hq_page.get_by_role("button", name="対応方針を保存").click()
    expect(hq_page.locator("#opinion")).to_contain_text(
        "公表する（調査期間の結果とあわせて）"
    )

    citizen.goto(item_url)
    opinions = citizen.locator("#opinions")
    expect(opinions).to_contain_text(OPINION)
    expect(opinions).to_contain_text(RESPONSE)
    # The division HQ assigned was told, once.
    assert Notice.objects.filter(recipient=division_staff, kind="opinion").count() == 1
    page.context.close()
    hq_page.context.close()
