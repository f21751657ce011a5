"""The form shows what to write against: last period's sheet and the plan's schedule
for the year; text submitted word for word as last period's asks for a confirmation."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from plans.models import Period
from surveys.models import SurveySheet
from surveys.workflow import submit_as_saved
from tests.factories import add_period
from tests.html import soup
from tests.surveys.test_sheet_workflow import edit


def previous_of(sheet) -> SurveySheet:
    return SurveySheet.objects.get(item=sheet.item, period__fiscal_year=2017)


def test_the_form_shows_last_periods_sheet_and_this_years_schedule(
    client, hq_officer, open_fy2018
):
    def words(sheet):
        return [
            r.word_for(2018) for r in sheet.item.schedule_rows.all() if r.word_for(2018)
        ]

    sheet = next(s for s in open_fy2018.sheets.order_by("item__order") if words(s))
    previous = previous_of(sheet)
    client.force_login(hq_officer)  # HQ may open any sheet's form (代理入力)
    page = soup(client.get(reverse("surveys:sheet_edit", args=[sheet.pk])))
    shown = page.select_one("#previous-sheet")
    assert "平成29年度" in shown.summary.get_text()
    text = " ".join(shown.get_text().split())
    for written in (previous.done_text, previous.division_reason, previous.hq_reason):
        assert " ".join(written.split()) in text
    if previous.hq_grade:
        assert previous.hq_grade.code in text
    listed = [li.get_text() for li in page.select("#year-schedule li")]
    assert len(listed) == len(words(sheet))
    assert all(word in line for word, line in zip(words(sheet), listed, strict=True))


def test_text_copied_unchanged_is_submitted_only_once_confirmed(
    client, division_staff, own_sheet
):
    previous = previous_of(own_sheet)
    client.force_login(division_staff)
    # A draft may hold the copy; the check is made on submitting.
    assert edit(client, own_sheet, done_text=previous.done_text).status_code == 302
    own_sheet.refresh_from_db()
    response = edit(client, own_sheet, action="submit", done_text=previous.done_text)
    assert response.status_code == 200
    warning = soup(response).select_one("#copied-warning")
    assert "平成29年度" in warning.get_text()
    assert gettext("What was done (D)") in warning.get_text()
    own_sheet.refresh_from_db()
    assert own_sheet.state == "draft"
    response = edit(
        client,
        own_sheet,
        action="submit",
        done_text=previous.done_text,
        copied_checked="on",
    )
    assert response.status_code == 302
    own_sheet.refresh_from_db()
    assert own_sheet.state == "submitted"


def test_a_sheet_without_a_previous_period_submits_without_the_check(
    client, division_staff, seed_plan, hq_officer
):
    Period.objects.filter(plan=seed_plan).delete()
    period = add_period(seed_plan, fiscal_year=2019)
    sheet = period.sheets.get(item__number="1")
    assert sheet.previous() is None
    client.force_login(division_staff)
    page = soup(client.get(reverse("surveys:sheet_edit", args=[sheet.pk])))
    assert page.select_one("#previous-sheet") is None
    assert edit(client, sheet, action="submit").status_code == 302


def test_submitting_uploaded_sheets_refuses_copied_text_with_the_reason(
    division_staff, own_sheet
):
    previous = previous_of(own_sheet)
    own_sheet.done_text = previous.done_text
    own_sheet.division_grade = previous.division_grade
    own_sheet.division_reason = "今期の理由"
    own_sheet.save()
    (outcome,) = submit_as_saved([own_sheet], by=division_staff)
    assert not outcome.done and "平成29年度" in outcome.message
    own_sheet.refresh_from_db()
    assert own_sheet.state == "draft"


def test_the_form_queries_stay_fixed_as_periods_pass(
    client, division_staff, seed_plan, own_sheet
):
    url = reverse("surveys:sheet_edit", args=[own_sheet.pk])
    client.force_login(division_staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one_before = queries()
    for year in (2014, 2015, 2016):
        add_period(
            seed_plan, fiscal_year=year, state=Period.State.PUBLISHED, text="過去"
        )
    assert queries() == one_before
    page = soup(client.get(url))
    assert "平成29年度" in page.select_one("#previous-sheet summary").get_text()
