"""The item page's schedule in a browser: a long word for a year wraps within the page.

Real plans write sentences of 70 characters and more for a year, with line
breaks and unbroken runs such as addresses; they must wrap in their column on
a phone and on A4 paper rather than widen the table past the page.
"""

import pytest

from plans.models import ScheduleRow

pytestmark = pytest.mark.django_db(transaction=True)

WORD = (
    "事務事業の見直し方針（https://www.city.example.lg.jp/gyozaisei/kaikaku/"
    "keikaku/2025/minaoshi-houshin.html）に基づき、各課で見直しを実施する。\n効果を検証する。"
)
# A phone, and about the printable width of A4 portrait.
LAYOUTS = {"phone": ("screen", 375), "print": ("print", 700)}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_long_schedule_word_wraps_within_the_page(
    browser, live_server, small_plan, layout
):
    media, width = LAYOUTS[layout]
    row = ScheduleRow.objects.get(item__plan=small_plan)
    row.years["2025"] = WORD
    row.save()
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.emulate_media(media=media)
    page.goto(live_server.url + row.item.get_absolute_url())

    table = page.locator("#schedule")
    fits = table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    assert fits, "the schedule is wider than the page"
    cell = page.locator("#schedule tbody td").nth(1)
    assert cell.inner_text() == WORD  # its line break kept
    page.close()
