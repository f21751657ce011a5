"""Charts on the public pages: SVG drawn on the server, read through their text alternatives."""

import re

import pytest

from plans.models import Period
from public.charts import text_colour
from tests.factories import add_period
from tests.factories import add_published_period
from tests.html import soup
from tests.html import table_rows

SEED_AREA_COUNTS = {
    "地域協働の推進": [1, 4, 2],
    "情報の共有と双方向のコミュニケーション": [0, 1, 2],
    "PDCAサイクルの構築": [0, 4, 2],
    "財政基盤の強化": [1, 9, 4],
    "執行体制の再構築": [1, 12, 0],
}


def chart(response, chart_id):
    svg = soup(response).find("svg", id=chart_id)
    assert svg is not None, f"no chart #{chart_id}"
    assert svg["role"] == "img"
    title = svg.find("title", id=svg["aria-labelledby"])
    desc = svg.find("desc", id=svg["aria-describedby"])
    return svg, title.get_text(), desc.get_text()


def counts_in(description: str, label: str, codes: str) -> list[int]:
    """The counts a text alternative gives for a label: "地域協働の推進: S 1件、A 4件、B 2件"."""
    pattern = (
        re.escape(label)
        + r": "
        + "、".join(rf"{re.escape(code)} (\d+)件" for code in codes)
    )
    match = re.search(pattern, description)
    assert match, f"{label} not in {description!r}"
    return [int(n) for n in match.groups()]


def test_area_chart_text_alternative_carries_the_seed_counts(client, seed_plan):
    response = client.get(seed_plan.get_absolute_url())
    svg, title, description = chart(response, "chart-areas")
    assert title == "分野別の評価の割合（平成29年度 下半期）"
    found = {area: counts_in(description, area, "SAB") for area in SEED_AREA_COUNTS}
    assert found == SEED_AREA_COUNTS
    # The picture agrees with its text: 地域協働の推進 is a bar of 1, 4 and 2.
    bar = svg.find_all("g")[0]
    assert bar.find("text").get_text().startswith("地域協働の推進")
    widths = [float(rect["width"].rstrip("%")) for rect in bar.find_all("rect")]
    assert widths == pytest.approx([100 / 7, 400 / 7, 200 / 7], abs=0.001)
    assert [t.get_text() for t in bar.find_all("text", class_="chart__value")] == [
        "S 1",
        "A 4",
        "B 2",
    ]


def test_area_chart_in_english(client, seed_plan):
    response = client.get("/en" + seed_plan.get_absolute_url())
    _svg, title, description = chart(response, "chart-areas")
    assert title == "Share of each rating by policy area, FY2017 second half"
    assert "財政基盤の強化: S 1, A 9, B 4 (14 in all)." in description


def test_plan_page_without_results_has_no_chart(client, seed_plan):
    Period.objects.all().delete()
    page = soup(client.get(seed_plan.get_absolute_url()))
    assert page.find("svg") is None


def test_trend_chart_shows_how_shares_moved_across_periods(client, seed_plan):
    response = client.get(seed_plan.get_absolute_url())
    assert soup(response).find("svg", id="chart-trend") is None  # one period only
    add_published_period(seed_plan, grade_code="A")
    add_period(seed_plan, fiscal_year=2018, half=Period.Half.SECOND, text="未公表")
    response = client.get(seed_plan.get_absolute_url())
    _svg, _title, description = chart(response, "chart-trend")
    assert counts_in(description, "平成29年度 下半期", "SAB") == [3, 30, 10]
    assert counts_in(description, "平成30年度 上半期", "SAB") == [0, 43, 0]
    assert "平成30年度 下半期" not in description  # not published
    assert table_rows(response, "trend-counts") == {
        "平成29年度 下半期": ["3", "30", "10", "0"],
        "平成30年度 上半期": ["0", "43", "0", "0"],
    }


def test_item_chart_shows_the_rating_of_each_period(client, seed_plan):
    add_published_period(seed_plan, grade_code="S")
    response = client.get(seed_plan.items.get(number="1").get_absolute_url())
    svg, title, description = chart(response, "chart-item")
    assert title == "期別の評価"
    assert description == (
        "平成29年度 下半期: B 予定よりも遅れている。平成30年度 上半期: S 予定以上に進捗。"
    )
    assert [c.find_next("text").get_text() for c in svg.find_all("circle")] == [
        "B",
        "S",
    ]
    assert len(svg.find_all("line", attrs={"stroke-width": "2"})) == 1


def test_item_without_published_results_has_no_chart(client, seed_plan):
    Period.objects.all().delete()
    response = client.get(seed_plan.items.get(number="1").get_absolute_url())
    assert soup(response).find("svg") is None


def test_text_on_a_grade_colour_is_black_or_white_whichever_reads_better():
    assert text_colour("#197a4b") == "#ffffff"
    assert text_colour("#0017c1") == "#ffffff"
    assert text_colour("#ffd43d") == "#000000"
