"""What the app tells people: mail when a period opens, when a sheet is returned, a
digest of new submissions for HQ, and each person's notices in the app."""

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Division
from surveys.models import Notice
from tests.conftest import make_user
from tests.factories import open_period_for_two_weeks
from tests.html import soup
from tests.html import text


def open_fy2018_telling(seed_plan, hq_officer, capture):
    with capture(execute=True):
        return open_period_for_two_weeks(
            seed_plan, by=hq_officer, site_url="https://reform.city.example.jp"
        )


def test_opening_a_period_tells_every_division_its_number_of_sheets(
    seed_plan,
    hq_officer,
    division_staff,
    other_division_staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    app_only = make_user("kaikei", divisions=["会計課"], email="")
    everyone = make_user("zenka", divisions=["財政課"])
    Division.objects.get(name="全課").members.add(everyone)  # nobody belongs there
    period = open_fy2018_telling(
        seed_plan, hq_officer, django_capture_on_commit_callbacks
    )
    mails = {tuple(mail.to): mail for mail in mailoutbox}
    assert set(mails) == {
        ("kyodo@example.jp",),
        ("zaisei@example.jp", "zenka@example.jp"),
    }
    for user, name in [
        (division_staff, "市民協働・男女参画推進課"),
        (other_division_staff, "財政課"),
    ]:
        count = period.sheets.filter(item__division_links__division__name=name).count()
        mail = mails[
            tuple(sorted([user.email, *(["zenka@example.jp"] * (name == "財政課"))]))
        ]
        assert f"調査票{count}件" in mail.subject
        assert f"{name} 各位" in mail.body
        assert "https://reform.city.example.jp/surveys/" in mail.body
    # Each person has the notice in the app, with or without an e-mail address;
    # the one who is also in 全課 is told once, as 財政課.
    assert Notice.objects.filter(kind="opened").count() == 4
    assert app_only.notices.get().subject.startswith("【ReformTracker】")
    assert everyone.notices.count() == 1
    assert not hq_officer.notices.exists()


def test_a_person_reads_their_own_notices_and_the_header_counts_the_unread(
    client,
    seed_plan,
    hq_officer,
    division_staff,
    other_division_staff,
    second_city_division_staff,
    django_capture_on_commit_callbacks,
):
    open_fy2018_telling(seed_plan, hq_officer, django_capture_on_commit_callbacks)
    client.force_login(division_staff)
    dashboard = soup(client.get(reverse("surveys:dashboard")))
    assert dashboard.select_one("#notices-link .badge").get_text() == "1"
    page = soup(client.get(reverse("surveys:notices")))
    (item,) = page.select("#notices li")
    assert "市民協働・男女参画推進課 各位" in item.get_text()
    assert "notice-list__item--unread" in item["class"]
    assert item.select_one("a")["href"] == reverse("surveys:dashboard")
    again = soup(client.get(reverse("surveys:notices")))
    assert again.select_one("#notices-link .badge") is None  # read now
    assert "notice-list__item--unread" not in again.select_one("#notices li")["class"]
    assert not other_division_staff.notices.filter(read_at__isnull=False).exists()

    client.force_login(second_city_division_staff)  # another city's staff sees none
    assert "お知らせはまだありません" in text(client.get(reverse("surveys:notices")))


def test_a_returned_sheet_is_a_notice_too(
    client,
    hq_officer,
    division_staff,
    own_sheet,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    app_only = make_user("kyodo2", divisions=["市民協働・男女参画推進課"], email="")
    own_sheet.__class__.objects.filter(pk=own_sheet.pk).update(state="submitted")
    own_sheet.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        own_sheet.return_to_division(by=hq_officer, note="指標の実績を入れてください。")
    (mail,) = mailoutbox
    assert mail.to == [division_staff.email]
    for user in (division_staff, app_only):
        notice = user.notices.get(kind="returned")
        assert "指標の実績を入れてください。" in notice.body
        assert notice.url == own_sheet.get_absolute_url()


def test_hq_gets_a_digest_of_what_was_submitted_since_the_last(
    open_fy2018, hq_officer, division_staff, mailoutbox
):
    sheets = list(open_fy2018.sheets.order_by("item__order"))

    def submit(*chosen):
        for sheet in chosen:
            sheet.state, sheet.submitted_at = "submitted", timezone.now()
            sheet.save()

    call_command("send_submission_digest", stdout=open("/dev/null", "w"))
    assert mailoutbox == []  # nothing submitted, nothing sent
    submit(sheets[0], sheets[1])
    call_command("send_submission_digest", stdout=open("/dev/null", "w"))
    (first,) = mailoutbox
    assert first.to == [hq_officer.email]
    assert "新しく提出された調査票が2件" in first.subject
    assert sheets[0].item.title in first.body and sheets[1].item.title in first.body
    call_command("send_submission_digest", stdout=open("/dev/null", "w"))
    assert len(mailoutbox) == 1  # nothing new
    submit(sheets[2])
    call_command("send_submission_digest", stdout=open("/dev/null", "w"))
    second = mailoutbox[1]
    assert "1件" in second.subject and sheets[2].item.title in second.body
    assert sheets[0].item.title not in second.body
    assert hq_officer.notices.filter(kind="submissions").count() == 2
    assert not division_staff.notices.filter(kind="submissions").exists()


def test_the_notices_page_queries_stay_fixed_as_notices_grow(
    client, open_fy2018, division_staff
):
    def notices_page_queries(count):
        Notice.objects.all().delete()
        Notice.objects.bulk_create(
            Notice(
                recipient=division_staff,
                kind="reminder",
                period=open_fy2018,
                subject=f"督促{n}",
                body="本文",
                url="/surveys/",
            )
            for n in range(count)
        )
        client.force_login(division_staff)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("surveys:notices")).status_code == 200
        return len(queries)

    assert notices_page_queries(1) == notices_page_queries(10)
