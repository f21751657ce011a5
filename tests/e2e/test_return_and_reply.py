"""HQ returns a sheet, the division replies and resubmits, HQ sees what changed."""

import pytest
from playwright.sync_api import expect

from plans.models import Grade
from surveys.models import SurveySheet

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_division_replies_to_a_return_and_hq_sees_the_changes(
    page_as, live_server, hq_officer, division_staff, own_sheet
):
    a = Grade.objects.get(scale=own_sheet.period.plan.rating_scale, code="A")
    own_sheet.fill(
        by=division_staff,
        version=own_sheet.version,
        fields={
            "done_text": "研修を実施した。",
            "division_grade": a,
            "division_reason": "予定どおり実施した。",
        },
        actuals={},
        submit=True,
    )
    url = f"{live_server.url}{own_sheet.get_absolute_url()}"
    hq_page = page_as(hq_officer)
    hq_page.goto(url)
    hq_page.get_by_label("理由を付けて所管課に差し戻す").check()
    hq_page.get_by_label("所管課への差戻し理由（差し戻す場合）").fill(
        "回数と参加者数を書いてください。"
    )
    hq_page.get_by_role("button", name="審査結果を登録する").click()

    page = page_as(division_staff)
    page.goto(url)
    expect(page.locator("#conversation")).to_contain_text(
        "回数と参加者数を書いてください。"
    )
    page.get_by_label("本部への返信").fill("参加者数を追記しました。")
    page.get_by_role("button", name="返信を送る").click()
    expect(page.locator("#conversation li")).to_have_count(2)
    page.get_by_role("link", name="この調査票を記入する").click()
    page.locator("#id_done_text").fill("研修を2回実施し、80人が参加した。")
    page.get_by_role("button", name="本部に提出").click()
    expect(page.locator(".message")).to_contain_text("提出しました")

    hq_page.goto(url)
    expect(hq_page.locator("#conversation")).to_contain_text("参加者数を追記しました。")
    changed = hq_page.locator("#since-return")
    expect(changed.locator("ins").first).to_have_text("2回")
    expect(changed).to_contain_text("研修を2回実施し、80人が参加した。")
    assert SurveySheet.objects.get(pk=own_sheet.pk).state == "submitted"
    hq_page.context.close()
    page.context.close()
