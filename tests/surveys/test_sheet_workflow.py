"""Divisions fill and submit; HQ returns or rates; HQ publishes."""

import smtplib
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db import transaction
from django.urls import reverse

from plans.models import IndicatorValue
from plans.models import Period
from surveys.models import Refused
from surveys.models import SurveySheet
from surveys.workflow import publish_period
from tests.html import soup
from tests.html import text


def sheet_data(sheet, action="save", **overrides):
    data = {
        "version": sheet.version,
        "plan_text": sheet.plan_text,
        "done_text": "研修を2回実施した。",
        "next_text": "来年度も継続する。",
        "division_grade": sheet.period.plan.rating_scale.grades.get(code="A").pk,
        "division_reason": "予定どおり実施した。",
        "action": action,
    }
    for value in IndicatorValue.objects.filter(
        period=sheet.period, indicator__item=sheet.item
    ):
        data[f"actual_{value.pk}"] = "10,000人"
    data.update(overrides)
    return data


def edit(client, sheet, **kwargs):
    return client.post(
        reverse("surveys:sheet_edit", args=[sheet.pk]), sheet_data(sheet, **kwargs)
    )


def review(client, sheet, headers=None, **data):
    url = reverse("surveys:sheet_review", args=[sheet.pk])
    return client.post(url, data, headers=headers)


@pytest.fixture
def submitted(client, division_staff, own_sheet):
    client.force_login(division_staff)
    edit(client, own_sheet, action="submit")
    own_sheet.refresh_from_db()
    client.logout()
    return own_sheet


def test_division_saves_a_draft(client, division_staff, own_sheet):
    client.force_login(division_staff)
    response = edit(client, own_sheet)
    assert response.status_code == 302
    own_sheet.refresh_from_db()
    assert (own_sheet.state, own_sheet.done_text, own_sheet.version) == (
        "draft",
        "研修を2回実施した。",
        2,
    )
    assert set(
        IndicatorValue.objects.filter(
            period=own_sheet.period, indicator__item=own_sheet.item
        ).values_list("text", flat=True)
    ) == {"10,000人"}


def test_drafts_can_be_saved_again_and_again(client, division_staff, own_sheet):
    client.force_login(division_staff)
    for n in range(3):
        own_sheet.refresh_from_db()
        assert edit(client, own_sheet, done_text=f"第{n}版").status_code == 302
    own_sheet.refresh_from_db()
    assert (own_sheet.done_text, own_sheet.version) == ("第2版", 4)


