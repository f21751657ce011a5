"""Pages people use on a phone, at 375 px: readable tables, nothing cut off, no axe violation.

For the item page, the staff dashboard, the HQ queue and the sheet form, in
Japanese and in English: axe-core finds no WCAG 2.2 AA violation; no table
cell is narrower than four characters of its own font (the width of a word
split one character per line is one or two); nothing reaches past the right
edge of the window unless it is inside a region that scrolls sideways.
Screenshots are saved under test-artifacts/screenshots/.
"""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from plans.models import Item
from surveys.models import SurveySheet
from tests.factories import add_published_period

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 375, "height": 740}

# Each visible table cell narrower than four characters of its font, and each
# element whose right edge passes the window outside a sideways-scrolling region.
LAYOUT_JS = """() => {
  const scrolls = e => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll') return true;
    }
    return false;
  };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + ' "' + e.textContent.trim().slice(0, 20) + '"';
  const narrow = [...document.querySelectorAll('th, td')]
    .filter(c => c.offsetParent && c.textContent.trim())
    .filter(c => c.getBoundingClientRect().width
                 < 4 * parseFloat(getComputedStyle(c).fontSize))
    .map(c => name(c) + ' ' + Math.round(c.getBoundingClientRect().width) + 'px');
  const over = [...document.body.querySelectorAll('*')]
    .filter(e => e.offsetParent && e.getBoundingClientRect().right > innerWidth + 1)
    .filter(e => !scrolls(e))
    .map(e => name(e) + ' right ' + Math.round(e.getBoundingClientRect().right));
  return {narrow, over, scrollWidth: document.documentElement.scrollWidth};
}"""


def describe(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']}: {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in violations
    ]


@pytest.fixture
def pages(seed_plan, division_staff, hq_officer, open_fy2018, kyodo_leads_its_items):
    add_published_period(
        seed_plan, fiscal_year=2017, text="窓口の待ち時間を短縮した。", grade_code="A"
    )
    sheet = open_fy2018.sheets.get(item__number="1")
    SurveySheet.objects.filter(pk=sheet.pk).update(state=SurveySheet.State.SUBMITTED)
    # Two accepted sheets whose ratings differ, for the divergence page.
    grades = {g.code: g for g in seed_plan.rating_scale.grades.all()}
    open_fy2018.sheets.filter(item__number__in=["2", "4"]).update(
        state=SurveySheet.State.ACCEPTED, division_grade=grades["A"],
        hq_grade=grades["B"], hq_reason="目標に届いていない。",
    )  # fmt: skip
    item = Item.objects.get(plan=seed_plan, number="1")
    return {
        "item": (None, item.get_absolute_url()),
        "dashboard": (division_staff, reverse("surveys:dashboard")),
        "queue": (hq_officer, reverse("surveys:queue", args=[open_fy2018.pk])),
        "divergence": (
            hq_officer, reverse("surveys:divergence", args=[open_fy2018.pk])
        ),
        "sheet-form": (
            division_staff,
            reverse("surveys:sheet_edit", args=[open_fy2018.sheets.get(
                item__number="3").pk]),
        ),
        "notices": (division_staff, reverse("surveys:notices")),
        "submit-uploaded": (
            division_staff,
            reverse("surveys:period_submit", args=[open_fy2018.pk]) + "?sheets="
            + ",".join(str(pk) for pk in open_fy2018.sheets.values_list("pk", flat=True)),
        ),
    }  # fmt: skip


@pytest.mark.parametrize("language", ["ja", "en"])
def test_pages_fit_a_phone(page_as, live_server, pages, language):
    axe, found = Axe(), {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = "" if language == "ja" else "/en"
    for name, (user, path) in pages.items():
        page = page_as(user, viewport=PHONE, locale=f"{language}-JP")
        assert page.goto(f"{live_server.url}{prefix}{path}").status == 200, path
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
        layout = page.evaluate(LAYOUT_JS)
        problems = describe(results.response["violations"])
        problems += [f"narrow cell {c}" for c in layout["narrow"]]
        problems += [f"past the edge {e}" for e in layout["over"][:5]]
        if layout["scrollWidth"] > PHONE["width"]:
            problems.append(f"the page is {layout['scrollWidth']} px wide")
        if problems:
            found[name] = problems
        page.screenshot(
            path=SCREENSHOTS / f"phone-{name}-{language}.png", full_page=True
        )
        page.context.close()
    assert found == {}


def test_queue_states_stay_on_one_line_on_a_desktop(page_as, live_server, pages):
    user, path = pages["queue"]
    page = page_as(user, viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page.goto(f"{live_server.url}{path}")
    broken = page.evaluate(
        """() => [...document.querySelectorAll('.state, .badge')]
          .filter(e => e.offsetParent)
          .filter(e => e.getBoundingClientRect().height
                       > 1.6 * parseFloat(getComputedStyle(e).lineHeight || 20))
          .map(e => e.textContent.trim())"""
    )
    assert page.locator(".state, .badge").count() > 0
    assert broken == []
    page.context.close()
