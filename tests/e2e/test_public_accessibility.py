"""The public pages in a real browser: axe-core finds no WCAG 2.2 AA violation.

Each page is checked in Japanese and in English, at a desktop and a mobile
width, and a full-page screenshot of each is saved under
test-artifacts/screenshots/ (ignored by git) for people to look at.
"""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from plans.models import Item
from tests.factories import add_published_period

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The rules of JIS X 8341-3:2016 (WCAG 2.0) and its successors up to WCAG 2.2, A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = {"desktop": (1280, 800), "mobile": (375, 740)}


def public_pages(plan) -> dict[str, str]:
    item = Item.objects.get(plan=plan, number="1")
    return {
        "plan-list": "/",
        "plan": plan.get_absolute_url(),
        "plan-filtered": f"{plan.get_absolute_url()}?q=推進&grade=A",
        "item": item.get_absolute_url(),
        "accessibility": "/accessibility/",
        "corrections": f"{plan.get_absolute_url()}corrections/",
    }


# Heading levels in page order; each page has one h1 and never skips a level.
HEADINGS_JS = """() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .map(h => Number(h.tagName[1]))"""


def heading_problems(levels: list[int]) -> list[str]:
    problems = [] if levels.count(1) == 1 and levels[0] == 1 else ["not one h1 first"]
    problems += [
        f"h{before} then h{after}"
        for before, after in zip(levels, levels[1:], strict=False)
        if after > before + 1
    ]
    return problems


def describe(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in violations
    ]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_public_pages_have_no_accessibility_violations(
    browser, live_server, seed_plan, language
):
    # A second published period, so the pages show how ratings moved.
    add_published_period(seed_plan, text="窓口の待ち時間を短縮した。", grade_code="A")
    axe = Axe()
    prefix = "" if language == "ja" else "/en"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=f"{language}-JP"
        )
        page = context.new_page()
        # Chromium reports anything the Content-Security-Policy blocks on the console.
        blocked = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and blocked.append(message.text)
            ),
        )
        for name, path in public_pages(seed_plan).items():
            response = page.goto(f"{live_server.url}{prefix}{path}")
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == language
            results = axe.run(
                page, options={"runOnly": {"type": "tag", "values": WCAG_AA}}
            )
            problems = describe(results.response["violations"])
            problems += heading_problems(page.evaluate(HEADINGS_JS))
            problems += blocked
            blocked.clear()
            if problems:
                found[f"{language} {width_name} {name}"] = problems
            page.screenshot(
                path=SCREENSHOTS / f"{name}-{language}-{width_name}.png",
                full_page=True,
            )
        context.close()
    assert found == {}


def test_item_page_prints_as_a_report(browser, live_server, seed_plan):
    add_published_period(seed_plan, text="実施した。", grade_code="A")
    # An A4 sheet is about 794 CSS pixels wide.
    page = browser.new_context(viewport={"width": 794, "height": 1123}).new_page()
    page.goto(f"{live_server.url}{Item.objects.get(number='1').get_absolute_url()}")
    page.emulate_media(media="print")
    for hidden in [".site-header", ".breadcrumbs", ".site-footer"]:
        assert not page.locator(hidden).is_visible(), hidden
    for shown in [
        "h1",
        ".permalink",
        "#chart-item",
        "#indicators",
        "#schedule",
        ".sheet",
    ]:
        assert page.locator(shown).first.is_visible(), shown
    # Nothing is cut off at the right edge: wide tables wrap instead of scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=SCREENSHOTS / "item-ja-print.pdf", format="A4")
    assert pdf.startswith(b"%PDF")
