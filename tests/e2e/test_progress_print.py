"""The progress report printed from a real browser: its sections, a page each, saved as PDF."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Period
from tests.e2e.test_phone_layout import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_progress_report_prints_a_page_per_section(
    page_as, live_server, seed_plan, committee_member
):
    period = seed_plan.periods.get(state=Period.State.PUBLISHED)
    period.sheets.filter(item__number="7").update(highlight=True)
    page = page_as(committee_member, viewport={"width": 794, "height": 1123})
    page.goto(f"{live_server.url}/surveys/periods/{period.pk}/reports/progress/")
    page.emulate_media(media="print")
    expect(page.locator("#report-lead")).to_contain_text("全43項目（再掲2項目）のうち")
    sections = page.locator(".report-section")
    expect(sections).to_have_count(3)
    expect(sections.nth(0).locator("h3")).to_have_count(1)  # the example HQ marked
    expect(sections.nth(1).locator("h3")).to_have_count(10)  # every B item
    for i in range(3):
        assert (
            sections.nth(i).evaluate("e => getComputedStyle(e).breakBefore") == "page"
        )
    assert not page.locator(".site-header").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=SCREENSHOTS / "progress-report-ja.pdf", format="A4")
    assert pdf.startswith(b"%PDF")
    # The title page and a page at least per section.
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 4
    page.context.close()
