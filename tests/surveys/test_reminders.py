"""HQ reminds a division from the queue: a preview, the e-mail, and a record shown on the queue."""

from django.core.management import call_command
from django.urls import reverse

from surveys.models import Reminder
from tests.html import soup
from tests.html import text


def lead_division(period):
    return period.sheets.get(item__number="1").item.division_links.first().division


def test_hq_previews_then_sends_a_reminder_that_the_queue_records(
    client, hq_officer, division_staff, open_fy2018, mailoutbox
):
    division = lead_division(open_fy2018)
    url = reverse("surveys:remind", args=[open_fy2018.pk, division.pk])
    client.force_login(hq_officer)
    preview = soup(client.get(url)).select_one("#reminder-preview")
    assert division_staff.email in preview.get_text()
    assert "未提出の調査票が3件あります" in preview.get_text()
    assert "協働推進体制の充実" in preview.get_text()
    assert (mailoutbox, Reminder.objects.count()) == ([], 0)  # a preview sends nothing

    response = client.post(url)
    assert response["Location"] == reverse("surveys:queue", args=[open_fy2018.pk])
    (mail,) = mailoutbox
    assert mail.to == [division_staff.email]
    assert mail.subject == " ".join(preview.select("dd")[1].get_text().split())
    reminder = Reminder.objects.get()
    assert (reminder.division, reminder.sent_by, reminder.sheet_count) == (
        division,
        hq_officer,
        3,
    )
    queue = soup(client.get(response["Location"]))
    line = next(
        li
        for li in queue.select("#missing li")
        if li.strong.get_text() == division.name
    )
    assert "が督促" in line.select_one(".reminded").get_text()


def test_a_division_nobody_can_be_mailed_at_is_refused(client, hq_officer, open_fy2018):
    division = lead_division(open_fy2018)  # division_staff is not asked for: no member
    client.force_login(hq_officer)
    url = reverse("surveys:remind", args=[open_fy2018.pk, division.pk])
    assert "職員が登録されていません" in text(client.get(url))
    response = client.post(url)
    assert response.status_code == 409
    assert not Reminder.objects.exists()


def test_a_division_with_nothing_missing_is_a_404(client, hq_officer, open_fy2018):
    division = lead_division(open_fy2018)
    open_fy2018.sheets.update(state="submitted")
    client.force_login(hq_officer)
    url = reverse("surveys:remind", args=[open_fy2018.pk, division.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_daily_reminders_are_recorded_as_automatic(
    client, hq_officer, division_staff, open_fy2018, mailoutbox, capsys
):
    call_command("send_reminders", "--days", "30")
    reminder = Reminder.objects.get(division=lead_division(open_fy2018))
    assert reminder.sent_by is None and reminder.delivered
    client.force_login(hq_officer)
    queue = text(client.get(reverse("surveys:queue", args=[open_fy2018.pk])))
    assert "自動で督促" in queue


def test_the_queue_and_a_reminder_list_the_same_missing_sheets_as_the_daily_run(
    open_fy2018,
):
    """The queue's 未提出 list and a division's reminder read only what they show;
    the daily reminders read every missing sheet: they must agree."""
    from plans.models import Division
    from surveys.reminders import missing_by_division
    from surveys.reminders import missing_of
    from surveys.reminders import missing_summary

    # 各所管課 alone on item 2: chased under that name.
    only_collective = open_fy2018.sheets.get(item__number="2")
    only_collective.item.division_links.all().delete()
    only_collective.item.division_links.create(
        division=Division.objects.get(name="各所管課")
    )
    open_fy2018.sheets.filter(item__number="3").update(state="submitted")
    missing = missing_by_division(open_fy2018)
    assert any(len(sheets) > 2 for sheets in missing.values())
    assert missing_summary(open_fy2018, shown=2) == [
        (division, sheets[:2], len(sheets)) for division, sheets in missing.items()
    ]
    for division, sheets in missing.items():
        assert missing_of(open_fy2018, division) == sheets
    submitted = open_fy2018.sheets.get(item__number="3")
    for division in submitted.item.division_list:
        assert submitted not in missing_of(open_fy2018, division)


def test_collective_divisions_are_not_chased_where_an_item_names_its_own(
    client, hq_officer, open_fy2018
):
    from plans.models import Division
    from surveys.reminders import missing_by_division

    collective = set(
        Division.objects.filter(collective=True).values_list("name", flat=True)
    )
    assert "各所管課" in collective and "政策課" not in collective
    # An item that names only 各所管課 still has its sheet chased, under that name.
    only_collective = open_fy2018.sheets.get(item__number="2")
    only_collective.item.division_links.all().delete()
    only_collective.item.division_links.create(
        division=Division.objects.get(name="各所管課")
    )
    missing = missing_by_division(open_fy2018)
    assert [d.name for d in missing if d.collective] == ["各所管課"]
    assert missing[Division.objects.get(name="各所管課")] == [only_collective]
    unsubmitted = set(open_fy2018.sheets.filter(state__in=["draft", "returned"]))
    assert {s for sheets in missing.values() for s in sheets} == unsubmitted
    for division, sheets in missing.items():
        for sheet in sheets:
            named = sheet.item.division_list
            assert not division.collective or all(d.collective for d in named)
    client.force_login(hq_officer)
    queue = soup(client.get(reverse("surveys:queue", args=[open_fy2018.pk])))
    lines = {li.strong.get_text(): li for li in queue.select("#missing li")}
    assert lines.keys() == {d.name for d in missing}
    assert lines["各所管課"].select_one(".remind-link") is None
    assert lines["政策課"].select_one(".remind-link") is not None
