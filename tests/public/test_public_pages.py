from django.urls import reverse

from plans import stamps
from plans.models import Item
from plans.models import Period
from plans.models import Plan
from tests.html import japanese_outside_lang_ja
from tests.html import soup
from tests.html import table_rows
from tests.html import text

SEED_COUNTS = {
    "地域協働の推進": ["1", "4", "2", "7"],
    "情報の共有と双方向のコミュニケーション": ["0", "1", "2", "3"],
    "PDCAサイクルの構築": ["0", "4", "2", "6"],
    "財政基盤の強化": ["1", "9", "4", "14"],
    "執行体制の再構築": ["1", "12", "0", "13"],
    "合計": ["3", "30", "10", "43"],
}


def item_url(plan, number):
    return reverse("public:item", args=[plan.city.slug, plan.pk, number])


def test_plan_list_links_to_the_seed_plan(client, seed_plan):
    response = client.get(reverse("public:plan_list"))
    assert response.status_code == 200
    link = soup(response).find("a", href=seed_plan.get_absolute_url())
    assert link.get_text(strip=True) == "小平市 第3次行財政再構築プラン"


def test_plan_list_shows_each_plans_years_items_and_latest_results(client, seed_plan):
    page = text(client.get(reverse("public:plan_list")))
    assert (
        "計画期間 平成29年度〜令和2年度 項目数 43 最新の公表 平成29年度 下半期" in page
    )
    Period.objects.update(state=Period.State.OPEN)
    stamps.changed(Plan.objects.all())  # as any write in bulk must
    assert "最新の公表 未公表" in text(client.get(reverse("public:plan_list")))


def test_plan_page_counts_grades_per_area_and_in_total(client, seed_plan):
    response = client.get(seed_plan.get_absolute_url())
    assert table_rows(response, "grade-counts") == SEED_COUNTS


def test_plan_page_shows_the_period_and_plan_years_in_japanese_eras(client, seed_plan):
    page = text(client.get(seed_plan.get_absolute_url()))
    assert "分野別の評価結果（平成29年度 下半期）" in page
    assert "計画期間: 平成29年度（2017年度）～令和2年度（2020年度）" in page


def area_url(plan, number):
    """The page of the area where the item (or its parent) is listed."""
    item = Item.objects.get(plan=plan, number=number)
    area = (item.parent or item).area
    return reverse("public:area", args=[plan.city.slug, plan.pk, area.key])


def test_area_page_lists_items_with_their_hq_rating(client, seed_plan):
    page = soup(client.get(area_url(seed_plan, "4-1")))
    row = page.find("a", href=item_url(seed_plan, "4-1")).find_parent("tr")
    assert "sub-item" in row["class"]
    assert (
        row.find(class_="grade").get_text(" ", strip=True) == "B 予定よりも遅れている"
    )


def test_area_page_shows_a_relisted_item_with_its_source_rating(client, seed_plan):
    page = soup(client.get(area_url(seed_plan, "41")))
    row = page.find("a", href=item_url(seed_plan, "41")).find_parent("tr")
    assert "No.7の再掲" in row.get_text()
    assert row.find(class_="grade").contents[0] == "S"


