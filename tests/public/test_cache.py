"""Public pages cached per plan: what a publication changes is shown at once, nothing else re-rendered.

Every test runs twice: on the local-memory cache of a laptop, and on a real
Redis server, the cache that several server processes share in production
(bin/test starts one and sets TEST_REDIS_URL; without it those are skipped).
"""

from __future__ import annotations

import io
import os
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import workbook
from plans.models import Division
from reformtracker.lib.labels import period_label
from surveys import corrections
from surveys.models import SurveySheet
from surveys.workflow import publish_period
from tests.conftest import rename_division_in_admin
from tests.factories import add_published_period
from tests.factories import make_plan
from tests.html import soup


@pytest.fixture(autouse=True, params=["locmem", "redis"])
def page_cache(request, settings):
    """The cache the pages are kept in, emptied."""
    if request.param == "redis":
        url = os.environ.get("TEST_REDIS_URL")
        if not url:
            pytest.skip("no Redis server: bin/test starts one (TEST_REDIS_URL)")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"{url}/{worker_number()}",
            }
        }
    cache.clear()
    return request.param


def worker_number() -> int:
    """This pytest-xdist worker's number (gw3 is 3; 0 without xdist): its Redis
    database, so that one worker's cache.clear() leaves the others' pages."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


@pytest.fixture
def other_plan(seed_plan):
    """Another city's plan with a published period: its pages must stay cached."""
    plan = make_plan(city="架空市")
    add_published_period(plan, fiscal_year=2024, grade_code="A")
    return plan


def item_url(plan, number="1"):
    return reverse("public:item", args=[plan.city.slug, plan.pk, number])


def from_cache(client, url, django_assert_max_num_queries) -> bool:
    """Whether the page came from the cache: then only the plan's stamp is read."""
    with django_assert_max_num_queries(100) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries) == 1


def test_a_second_visit_is_served_from_the_cache(
    client, seed_plan, django_assert_num_queries
):
    first = client.get(item_url(seed_plan))
    with django_assert_num_queries(1):  # the plan's stamp
        second = client.get(item_url(seed_plan))
    assert second.status_code == 200
    assert second.content == first.content.replace(
        nonce(first).encode(), nonce(second).encode()
    )


def nonce(response) -> str:
    """The nonce of the page's inline style, checked against its CSP header."""
    body = re.search(r'<style nonce="([^"]+)"', response.content.decode())[1]
    assert f"'nonce-{body}'" in response["Content-Security-Policy"]
    return body


def test_each_copy_served_has_a_fresh_nonce(client, seed_plan):
    first, second = client.get(item_url(seed_plan)), client.get(item_url(seed_plan))
    assert nonce(first) != nonce(second)


def test_publishing_a_period_shows_on_its_plans_pages_only(
    client,
    seed_plan,
    other_plan,
    open_fy2018,
    hq_officer,
    django_assert_max_num_queries,
):
    urls = [seed_plan.get_absolute_url(), item_url(seed_plan)]
    others = [other_plan.get_absolute_url(), item_url(other_plan)]
    for url in urls + others:
        assert period_label(open_fy2018) not in client.get(url).content.decode()
    open_fy2018.sheets.update(state=SurveySheet.State.ACCEPTED)
    publish_period(period=open_fy2018, by=hq_officer)
    for url in urls:
        assert period_label(open_fy2018) in client.get(url).content.decode()
    for url in others:
        assert from_cache(client, url, django_assert_max_num_queries)


def test_a_later_plans_results_show_on_the_items_it_continues(
    client, seed_plan, next_plan
):
    continued = next_plan.items.exclude(carried_from=None).first().carried_from
    url = item_url(seed_plan, continued.number)
    assert "令和3年度" not in client.get(url).content.decode()
    add_published_period(next_plan, fiscal_year=2021, grade_code="A")
    assert "令和3年度" in client.get(url).content.decode()


def test_what_an_open_period_holds_never_reaches_a_public_page(
    client, seed_plan, open_fy2018, own_sheet, hq_officer
):
    own_sheet.done_text = "未公表の取組状況"
    own_sheet.save()
    pages = [seed_plan.get_absolute_url(), item_url(seed_plan), "/", "/kodaira/"]
    for url in pages * 2:  # rendered, then from the cache
        assert "未公表の取組状況" not in client.get(url).content.decode()
    open_fy2018.sheets.update(state=SurveySheet.State.ACCEPTED)
    publish_period(period=open_fy2018, by=hq_officer)
    assert "未公表の取組状況" in client.get(item_url(seed_plan)).content.decode()


