"""Search and filters on the public plan page: what matches, and the URL that shares it."""

import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import public.search
from plans.models import Division
from plans.models import Item
from plans.models import PolicyArea
from tests.html import soup
from tests.html import table_rows
from tests.html import text


def shown_items(response) -> list[str]:
    """The numbers of the items listed under the areas, in page order."""
    page = soup(response)
    return [
        td.get_text(strip=True) for td in page.select(".items-table td.item-number")
    ]


def search(client, plan, **params):
    response = client.get(plan.get_absolute_url(), params)
    assert response.status_code == 200
    return response


def test_without_filters_no_item_is_listed_and_each_area_links_to_its_page(
    client, seed_plan
):
    response = search(client, seed_plan)
    assert shown_items(response) == []
    assert soup(response).find(id="result-count") is None
    links = soup(response).select("#grade-counts tbody th a")
    assert [a["href"] for a in links] == [
        reverse("public:area", args=[seed_plan.city.slug, seed_plan.pk, area.key])
        for area in seed_plan.areas.all()
    ]


def test_results_are_paged_with_the_filters_kept(client, seed_plan, monkeypatch):
    whole = shown_items(search(client, seed_plan, grade="A"))
    monkeypatch.setattr(public.search, "PER_PAGE", 10)
    cache.clear()  # the page size is not part of what the cached pages key on
    first = search(client, seed_plan, grade="A")
    count = soup(first).find(id="result-count").get_text()
    next_link = soup(first).find("a", rel="next")["href"]
    assert "grade=A" in next_link and "page=2" in next_link
    pages = [shown_items(first)]
    for number in range(2, 10):
        response = search(client, seed_plan, grade="A", page=number)
        assert soup(response).find(id="result-count").get_text() == count
        pages.append(shown_items(response))
        if soup(response).find("a", rel="next") is None:
            break
    assert len(pages) > 1
    assert [n for page in pages for n in page] == whole


def test_a_page_number_past_the_end_shows_the_last_page(client, seed_plan, monkeypatch):
    monkeypatch.setattr(public.search, "PER_PAGE", 10)
    last = soup(search(client, seed_plan, grade="A", page=999))
    assert last.find("a", rel="next") is None
    assert last.find("a", rel="prev") is not None
    assert shown_items(search(client, seed_plan, grade="A", page="x")) == shown_items(
        search(client, seed_plan, grade="A")
    )


def test_keyword_matches_full_width_and_half_width_alike(client, seed_plan):
    # 36 is "PPP/PFIの推進"; the citizen types full-width lowercase.
    response = search(client, seed_plan, q="ｐｆｉ")
    assert "36" in shown_items(response)
    assert "1" not in shown_items(response)


def test_keyword_in_half_width_katakana_finds_full_width(client, seed_plan):
    # 3 地域コミュニティの推進, 37 地域コミュニティ施設のあり方の検討
    half_width = shown_items(search(client, seed_plan, q="ｺﾐｭﾆﾃｨ"))
    assert {"3", "37"} <= set(half_width)
    assert half_width == shown_items(search(client, seed_plan, q="コミュニティ"))


def test_keyword_finds_an_item_by_its_number_typed_full_width(client, seed_plan):
    assert shown_items(search(client, seed_plan, q="Ｎｏ．３６")) == ["36"]


def test_keyword_finds_the_items_of_a_division_by_its_name(client, seed_plan):
    numbers = shown_items(search(client, seed_plan, q="秘書広報"))
    assert {"8", "10"} <= set(numbers)


def test_keyword_finds_the_english_names_the_city_gave(client, seed_plan):
    item = seed_plan.items.get(number="35")
    item.title_en = "Better Service Counters"
    item.save()
    division = Division.objects.get(name="秘書広報課")
    division.name_en = "Public Relations Section"
    division.save()
    assert shown_items(search(client, seed_plan, q="COUNTERS")) == ["35"]
    assert {"8", "10"} <= set(shown_items(search(client, seed_plan, q="relations")))


def test_a_re_listing_is_found_by_its_source_sheet(client, seed_plan):
    relisting = seed_plan.items.get(number="41")
    assert relisting.relisted_from.number == "7"
    assert not relisting.sheets.exists()
    assert {"7", "41"} <= set(shown_items(search(client, seed_plan, q="sns")))


def test_keyword_finds_words_in_the_published_texts(client, seed_plan):
    item = seed_plan.items.get(number="7")
    assert "SNS" not in item.title + item.purpose + item.content
    assert "7" in shown_items(search(client, seed_plan, q="sns"))


def test_every_word_must_match(client, seed_plan):
    both = shown_items(search(client, seed_plan, q="協働\u3000推進"))
    assert both
    for number in both:
        item = Item.objects.get(plan=seed_plan, number=number)
        assert "協働" in _searchable(item) and "推進" in _searchable(item)
    assert set(both) < set(shown_items(search(client, seed_plan, q="推進")))


