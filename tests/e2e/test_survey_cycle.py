"""The whole half-year cycle in a real browser, as the people who do it."""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(browser, live_server, username):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill("pw")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("調査票")
    return page


def test_division_hq_and_citizen_through_one_cycle(browser, live_server, small_plan):
    hq = log_in(browser, live_server, "hq")
    division = log_in(browser, live_server, "madoguchi")

    # HQ opens the period.
    hq.get_by_role("link", name="調査期間を開始").click()
    hq.get_by_label("年度").select_option(label="令和6年度（2024年度）")
    hq.get_by_label("半期").select_option(label="上半期")
    deadline = datetime.date.today() + datetime.timedelta(days=14)
    hq.get_by_label("提出期限").fill(deadline.isoformat())
    hq.get_by_role("button", name="調査期間を開始する").click()
    # A confirmation says what opening creates before anything is created.
    expect(hq.locator("#opening-summary")).to_contain_text("作成する調査票")
    hq.get_by_role("button", name="調査期間を開始する").click()
    expect(hq.locator(".messages")).to_contain_text("調査票を1件作成しました")

    # The division fills and submits.
    division.reload()
    division.get_by_role("link", name="窓口サービスの改善").click()
    division.get_by_label("取組実績（D）").fill("番号案内システムを導入した。")
    division.get_by_label("①窓口満足度").fill("85%")
    division.get_by_label("A 予定どおりに進捗").check()
    division.get_by_label("評価の理由").fill("予定どおり導入した。")
    division.get_by_role("button", name="本部に提出").click()
    expect(division.locator(".messages")).to_contain_text(
        "調査票を行革本部に提出しました。"
    )

    # HQ returns it with a note.
    hq.get_by_role("link", name="窓口サービスの改善").click()
    hq.get_by_label("理由を付けて所管課に差し戻す").check()
    hq.get_by_label("所管課への差戻し理由（差し戻す場合）").fill(
        "待ち時間の変化も書いてください。"
    )
    hq.get_by_role("button", name="審査結果を登録する").click()
    expect(hq.locator(".messages")).to_contain_text("調査票を所管課に差し戻しました。")

    # The division sees the note, fixes and resubmits.
    division.goto(f"{live_server.url}/surveys/")
    expect(division.locator("#own-sheets")).to_contain_text("差戻し")
    division.get_by_role("link", name="窓口サービスの改善").click()
    expect(division.locator("#return-note")).to_contain_text(
        "待ち時間の変化も書いてください。"
    )
    division.get_by_label("取組実績（D）").fill(
        "番号案内システムを導入し、平均待ち時間が15分から8分に短縮した。"
    )
    division.get_by_role("button", name="本部に提出").click()
    expect(division.locator(".messages")).to_contain_text("提出しました")

    # HQ rates, accepts and publishes.
    hq.reload()
    hq.get_by_role("link", name="窓口サービスの改善").click()
    hq.get_by_label("下の評価で確定する").check()
    hq.get_by_label("S 予定以上に進捗").check()
    hq.get_by_label("2次評価の理由").fill("待ち時間が目標以上に短縮した。")
    hq.get_by_role("button", name="審査結果を登録する").click()
    expect(hq.locator("#state-counts")).to_contain_text("確定 1")
    hq.get_by_role("link", name="この調査期間を公表する").click()
    expect(hq.locator("#publish-effect")).to_contain_text("確定した調査票1件")
    hq.get_by_role("button", name="公表する").click()
    expect(hq.locator(".messages")).to_contain_text("調査期間を公表しました。")

    # A citizen, not logged in, reads the result.
    citizen = browser.new_context(locale="ja-JP").new_page()
    citizen.goto(live_server.url)
    citizen.get_by_role("link", name="テスト市 行財政改革プラン").click()
    expect(citizen.locator("#grade-counts tfoot")).to_contain_text("合計")
    citizen.get_by_role("link", name="行政サービスの向上").click()
    citizen.get_by_role("link", name="窓口サービスの改善").click()
    sheet = citizen.locator(".sheet")
    expect(sheet).to_contain_text("平均待ち時間が15分から8分に短縮した。")
    expect(sheet.locator(".rating").nth(0)).to_contain_text("A 予定どおりに進捗")
    expect(sheet.locator(".rating").nth(0)).to_contain_text("予定どおり導入した。")
    expect(sheet.locator(".rating").nth(1)).to_contain_text("S 予定以上に進捗")
    expect(sheet.locator(".rating").nth(1)).to_contain_text(
        "待ち時間が目標以上に短縮した。"
    )
    expect(citizen.locator("#indicators")).to_contain_text("85%")
