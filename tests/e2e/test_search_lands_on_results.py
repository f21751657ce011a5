"""A citizen who searches a plan lands on the results, not at the top of the page."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_search_lands_on_its_results(browser, live_server, seed_plan):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(live_server.url + seed_plan.get_absolute_url())
    search = page.get_by_role("search")
    search.locator("input[name=q]").fill("推進")
    search.get_by_role("button", name="検索").click()
    page.wait_for_load_state()

    assert page.url.endswith("#result-count")
    count = page.locator("#result-count")
    top = count.evaluate("e => e.getBoundingClientRect().top")
    # Scrolled to its anchor, the count may sit a fraction of a pixel above the top.
    assert -1 < top < 800, f"the result count is {top} px from the top of the window"
    assert page.evaluate("window.scrollY") > 0
    page.close()