def test_plan_page_in_english(client, seed_plan):
    response = client.get("/en" + seed_plan.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "Ratings by policy area (FY2017 second half)" in page
    assert table_rows(response, "grade-counts")["Total"] == ["3", "30", "10", "43"]


def test_item_page_shows_sheet_with_both_ratings(client, seed_plan):
    response = client.get(item_url(seed_plan, "4-1"))
    assert response.status_code == 200
    page = text(response)
    assert "No.4-1 地域と学校の連携・協働の推進" in page
    assert (
        "1次評価（所管課）（C） B 予定よりも遅れている 学校経営協議会の開催については"
        in page
    )
    assert (
        "2次評価（行革本部）（C） B 予定よりも遅れている 学校経営協議会の開催については"
        in page
    )
    assert "指導課" in page


def test_item_page_shows_purpose_indicators_and_pdca(client, seed_plan):
    response = client.get(item_url(seed_plan, "1"))
    page = text(response)
    assert "・市民活動を支援し、協働推進体制の充実を図る。" in page
    indicators = table_rows(response, "indicators")
    assert indicators["①市民活動支援センター来場者数増"] == [
        "9,855人平成29年3月31日時点",
        "1万人以上",
        "9,718人",
    ]
    assert "当初予定（P） ・市民活動支援公募事業・いきいき協働事業を実施し" in page
    assert "取組実績（D） ・いきいき協働事業については" in page
    assert (
        "来年度に向けての課題と今後の取組（A） 小平市民活動支援センターの開設" in page
    )


def test_item_page_shows_schedule_by_fiscal_year(client, seed_plan):
    response = client.get(item_url(seed_plan, "26"))
    header = [
        th.get_text(strip=True) for th in soup(response).select("#schedule thead th")
    ]
    assert header == ["実施内容", "平成29年度", "平成30年度", "令和元年度", "令和2年度"]
    assert table_rows(response, "schedule") == {
        "・保育料の見直し": ["検討", "→", "条例改正", "実施"]
    }


def test_item_page_lists_sub_items_with_ratings(client, seed_plan):
    page = soup(client.get(item_url(seed_plan, "4")))
    sub_items = [
        li.get_text(" ", strip=True) for li in page.select(".sub-item-list li")
    ]
    assert sub_items == [
        "No.4-1 地域と学校の連携・協働の推進 B 予定よりも遅れている",
        "No.4-2 地域と学校の連携・協働の推進 S 予定以上に進捗",
    ]


def test_relisted_item_links_to_its_source_and_back(client, seed_plan):
    relisted = soup(client.get(item_url(seed_plan, "29")))
    assert relisted.find("a", href=item_url(seed_plan, "15")) is not None
    assert "スクラップアンドビルドの徹底" in relisted.get_text()
    source = soup(client.get(item_url(seed_plan, "15")))
    assert source.find("a", href=item_url(seed_plan, "29")).get_text() == "No.29"


def test_a_relisted_items_page_names_its_source_never_itself(client, seed_plan):
    page = soup(client.get(item_url(seed_plan, "29")))
    assert page.find("a", href=item_url(seed_plan, "29")) is None
    notices = " ".join(p.get_text() for p in page.select("p.notice"))
    assert "No.15（" in notices and "の再掲です" in notices
    assert "再掲先" not in notices


def test_relistings_are_named_with_japanese_parentheses(client, seed_plan):
    notices = soup(client.get(item_url(seed_plan, "15"))).select("p.notice")
    listed = " ".join(p.get_text(" ", strip=True) for p in notices)
    assert "再掲先:" in listed and "No.29 （" in listed
    assert "(" not in listed and ")" not in listed


def test_relisted_item_shows_its_sources_sheet(client, seed_plan):
    page = text(client.get(item_url(seed_plan, "41")))
    assert "2次評価（行革本部）（C） S 予定以上に進捗" in page


def test_unknown_item_is_a_404_in_japanese(client, seed_plan):
    response = client.get(item_url(seed_plan, "99"))
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_unknown_plan_is_a_404(client, db):
    assert client.get("/plans/12345/").status_code == 404


def test_the_seed_texts_have_no_spaces_left_by_the_pdf_inside_words(seed_plan):
    item = Item.objects.get(plan=seed_plan, number="2")
    texts = [item.purpose, *(row.activity for row in item.schedule_rows.all())]
    assert any("道路ボランティア" in t for t in texts)
    assert not any("道 路" in t or "づ くり" in t for t in texts)


def test_the_english_plan_page_writes_its_own_words_in_english(client, seed_plan):
    page = client.get("/en" + seed_plan.get_absolute_url())
    outside = japanese_outside_lang_ja(page)
    for word in ("BOM付き", "（JSON）", "(新規)", "(フォローアップ)", "(再掲)"):
        assert not [text for text in outside if word in text], word
    listing = japanese_outside_lang_ja(client.get("/en/"))
    assert not [text for text in listing if "〜" in text]
