"""An ended item counts until it ends: later periods leave it out, not count it unrated.

Item 3 of the seed plan ends in FY2017; FY2018's first half is opened,
rated A throughout and published, so item 3 has no sheet in it.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from plans.models import Item
from plans.models import Plan
from surveys import reports
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet
from surveys.workflow import open_period
from surveys.workflow import publish_period
from tests.factories import add_published_period
from tests.factories import make_plan
from tests.html import soup
from tests.html import table_rows
from tests.public.test_charts import chart
from tests.public.test_charts import counts_in


@pytest.fixture
def fy2018(seed_plan, hq_officer):
    """FY2018 first half, published with every sheet rated A, after item 3 ended."""
    seed_plan.items.filter(number="3").update(
        state=Item.State.ENDED, ended_fiscal_year=2017
    )
    period = open_period(
        plan=seed_plan, fiscal_year=2018, half="first", deadline=None, by=hq_officer
    )
    grade = seed_plan.rating_scale.grades.get(code="A")
    period.sheets.update(
        state=SurveySheet.State.ACCEPTED, division_grade=grade, hq_grade=grade
    )
    publish_period(period=period, by=hq_officer)
    return period


def test_the_plan_page_counts_leave_out_an_item_that_has_ended(
    client, seed_plan, fy2018
):
    counts = table_rows(client.get(seed_plan.get_absolute_url()), "grade-counts")
    assert counts["地域協働の推進"] == ["0", "6", "0", "6"]
    assert counts["合計"] == ["0", "42", "0", "42"]


def test_the_ended_item_still_counts_in_the_periods_it_has_a_sheet_in(
    client, seed_plan, fy2018
):
    trend = table_rows(client.get(seed_plan.get_absolute_url()), "trend-counts")
    assert trend == {
        "平成29年度 下半期": ["3", "30", "10", "0"],
        "平成30年度 上半期": ["0", "42", "0", "0"],
    }


def test_the_area_chart_leaves_out_an_item_that_has_ended(client, seed_plan, fy2018):
    _svg, _title, description = chart(
        client.get(seed_plan.get_absolute_url()), "chart-areas"
    )
    assert counts_in(description, "地域協働の推進", "SAB") == [0, 6, 0]
    assert "評価なし" not in description


def test_the_ended_item_is_still_listed_with_its_state(client, seed_plan, fy2018):
    area = seed_plan.items.get(number="3").area
    url = reverse("public:area", args=[seed_plan.city.slug, seed_plan.pk, area.key])
    rows = soup(client.get(url)).select("table.items-table tbody tr")
    row = next(tr for tr in rows if tr.td.get_text(strip=True) == "3")
    assert "終了（平成29年度）" in row.get_text()


def test_table_1_leaves_out_an_item_that_has_ended(seed_plan, fy2018):
    book = openpyxl.load_workbook(
        io.BytesIO(reports.counts_workbook(seed_plan, fy2018))
    )
    ws = book["表1 分野別評価"]
    assert "評価なし" not in [c.value for c in ws[3]]
    rows = {row[0]: row[1:] for row in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["地域協働の推進"] == (0, 6, 0, 6)
    assert rows["合計"] == (0, 42, 0, 42)


def test_a_plan_rated_per_schedule_row_leaves_out_an_ended_item_too(client, db):
    """Item 3 ends after the first year; item 2 is never rated and counts unrated."""
    plan = make_plan(rated_per=Plan.RatingTarget.SCHEDULE_ROW)
    done = plan.rating_scale.grades.first()
    add_published_period(plan, fiscal_year=2024)
    plan.items.filter(number="3").update(state=Item.State.ENDED, ended_fiscal_year=2024)
    second = add_published_period(plan, fiscal_year=2025)
    second.sheets.filter(item__number="3").delete()
    for sheet in SurveySheet.objects.filter(item__plan=plan).exclude(item__number="2"):
        ScheduleStatus.objects.create(
            sheet=sheet, schedule_row=sheet.item.schedule_rows.get(), grade=done
        )

    trend = table_rows(client.get(plan.get_absolute_url()), "trend-counts")

    assert [row[0] for row in trend.values()] == ["2", "1"]
    assert [row[-1] for row in trend.values()] == ["1", "1"]
