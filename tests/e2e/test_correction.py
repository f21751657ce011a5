"""A published sheet corrected in the open, in a real browser: HQ, the division, citizens."""

import pytest
from playwright.sync_api import expect

from surveys.models import SurveySheet

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_correction_appears_on_the_item_page_and_in_the_log(
    browser, page_as, live_server, seed_plan, hq_officer, division_staff
):
    sheet = SurveySheet.objects.get(
        period__plan=seed_plan, period__state="published", item__number="1"
    )
    sheet_url = f"{live_server.url}{sheet.get_absolute_url()}"
    hq_page = page_as(hq_officer)
    hq_page.goto(sheet_url)
    hq_page.get_by_label("修正の理由").fill("実施回数の記載誤りを訂正します。")
    hq_page.get_by_role("button", name="修正のために開く").click()
    expect(hq_page.locator("#correction-note")).to_be_visible()

    page = page_as(division_staff)
    page.goto(sheet_url)
    page.get_by_role("link", name="修正を記入する").click()
    done = page.locator("#id_done_text")
    done.fill(done.input_value() + "（年2回実施）")
    page.get_by_role("button", name="修正内容を保存").click()
    expect(page.locator("#revisions ins")).to_have_text("（年2回実施）")

    # Citizens still read what was published, until HQ publishes the correction.
    public = browser.new_context().new_page()
    item_url = f"{live_server.url}{sheet.item.get_absolute_url()}"
    public.goto(item_url)
    expect(public.locator(f"#corrections-{sheet.pk}")).to_have_count(0)

    hq_page.reload()
    expect(hq_page.locator("#revisions ins")).to_have_text("（年2回実施）")
    hq_page.get_by_role("button", name="修正を公表する").click()
    expect(hq_page.locator(".message")).to_contain_text("修正を公表しました")

    public.goto(item_url)
    notice = public.locator(f"#corrections-{sheet.pk}")
    expect(notice).to_contain_text("修正")
    expect(notice).to_contain_text("実施回数の記載誤りを訂正します。")
    expect(public.locator(f"#sheet-{sheet.pk} ~ dl")).to_contain_text("（年2回実施）")
    public.goto(f"{live_server.url}{seed_plan.get_absolute_url()}")
    public.get_by_role("link", name="公表後の修正").click()
    rows = public.locator("#corrections tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("取組実績（D）")
    hq_page.context.close()
    page.context.close()
