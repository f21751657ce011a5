"""HQ accepts several submitted sheets from the queue in one go, in a real browser."""

import pytest
from playwright.sync_api import expect

from plans.models import Grade
from reformtracker.lib.paging import PER_PAGE
from surveys.models import SurveySheet

pytestmark = pytest.mark.django_db(transaction=True)


def test_hq_ticks_sheets_and_accepts_them(
    page_as, live_server, hq_officer, open_fy2018
):
    a = Grade.objects.get(scale=open_fy2018.plan.rating_scale, code="A")
    twenty = list(
        open_fy2018.sheets.order_by("item__order").values_list("pk", flat=True)[:20]
    )
    open_fy2018.sheets.filter(pk__in=twenty).update(
        state=SurveySheet.State.SUBMITTED, division_grade=a, done_text="実施した。"
    )
    page = page_as(hq_officer)
    page.goto(f"{live_server.url}/surveys/periods/{open_fy2018.pk}/?state=submitted")
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(20)
    for i in range(20):
        rows.nth(i).get_by_role("checkbox").check()
    page.get_by_label("所管課の評価を2次評価として確定する").check()
    page.get_by_role("button", name="選んだ調査票に実行する").click()
    expect(page.locator("#outcomes tbody tr")).to_have_count(20)
    expect(page.locator("#outcomes")).to_contain_text(
        "A 予定どおりに進捗で確定しました。"
    )
    page.get_by_role("link", name="調査票の一覧に戻る").click()
    # Back on the queue with its filter: no submitted sheet is left.
    expect(page.locator("#id_state")).to_have_value("submitted")
    expect(page.locator("#queue tbody")).to_contain_text("条件に合う調査票はありません")
    assert set(
        open_fy2018.sheets.filter(pk__in=twenty).values_list("state", flat=True)
    ) == {"accepted"}
    page.locator("#id_state").select_option("accepted")
    page.get_by_role("button", name="絞り込む").click()
    expect(rows).to_have_count(20)
    for i in range(20):
        expect(rows.nth(i)).to_contain_text("確定")
    page.context.close()


def test_hq_accepts_sheets_of_the_second_page_and_comes_back_to_it(
    page_as, live_server, hq_officer, open_fy2018
):
    a = Grade.objects.get(scale=open_fy2018.plan.rating_scale, code="A")
    open_fy2018.sheets.update(
        state=SurveySheet.State.SUBMITTED, division_grade=a, done_text="実施した。"
    )
    total = open_fy2018.sheets.count()
    page = page_as(hq_officer)
    page.goto(f"{live_server.url}/surveys/periods/{open_fy2018.pk}/?state=submitted")
    page.locator("#queue-pager").get_by_role("link", name="次へ").click()
    expect(page.locator("#queue-range")).to_have_text(
        f"{total}件中 {PER_PAGE + 1}–{total}件目"
    )
    rows = page.locator("#queue tbody tr")
    for i in range(2):
        rows.nth(i).get_by_role("checkbox").check()
    page.get_by_label("所管課の評価を2次評価として確定する").check()
    page.get_by_role("button", name="選んだ調査票に実行する").click()
    expect(page.locator("#outcomes tbody tr")).to_have_count(2)
    page.get_by_role("link", name="調査票の一覧に戻る").click()
    # The same page of the same filter, now without the two accepted sheets.
    expect(page.locator("#id_state")).to_have_value("submitted")
    expect(page.locator("#queue-range")).to_have_text(
        f"{total - 2}件中 {PER_PAGE + 1}–{total - 2}件目"
    )
    expect(rows).to_have_count(total - 2 - PER_PAGE)
    page.context.close()
