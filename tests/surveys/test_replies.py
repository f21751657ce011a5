"""A returned sheet's conversation, and what HQ sees changed when it comes back."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from surveys.history import since_return
from surveys.models import Refused
from surveys.models import Reply
from surveys.models import SurveySheet
from tests.html import soup
from tests.html import text
from tests.surveys.test_sheet_workflow import edit
from tests.surveys.test_sheet_workflow import review


@pytest.fixture
def returned(client, division_staff, hq_officer, own_sheet):
    """Item 1's sheet, submitted with a short D, returned by HQ with a note."""
    client.force_login(division_staff)
    edit(client, own_sheet, action="submit", done_text="研修を実施した。")
    client.force_login(hq_officer)
    review(
        client, own_sheet, decision="return", note="回数と参加者数を書いてください。"
    )
    own_sheet.refresh_from_db()
    assert own_sheet.state == SurveySheet.State.RETURNED
    client.logout()
    return own_sheet


def reply(client, sheet, message: str):
    return client.post(
        reverse("surveys:sheet_reply", args=[sheet.pk]), {"text": message}
    )


def conversation(page) -> list[str]:
    return [
        li.select_one(".prose").get_text(strip=True)
        for li in soup(page).select("#conversation li")
    ]


def test_a_division_replies_to_a_return_and_hq_sees_what_changed(
    client, returned, division_staff, hq_officer
):
    client.force_login(division_staff)
    response = reply(client, returned, "参加者数を追記しました。")
    assert response.status_code == 302
    page = client.get(returned.get_absolute_url())
    assert conversation(page) == [
        "回数と参加者数を書いてください。",
        "参加者数を追記しました。",
    ]
    edit(
        client,
        SurveySheet.objects.get(pk=returned.pk),
        action="submit",
        done_text="研修を2回実施し、80人が参加した。",
    )

    client.force_login(hq_officer)
    page = soup(client.get(returned.get_absolute_url()))
    changed = page.select_one("#since-return")
    assert changed is not None
    done = next(
        div.dd
        for div in changed.select("dl > div")
        if div.dt.get_text() == "取組実績（D）"
    )
    assert [ins.get_text() for ins in done.select("ins")] == ["2回", "、80人が参加し"]
    assert done.get_text() == "研修を2回実施し、80人が参加した。"
    # HQ answers too; the division sees both sides in order.
    response = reply(client, returned, "確認しました。")
    assert response.status_code == 302
    assert list(
        Reply.objects.filter(sheet=returned).values_list("by_hq", flat=True)
    ) == [False, True]


def test_only_what_changed_is_listed(client, returned, division_staff):
    client.force_login(division_staff)
    edit(client, returned, action="submit", done_text="研修を実施した。")
    returned.refresh_from_db()
    assert since_return(returned) == []
    edit_url = reverse("surveys:sheet_edit", args=[returned.pk])
    assert client.get(edit_url).status_code == 409  # submitted again, not fillable


def test_a_reply_before_any_return_is_refused_and_nothing_is_written(
    client, own_sheet, division_staff
):
    client.force_login(division_staff)
    response = reply(client, own_sheet, "返信")
    assert response.status_code == 409
    assert not Reply.objects.exists()
    with pytest.raises(Refused):
        own_sheet.reply(by=division_staff, text="返信")


def test_an_empty_reply_is_refused_with_a_message(client, returned, division_staff):
    client.force_login(division_staff)
    response = reply(client, returned, "  ")
    assert response.status_code == 400
    assert "このフィールドは必須です。" in text(response)
    assert not Reply.objects.exists()


def test_another_division_cannot_reply(returned, other_division_staff):
    with pytest.raises(PermissionDenied):
        returned.reply(by=other_division_staff, text="返信")
    assert not Reply.objects.exists()
