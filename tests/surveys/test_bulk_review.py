"""HQ works through the queue: bulk accept or return, and the next sheet with the filter kept."""

import pytest
from django.urls import reverse

from plans.models import Grade
from surveys.models import SurveySheet
from tests.html import soup
from tests.html import table_rows
from tests.html import text


def submit(period, numbers, code="A"):
    grade = Grade.objects.get(scale=period.plan.rating_scale, code=code)
    sheets = SurveySheet.objects.filter(period=period, item__number__in=numbers)
    sheets.update(
        state=SurveySheet.State.SUBMITTED, division_grade=grade, done_text="実施した。"
    )
    return {s.item.number: s.pk for s in sheets.select_related("item")}


def bulk(client, period, pks, **data):
    return client.post(
        reverse("surveys:period_bulk", args=[period.pk]), {"sheets": pks, **data}
    )


def test_hq_accepts_ticked_sheets_with_the_divisions_rating(
    client, hq_officer, open_fy2018
):
    submitted = submit(open_fy2018, ["1", "2", "3"])
    draft = SurveySheet.objects.get(period=open_fy2018, item__number="4")
    client.force_login(hq_officer)
    response = bulk(
        client, open_fy2018, [*submitted.values(), draft.pk], action="accept"
    )
    assert response.status_code == 200
    rows = table_rows(response, "outcomes")
    assert [rows[key][0] for key in ("No.1", "No.2", "No.3")] == [
        "処理済みA 予定どおりに進捗で確定しました。"
    ] * 3
    assert rows["No.4"][0].startswith("未処理")
    states = dict(
        SurveySheet.objects.filter(
            period=open_fy2018, item__number__in=["1", "2", "3", "4"]
        ).values_list("item__number", "state")
    )
    assert states == {"1": "accepted", "2": "accepted", "3": "accepted", "4": "draft"}
    assert set(
        SurveySheet.objects.filter(pk__in=submitted.values()).values_list(
            "hq_grade__code", flat=True
        )
    ) == {"A"}


def test_a_grade_needing_hqs_reason_is_left_for_the_sheet(
    client, hq_officer, open_fy2018
):
    submitted = submit(open_fy2018, ["1", "2"], code="B")
    Grade.objects.filter(scale=open_fy2018.plan.rating_scale, code="B").update(
        reason_required=True
    )
    client.force_login(hq_officer)
    response = bulk(client, open_fy2018, list(submitted.values()), action="accept")
    assert "2次評価の理由が必要です" in text(response)
    assert set(
        SurveySheet.objects.filter(pk__in=submitted.values()).values_list(
            "state", flat=True
        )
    ) == {"submitted"}


def test_hq_returns_ticked_sheets_with_one_note(
    client,
    hq_officer,
    division_staff,
    other_division_staff,
    open_fy2018,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    submitted = submit(open_fy2018, ["1", "17"])
    client.force_login(hq_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(
            client,
            open_fy2018,
            list(submitted.values()),
            action="return",
            note="数値を追記してください。",
        )
    assert text(response).count("差し戻しました。") == 2
    sheets = SurveySheet.objects.filter(pk__in=submitted.values())
    assert set(sheets.values_list("state", "return_note")) == {
        ("returned", "数値を追記してください。")
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [division_staff.email, other_division_staff.email]
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "return", "note": ""}, "修正してほしい点を記入してください。"),
        ({"action": "publish"}, "正しく選択してください。"),
        ({"action": "accept", "sheets": []}, "調査票を1件以上選んでください。"),
        ({"action": "accept", "sheets": ["999999"]}, "正しく選択してください。"),
    ],
)
def test_bad_bulk_input_is_explained_and_changes_nothing(
    client, hq_officer, open_fy2018, data, message
):
    submitted = list(submit(open_fy2018, ["1"]).values())
    client.force_login(hq_officer)
    response = client.post(
        reverse("surveys:period_bulk", args=[open_fy2018.pk]),
        {"sheets": submitted, **data},
    )
    assert response.status_code == 400
    assert message in text(response)
    assert SurveySheet.objects.get(pk=submitted[0]).state == "submitted"


def test_a_sheet_of_another_period_cannot_be_ticked(client, hq_officer, open_fy2018):
    published = SurveySheet.objects.filter(period__state="published").first()
    client.force_login(hq_officer)
    response = bulk(client, open_fy2018, [published.pk], action="return", note="x")
    assert response.status_code == 400
    published.refresh_from_db()
    assert published.state == "accepted"


def test_the_next_sheet_keeps_the_queues_filter(client, hq_officer, open_fy2018):
    submitted = submit(open_fy2018, ["1", "5", "9"])
    client.force_login(hq_officer)
    queue = soup(
        client.get(
            reverse("surveys:queue", args=[open_fy2018.pk]), {"state": "submitted"}
        )
    )
    first = queue.select_one("#queue tbody th a")["href"]
    assert first == reverse("surveys:sheet", args=[submitted["1"]]) + "?state=submitted"
    page = soup(client.get(first))
    assert page.select_one("#queue-nav a[rel=next]")["href"] == (
        reverse("surveys:sheet", args=[submitted["5"]]) + "?state=submitted"
    )
    # Recording a decision goes on to the next sheet of the filtered queue.
    a = Grade.objects.get(scale=open_fy2018.plan.rating_scale, code="A")
    steps = [
        (submitted["5"], reverse("surveys:sheet", args=[submitted["9"]])),
        (submitted["9"], reverse("surveys:queue", args=[open_fy2018.pk])),
    ]
    for sheet_pk, then in steps:
        response = client.post(
            reverse("surveys:sheet_review", args=[sheet_pk]),
            {
                "decision": "accept",
                "hq_grade": a.pk,
                "hq_reason": "妥当。",
                "state": "submitted",
            },
        )
        assert response["Location"] == then + "?state=submitted"