def _searchable(item) -> str:
    sheet = item.sheets.first()
    texts = [
        item.title,
        item.purpose,
        item.content,
        *(d.name for d in item.divisions.all()),
    ]
    if sheet:
        texts += [sheet.plan_text, sheet.done_text, sheet.next_text]
        texts += [sheet.division_reason, sheet.hq_reason]
    if item.parent:
        texts.append(_searchable(item.parent))
    return "\n".join(texts)


def test_area_filter_lists_that_area_only(client, seed_plan):
    area = PolicyArea.objects.get(plan=seed_plan, name="PDCAサイクルの構築")
    response = search(client, seed_plan, area=area.pk)
    page = soup(response)
    assert [h.get_text() for h in page.select("section.area h2")] == [area.name]
    expected = Item.objects.filter(area=area).order_by("order")
    assert shown_items(response) == [item.number for item in expected]
    assert f"該当する取組項目: {len(expected)}件" in text(response)


def test_division_filter(client, seed_plan):
    division = Division.objects.get(name="市民協働・男女参画推進課")
    numbers = shown_items(search(client, seed_plan, division=division.pk))
    assert numbers == ["1", "3", "37"]


def test_the_division_list_names_each_division_of_the_plans_items_once(
    client, seed_plan
):
    idle = Division.objects.create(city=seed_plan.city, name="あああ未担当課")
    of_items = {
        link.division.name
        for item in seed_plan.items.prefetch_related("division_links__division")
        for link in item.division_links.all()
    }
    select = soup(search(client, seed_plan)).find("select", attrs={"name": "division"})
    names = [option.get_text() for option in select.find_all("option")]
    assert names == ["すべて", *sorted(of_items)]
    assert idle.name not in names and len(of_items) > 10


def test_grade_filter_uses_the_published_result(client, seed_plan):
    # HQ rated 7, 28 and sub-item 4-2 S; 41 is a re-listing of 7. Item 4 itself
    # is A and is listed only to hold 4-2.
    response = search(client, seed_plan, grade="S")
    page = soup(response)
    grades = {
        row.select_one(".item-number").get_text(strip=True): row.select_one(
            ".grade"
        ).contents[0]
        for row in page.select(".items-table tbody tr")
    }
    assert grades == {"4": "A", "4-2": "S", "7": "S", "28": "S", "41": "S"}
    assert "該当する取組項目: 4件" in text(response)


def test_tag_filter_lists_new_items(client, seed_plan):
    numbers = shown_items(search(client, seed_plan, tag="new"))
    new = list(
        seed_plan.items.filter(is_new=True, parent=None)
        .order_by("order")
        .values_list("number", flat=True)
    )
    assert [n for n in numbers if "-" not in n] == new


def test_filters_combine_and_the_page_keeps_them(client, seed_plan):
    area = PolicyArea.objects.get(plan=seed_plan, name="財政基盤の強化")
    response = search(client, seed_plan, area=area.pk, grade="B", q="推進")
    page = soup(response)
    assert page.find("input", attrs={"name": "q"})["value"] == "推進"
    assert page.find("select", attrs={"name": "area"}).find(selected=True)[
        "value"
    ] == str(area.pk)
    assert (
        page.find("select", attrs={"name": "grade"}).find(selected=True)["value"] == "B"
    )
    # The same URL gives the same list: it can be bookmarked and shared.
    again = client.get(
        response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"]
    )
    assert shown_items(again) == shown_items(response)


def test_nothing_matches(client, seed_plan):
    response = search(client, seed_plan, q="存在しない言葉")
    assert shown_items(response) == []
    assert "該当する取組項目: 0件" in text(response)
    assert "該当する取組項目はありません" in text(response)


def test_bad_filter_values_get_a_message_and_no_list(client, seed_plan):
    response = search(client, seed_plan, area="999999", grade="Z", q="あ" * 101)
    page = soup(response)
    summary = page.find(class_="error-summary")
    assert summary is not None
    errors = summary.get_text(" ", strip=True)
    assert "分野" in errors and "評価" in errors and "キーワード" in errors
    assert shown_items(response) == []
    assert table_rows(response, "grade-counts")["合計"] == ["3", "30", "10", "43"]


def test_filters_add_no_queries_to_a_keyword(client, seed_plan):
    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            search(client, seed_plan, **params)
        return len(captured)

    area = PolicyArea.objects.get(plan=seed_plan, name="財政基盤の強化")
    # Fewer when no sub-item is listed: their divisions need no query then.
    assert queries(q="推進", area=area.pk, grade="A", tag="new") <= queries(q="推進")


def test_search_in_english(client, seed_plan):
    params = {"tag": "new", "q": "推進"}
    japanese = re.search(
        r"該当する取組項目: (\d+)件", text(search(client, seed_plan, **params))
    )
    page = text(client.get("/en" + seed_plan.get_absolute_url(), params))
    assert "Find items" in page
    assert f"{japanese.group(1)} items match." in page