def test_division_submits(client, division_staff, own_sheet):
    client.force_login(division_staff)
    response = edit(client, own_sheet, action="submit")
    assert response["Location"] == own_sheet.get_absolute_url()
    own_sheet.refresh_from_db()
    assert own_sheet.state == "submitted"
    assert own_sheet.division_grade.code == "A"
    assert own_sheet.submitted_at is not None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"done_text": ""}, "提出する前に取組実績を記入してください。"),
        (
            {"division_grade": "", "division_reason": ""},
            "評価を選ぶか、評価しない理由を記入してください。",
        ),
        ({"division_grade": "999"}, "正しく選択してください。"),
        ({"done_text": "x" * 10_001}, "10000 文字以下"),
    ],
)
def test_incomplete_submission_is_explained_and_saves_nothing(
    client, division_staff, own_sheet, overrides, message
):
    client.force_login(division_staff)
    response = edit(client, own_sheet, action="submit", **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    own_sheet.refresh_from_db()
    assert (own_sheet.state, own_sheet.version, own_sheet.done_text) == ("draft", 1, "")


def test_a_grade_that_needs_a_reason_refuses_an_empty_one(
    client, division_staff, own_sheet
):
    own_sheet.period.plan.rating_scale.grades.filter(code="B").update(
        reason_required=True
    )
    client.force_login(division_staff)
    grade_b = own_sheet.period.plan.rating_scale.grades.get(code="B").pk
    response = edit(
        client, own_sheet, action="submit", division_grade=grade_b, division_reason=""
    )
    assert "評価「B」には理由が必要です。" in response.content.decode()
    own_sheet.refresh_from_db()
    assert own_sheet.state == "draft"


def test_a_submitted_sheet_cannot_be_edited(client, division_staff, submitted):
    client.force_login(division_staff)
    response = edit(client, submitted, done_text="提出後の書換え")
    assert response.status_code == 409
    assert "提出済みです" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.done_text == "研修を2回実施した。"


def test_hq_returns_a_sheet_with_a_note_and_the_division_is_told(
    client,
    hq_officer,
    division_staff,
    submitted,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(hq_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = review(
            client,
            submitted,
            decision="return",
            note="指標の実績値を記入してください。",
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_note) == (
        "returned",
        "指標の実績値を記入してください。",
    )
    assert [m.to for m in mailoutbox] == [["kyodo@example.jp"]]
    assert (
        "No.1" in mailoutbox[0].subject
        and "指標の実績値を記入してください。" in mailoutbox[0].body
    )
    client.force_login(division_staff)
    page = text(client.get(reverse("surveys:sheet_edit", args=[submitted.pk])))
    assert "本部からの差戻し: 指標の実績値を記入してください。" in page


def test_the_return_mail_links_to_the_address_hq_used(
    client,
    settings,
    hq_officer,
    submitted,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["reform.city.example.lg.jp"]
    client.force_login(hq_officer)
    with django_capture_on_commit_callbacks(execute=True):
        review(
            client,
            submitted,
            decision="return",
            note="指標の実績値を記入してください。",
            headers={"host": "reform.city.example.lg.jp"},
        )
    link = f"http://reform.city.example.lg.jp{submitted.get_absolute_url()}"
    assert link in mailoutbox[0].body
    assert "127.0.0.1" not in mailoutbox[0].body


def test_returning_needs_a_note(client, hq_officer, submitted, mailoutbox):
    client.force_login(hq_officer)
    response = review(client, submitted, decision="return", note="")
    assert response.status_code == 400
    assert "修正してほしい点を記入してください。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert mailoutbox == []


def test_returned_sheet_can_be_fixed_and_resubmitted(
    client, hq_officer, division_staff, submitted
):
    submitted.return_to_division(by=hq_officer, note="追記してください。")
    client.force_login(division_staff)
    submitted.refresh_from_db()
    assert (
        edit(client, submitted, action="submit", done_text="追記した。").status_code
        == 302
    )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.done_text) == ("submitted", "追記した。")


def test_hq_rates_and_accepts(client, hq_officer, submitted):
    client.force_login(hq_officer)
    grade_s = submitted.period.plan.rating_scale.grades.get(code="S").pk
    response = review(
        client,
        submitted,
        decision="accept",
        hq_grade=grade_s,
        hq_reason="目標を上回った。",
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.hq_grade.code, submitted.hq_reason) == (
        "accepted",
        "S",
        "目標を上回った。",
    )


def test_hqs_rating_is_not_preselected_and_the_divisions_is_marked(
    client, hq_officer, submitted
):
    client.force_login(hq_officer)
    page = soup(client.get(submitted.get_absolute_url()))
    radios = page.select("input[name=hq_grade]")
    assert radios and not [r for r in radios if r.has_attr("checked")]
    marked = [
        " ".join(r.parent.get_text().split())
        for r in radios
        if "所管課の評価" in r.parent.get_text()
    ]
    assert marked == ["A 予定どおりに進捗（所管課の評価）"]


def test_accepting_without_choosing_hqs_rating_is_refused(
    client, hq_officer, submitted
):
    client.force_login(hq_officer)
    response = review(client, submitted, decision="accept", hq_reason="妥当。")
    assert response.status_code == 400
    assert "2次評価を選ぶか、「評価なし」を選んでください。" in text(response)
    submitted.refresh_from_db()
    assert (submitted.state, submitted.hq_grade) == ("submitted", None)


def test_hq_may_choose_not_to_rate_with_a_comment(client, hq_officer, submitted):
    client.force_login(hq_officer)
    response = review(
        client, submitted, decision="accept", hq_grade="none", hq_reason="評価対象外。"
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.hq_grade) == ("accepted", None)


@pytest.mark.parametrize(
    ("rater", "sheet", "error", "state"),
    [
        pytest.param("hq_officer", "own_sheet", Refused, "draft", id="draft-by-hq"),
        pytest.param(
            "division_staff",
            "submitted",
            PermissionDenied,
            "submitted",
            id="own-by-division",
        ),
    ],
)
def test_only_hq_rates_a_submitted_sheet(db, request, rater, sheet, error, state):
    """HQ cannot rate a draft; a division cannot rate its own sheet."""
    sheet = request.getfixturevalue(sheet)
    with pytest.raises(error):
        sheet.accept(by=request.getfixturevalue(rater), grade=None, reason="x")
    sheet.refresh_from_db()
    assert (sheet.state, sheet.hq_reason) == (state, "")


def test_another_division_may_not_fill_a_sheet(other_division_staff, own_sheet):
    with pytest.raises(PermissionDenied):
        own_sheet.fill(
            by=other_division_staff, version=1, fields={"done_text": "x"}, actuals={}
        )
    own_sheet.refresh_from_db()
    assert (own_sheet.done_text, own_sheet.version) == ("", 1)


def test_only_hq_publishes_a_period(division_staff, open_fy2018):
    open_fy2018.sheets.update(state=SurveySheet.State.ACCEPTED)
    with pytest.raises(PermissionDenied):
        publish_period(period=open_fy2018, by=division_staff)
    open_fy2018.refresh_from_db()
    assert open_fy2018.state == Period.State.OPEN


def test_publishing_with_sheets_pending_is_refused(client, hq_officer, open_fy2018):
    client.force_login(hq_officer)
    response = client.post(reverse("surveys:publish", args=[open_fy2018.pk]))
    assert response.status_code == 409
    assert "58件の調査票がまだ確定していません" in response.content.decode()
    open_fy2018.refresh_from_db()
    assert open_fy2018.state == "open"


def test_publishing_after_every_sheet_is_accepted(client, hq_officer, open_fy2018):
    open_fy2018.sheets.update(state=SurveySheet.State.ACCEPTED)
    client.force_login(hq_officer)
    response = client.post(reverse("surveys:publish", args=[open_fy2018.pk]))
    assert response["Location"] == open_fy2018.plan.get_absolute_url()
    open_fy2018.refresh_from_db()
    assert open_fy2018.state == Period.State.PUBLISHED


def test_a_published_period_is_frozen(
    client, hq_officer, division_staff, open_fy2018, own_sheet
):
    open_fy2018.sheets.update(state=SurveySheet.State.ACCEPTED)
    publish_period(period=open_fy2018, by=hq_officer)
    client.force_login(division_staff)
    own_sheet.refresh_from_db()
    assert edit(client, own_sheet).status_code == 409
    with pytest.raises(Refused):
        own_sheet.return_to_division(by=hq_officer, note="x")


def test_note_reaches_the_division_as_typed(
    client, hq_officer, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    """Plain-text mail: HQ's <, & and " are not HTML-escaped."""
    note = 'P < D & "A" を見直してください。'
    client.force_login(hq_officer)
    with django_capture_on_commit_callbacks(execute=True):
        review(client, submitted, decision="return", note=note)
    assert note in mailoutbox[0].body
    assert "&lt;" not in mailoutbox[0].body and "&amp;" not in mailoutbox[0].body


def test_newline_in_an_item_number_still_returns_and_mails(
    client, hq_officer, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    submitted.item.number = "1\nBcc: x@example.com"
    submitted.item.save()
    client.force_login(hq_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = review(client, submitted, decision="return", note="直してください。")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "returned"
    assert "\n" not in mailoutbox[0].subject and mailoutbox[0].bcc == []


@pytest.mark.django_db(transaction=True)
def test_failed_mail_keeps_the_return_and_tells_hq(
    client, hq_officer, submitted, mailoutbox, monkeypatch, caplog
):
    def refused(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("surveys.mail.send_mail", refused)
    client.force_login(hq_officer)
    response = review(client, submitted, decision="return", note="直してください。")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_note) == ("returned", "直してください。")
    queue = text(client.get(response["Location"]))
    assert "所管課にメールで知らせることができませんでした" in queue
    assert "could not be sent" in caplog.text


def test_accepted_sheet_cannot_be_returned(client, hq_officer, submitted):
    submitted.accept(by=hq_officer, grade=None, reason="")
    client.force_login(hq_officer)
    response = review(client, submitted, decision="return", note="やはり直して")
    assert "差し戻せるのは、受付中の調査期間の提出済み調査票だけです。" in text(
        response
    )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_note) == ("accepted", "")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_submit_waits_for_a_publish_in_progress(division_staff, own_sheet):
    """A period being closed holds its row: a sheet saved meanwhile is refused after."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    locked, done = threading.Event(), threading.Event()

    def close_period():
        with transaction.atomic():
            period = Period.objects.select_for_update().get(pk=own_sheet.period_id)
            locked.set()
            time.sleep(0.5)
            period.state = Period.State.PUBLISHED
            period.save()
        done.set()
        connection.close()

    closer = threading.Thread(target=close_period)
    closer.start()
    locked.wait()
    sheet = SurveySheet.objects.select_related("period").get(pk=own_sheet.pk)
    with pytest.raises(Refused):
        sheet.fill(by=division_staff, version=sheet.version, fields={"done_text": "遅れて保存"}, actuals={})  # fmt: skip
    assert done.is_set()
    closer.join()
    own_sheet.refresh_from_db()
    assert own_sheet.done_text != "遅れて保存"
