"""Division staff can log in, fill and submit a survey sheet with the keyboard alone."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from surveys.models import SurveySheet
from surveys.workflow import open_period

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, target, limit=60):
    """Press Tab until `target` has the focus; fail if it never gets it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_sheet_is_submitted_with_the_keyboard_alone(browser, live_server, small_plan):
    open_period(
        plan=small_plan,
        fiscal_year=2024,
        half="first",
        deadline=datetime.date.today() + datetime.timedelta(days=14),
        by=User.objects.get(username="hq"),
    )
    page = browser.new_context(locale="ja-JP").new_page()
    page.goto(live_server.url)

    # The first Tab reaches the skip link, visibly focused; Enter jumps to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    assert skip.evaluate("e => getComputedStyle(e).outlineWidth") == "4px"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    tab_to(page, page.get_by_role("link", name="職員ログイン"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("ユーザー名"))
    page.keyboard.type("madoguchi")
    page.keyboard.press("Tab")
    page.keyboard.type("pw")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("調査票")

    tab_to(page, page.get_by_role("link", name="窓口サービスの改善"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("取組実績（D）"))
    page.keyboard.type("番号案内システムを導入した。")
    tab_to(page, page.get_by_label("①窓口満足度"))
    page.keyboard.type("85%")
    # Tab enters the rating group at its chosen radio, 評価なし; arrows change it.
    tab_to(page, page.get_by_role("radio", name="評価なし"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("A 予定どおりに進捗")).to_be_checked()
    tab_to(page, page.get_by_label("評価の理由"))
    page.keyboard.type("予定どおり導入した。")
    tab_to(page, page.get_by_role("button", name="本部に提出"))
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text(
        "調査票を行革本部に提出しました。"
    )
    sheet = SurveySheet.objects.select_related("division_grade").get()
    assert sheet.state == SurveySheet.State.SUBMITTED
    assert sheet.done_text == "番号案内システムを導入した。"
    assert sheet.division_grade.code == "A"