def test_a_published_correction_shows_at_once(client, seed_plan, hq_officer):
    sheet = SurveySheet.objects.get(period__plan=seed_plan, item__number="1")
    correction = corrections.open_correction(sheet, by=hq_officer, note="誤記")
    corrections.save_correction(
        correction, by=hq_officer, values={"done_text": "訂正後の取組状況"}
    )
    assert "訂正後の取組状況" not in client.get(item_url(seed_plan)).content.decode()
    corrections.publish_correction(correction, by=hq_officer)
    assert "訂正後の取組状況" in client.get(item_url(seed_plan)).content.decode()


def test_a_plan_workbook_import_shows_at_once(
    client, seed_plan, other_plan, django_assert_max_num_queries
):
    client.get(other_plan.get_absolute_url())
    book = openpyxl.load_workbook(io.BytesIO(workbook.export_plan(seed_plan)))
    sheet = book["取組項目"]
    title = next(c.column for c in sheet[1] if c.value == "取組項目名")
    before = sheet.cell(2, title).value
    url = seed_plan.items.get(title=before).get_absolute_url()
    assert before in client.get(url).content.decode()
    sheet.cell(2, title).value = "取り込んだ新しい項目名"
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("plan.xlsx", buffer.getvalue())
    workbook.import_plan(workbook.read_workbook(upload), dry_run=False)
    assert "取り込んだ新しい項目名" in client.get(url).content.decode()
    assert from_cache(
        client, other_plan.get_absolute_url(), django_assert_max_num_queries
    )


def test_a_division_renamed_in_the_admin_shows_at_once(
    client, seed_plan, administrator
):
    division = Division.objects.get(
        city=seed_plan.city, name="市民協働・男女参画推進課"
    )
    assert division.name in client.get(item_url(seed_plan)).content.decode()
    client.force_login(administrator)
    rename_division_in_admin(client, division, "協働推進課")
    client.logout()
    assert "協働推進課" in client.get(item_url(seed_plan)).content.decode()


def test_a_browser_revalidating_gets_304_until_the_plan_changes(
    client, seed_plan, open_fy2018, hq_officer, django_assert_num_queries
):
    url = seed_plan.get_absolute_url()
    page = client.get(url)
    assert "no-cache" in page["Cache-Control"] and "public" in page["Cache-Control"]
    with django_assert_num_queries(1):
        again = client.get(url, headers={"if-none-match": page["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(url, headers={"if-modified-since": page["Last-Modified"]})
    assert since.status_code == 304
    open_fy2018.sheets.update(state=SurveySheet.State.ACCEPTED)
    publish_period(period=open_fy2018, by=hq_officer)
    changed = client.get(url, headers={"if-none-match": page["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != page["ETag"]


def test_the_english_page_is_cached_apart(client, seed_plan):
    japanese = client.get(item_url(seed_plan))
    english = client.get("/en" + item_url(seed_plan))
    assert english["ETag"] != japanese["ETag"]
    assert english.content.decode().startswith('<!DOCTYPE html>\n\n<html lang="en">')


def test_staff_never_get_nor_leave_a_cached_page(client, seed_plan, hq_officer):
    url = seed_plan.get_absolute_url()
    report = reverse("surveys:trend", args=[seed_plan.pk])
    client.get(url)  # cached for everyone else
    client.force_login(hq_officer)
    staff = client.get(url)
    assert report in staff.content.decode()  # HQ's link to the reports
    assert "no-store" in staff["Cache-Control"]
    assert "ETag" not in staff
    cache.clear()
    client.get(url)  # rendered for HQ again: nothing kept
    client.logout()
    assert report not in client.get(url).content.decode()


def stored(page_cache) -> int:
    """How many entries the cache holds."""
    if page_cache == "redis":
        return cache._cache.get_client().dbsize()
    return len(cache._cache)


def test_staff_pages_are_never_stored(client, seed_plan, hq_officer, page_cache):
    client.force_login(hq_officer)
    response = client.get(reverse("surveys:dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "ETag" not in response
    client.get(seed_plan.get_absolute_url())
    assert stored(page_cache) == 0
    client.logout()
    client.get(seed_plan.get_absolute_url())
    assert stored(page_cache) == 1


def test_public_pages_set_no_cookie(client, seed_plan):
    response = client.get(item_url(seed_plan))
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_turned_off_nothing_is_cached(
    client, seed_plan, settings, django_assert_max_num_queries
):
    settings.PUBLIC_CACHE_SECONDS = 0
    client.get(item_url(seed_plan))
    assert not from_cache(client, item_url(seed_plan), django_assert_max_num_queries)
    assert "ETag" not in client.get(item_url(seed_plan))


def test_the_language_switch_is_a_link_to_the_same_page(client, seed_plan):
    query = "?q=%E7%AA%93%E5%8F%A3"  # 窓口, as a browser sends it
    url = seed_plan.get_absolute_url() + query
    switch = soup(client.get(url)).select_one("a.language-switch")
    assert switch["href"] == "/en" + url
    back = soup(client.get(switch["href"])).select_one("a.language-switch")
    assert back["href"] == url
