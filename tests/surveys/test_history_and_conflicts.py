"""Nothing lost: every change is kept with who and when; a stale save is refused."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from plans.models import IndicatorValue
from surveys.models import Conflict
from surveys.models import SurveySheet
from tests.conftest import make_user
from tests.html import soup
from tests.html import text


def fill(sheet, user, version, **fields):
    sheet.fill(by=user, version=version, fields=fields, actuals={})


@pytest.fixture
def colleague(division_staff):
    """A second member of the same division."""
    return make_user(
        "kyodo2", divisions=["市民協働・男女参画推進課"], last_name="協働 二郎"
    )


def test_history_after_three_edits(
    client, division_staff, colleague, hq_officer, own_sheet
):
    fill(own_sheet, division_staff, 1, done_text="第1版")
    fill(own_sheet, colleague, 2, next_text="来年度の課題")
    value = IndicatorValue.objects.filter(
        period=own_sheet.period, indicator__item=own_sheet.item
    ).first()
    own_sheet.fill(
        by=division_staff,
        version=3,
        fields={"done_text": "第3版"},
        actuals={value.pk: "9,900人"},
        submit=True,
    )
    client.force_login(hq_officer)
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in soup(client.get(own_sheet.get_absolute_url())).select(
            "#history tbody tr"
        )
    ]
    assert [row[1:] for row in rows] == [
        ["kyodo", "①市民活動支援センター来場者数増の実績値: — → 9,900人"],
        ["kyodo", "提出済み 取組実績（D）"],
        ["協働 二郎", "課題と今後の取組（A）"],
        ["kyodo", "取組実績（D）"],
        ["hq", "作成中 調査票を作成"],
    ]
    assert own_sheet.history.count() == 4


def test_a_stale_save_is_refused_and_keeps_both_texts(
    client, division_staff, colleague, own_sheet
):
    client.force_login(division_staff)
    form_version = own_sheet.version  # division_staff opens the form
    fill(own_sheet, colleague, form_version, done_text="同僚が先に保存した実績")
    response = client.post(
        reverse("surveys:sheet_edit", args=[own_sheet.pk]),
        {"version": form_version, "done_text": "自分が書いた実績", "action": "save"},
    )
    assert response.status_code == 409
    page = soup(response)
    assert "協働 二郎さんが先に保存したため" in text(response)
    assert "同僚が先に保存した実績" in page.find(id="conflict").get_text()
    assert (
        page.find("textarea", attrs={"name": "done_text"}).get_text().strip()
        == "自分が書いた実績"
    )
    own_sheet.refresh_from_db()
    assert own_sheet.done_text == "同僚が先に保存した実績"
    # Saving again from the conflict page, after reading it, goes through.
    version = page.find("input", attrs={"name": "version"})["value"]
    response = client.post(
        reverse("surveys:sheet_edit", args=[own_sheet.pk]),
        {"version": version, "done_text": "両方をまとめた実績", "action": "save"},
    )
    assert response.status_code == 302
    own_sheet.refresh_from_db()
    assert own_sheet.done_text == "両方をまとめた実績"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_one_wins_one_conflicts(
    division_staff, colleague, own_sheet
):
    """On PostgreSQL, two threads save version v at the same moment, 20 times over."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    for round_ in range(20):
        own_sheet.refresh_from_db()
        version = own_sheet.version
        barrier = threading.Barrier(2)
        outcomes = {}

        def save(user, text):
            barrier.wait()
            sheet = SurveySheet.objects.select_related("period").get(pk=own_sheet.pk)
            try:
                fill(sheet, user, version, done_text=text)
                outcomes[text] = "saved"
            except Conflict:
                outcomes[text] = "conflict"
            finally:
                connection.close()

        threads = [
            threading.Thread(target=save, args=(user, f"{user.username}-{round_}"))
            for user in (division_staff, colleague)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) == ["conflict", "saved"], outcomes
        own_sheet.refresh_from_db()
        winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
        assert (own_sheet.done_text, own_sheet.version) == (winner, version + 1)
    assert own_sheet.history.count() == 1 + 20
