"""Corrections after publication: reopened by HQ, corrected, published again, logged."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys import corrections
from surveys.models import Correction
from surveys.models import Refused
from surveys.models import SurveySheet
from tests.factories import scaled_copy
from tests.html import soup
from tests.html import text

OLD = "協働事業の推進に取り組んだ。"


@pytest.fixture
def published_sheet(seed_plan):
    """Item 1's sheet of the seed's published FY2017 second half."""
    sheet = SurveySheet.objects.get(
        period__plan=seed_plan, period__state="published", item__number="1"
    )
    SurveySheet.objects.filter(pk=sheet.pk).update(done_text=OLD)
    sheet.refresh_from_db()
    return sheet


def form_data(page, **changes) -> dict:
    """What the browser posts from the correction form, with `changes` typed in."""
    form = soup(page).select_one("form.form")
    data = {t["name"]: t.get_text().strip() for t in form.find_all("textarea")}
    for radio in form.select("input[type=radio][checked]"):
        data[radio["name"]] = radio["value"]
    return {**data, **changes}


def item_page_text(client, sheet) -> str:
    return text(client.get(sheet.item.get_absolute_url()))


def test_a_correction_is_written_reviewed_and_published_in_the_open(
    client, published_sheet, hq_officer, division_staff
):
    sheet = published_sheet
    client.force_login(hq_officer)
    response = client.post(
        reverse("surveys:correction_open", args=[sheet.pk]),
        {"note": "実施回数の記載誤りを訂正します。"},
    )
    assert response.status_code == 302

    # The division writes the correction; the public still reads what was published.
    client.force_login(division_staff)
    url = reverse("surveys:correction", args=[sheet.pk])
    page = client.get(url)
    form = soup(page)
    assert form.find("textarea", attrs={"name": "done_text"}).get_text().strip() == OLD
    assert form.find(attrs={"name": "hq_grade"}) is None  # HQ's to correct
    response = client.post(
        url, form_data(page, done_text="協働事業の推進に2回取り組んだ。", action="save")
    )
    assert response.status_code == 302
    client.logout()
    assert OLD in item_page_text(client, sheet)
    assert "修正" not in item_page_text(client, sheet)

    # HQ reviews what changes and publishes it.
    client.force_login(hq_officer)
    page = client.get(url)
    assert [ins.get_text() for ins in soup(page).select("#revisions ins")] == ["2回"]
    response = client.post(url, form_data(page, action="publish"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.done_text == "協働事業の推進に2回取り組んだ。"
    assert sheet.history.first().history_change_reason == corrections.CORRECTION
    correction = Correction.objects.get(sheet=sheet)
    assert correction.changes == [["done_text", OLD, "協働事業の推進に2回取り組んだ。"]]

    client.logout()
    public = soup(client.get(sheet.item.get_absolute_url()))
    notice = public.select_one(f"#corrections-{sheet.pk}").get_text(" ", strip=True)
    assert "修正" in notice and "取組実績（D）" in notice
    assert "実施回数の記載誤りを訂正します。" in notice
    log = client.get(
        reverse(
            "public:corrections", args=[sheet.item.plan.city.slug, sheet.item.plan_id]
        )
    )
    rows = soup(log).select("#corrections tbody tr")
    assert len(rows) == 1
    assert "No.1" in rows[0].th.get_text() and "取組実績（D）" in rows[0].get_text()


def test_only_hq_reopens_a_sheet_of_a_published_period_once(
    published_sheet, hq_officer, division_staff, open_fy2018
):
    with pytest.raises(PermissionDenied):
        corrections.open_correction(published_sheet, by=division_staff, note="誤り")
    open_sheet = open_fy2018.sheets.get(item__number="1")
    with pytest.raises(Refused):
        corrections.open_correction(open_sheet, by=hq_officer, note="誤り")
    corrections.open_correction(published_sheet, by=hq_officer, note="誤り")
    with pytest.raises(Refused):
        corrections.open_correction(published_sheet, by=hq_officer, note="もう一度")
    assert Correction.objects.count() == 1


def test_a_correction_that_changes_nothing_is_refused_and_a_withdrawn_one_leaves_no_trace(
    published_sheet, hq_officer
):
    version = published_sheet.version
    correction = corrections.open_correction(
        published_sheet, by=hq_officer, note="誤り"
    )
    with pytest.raises(Refused):
        corrections.publish_correction(correction, by=hq_officer)
    corrections.save_correction(
        correction, by=hq_officer, values={"done_text": "書き換え"}
    )
    corrections.withdraw_correction(correction, by=hq_officer)
    published_sheet.refresh_from_db()
    assert (published_sheet.done_text, published_sheet.version) == (OLD, version)
    assert not Correction.objects.exists()


def test_a_division_cannot_correct_hqs_rating(
    published_sheet, hq_officer, division_staff
):
    correction = corrections.open_correction(
        published_sheet, by=hq_officer, note="誤り"
    )
    other_grade = (
        published_sheet.period.plan.rating_scale.grades.exclude(
            pk=published_sheet.hq_grade_id
        )
        .first()
        .pk
    )
    corrections.save_correction(
        correction,
        by=division_staff,
        values={"hq_grade": other_grade, "done_text": "書き換え"},
    )
    assert correction.values["hq_grade"] == published_sheet.hq_grade_id
    assert correction.values["done_text"] == "書き換え"


def published_corrections(plan, hq, count: int) -> None:
    sheets = SurveySheet.objects.filter(period__plan=plan, period__state="published")
    for sheet in sheets.order_by("item__order")[:count]:
        correction = corrections.open_correction(sheet, by=hq, note="訂正")
        corrections.save_correction(
            correction, by=hq, values={"done_text": sheet.done_text + "（訂正）"}
        )
        corrections.publish_correction(correction, by=hq)


def test_the_correction_log_keeps_its_queries_as_corrections_grow(
    client, seed_plan, hq_officer
):
    big = scaled_copy(seed_plan, 2)
    queries = []
    for plan, count in ((seed_plan, 1), (big, 10)):
        published_corrections(plan, hq_officer, count)
        url = reverse("public:corrections", args=[plan.city.slug, plan.pk])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert len(soup(response).select("#corrections tbody tr")) == count
        queries.append(len(captured))
    assert queries[0] == queries[1]
