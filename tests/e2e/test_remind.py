"""HQ reminds a division from the queue in a real browser: a preview, the e-mail to
exactly that division, and the reminder shown on the queue."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from surveys.models import Reminder

pytestmark = pytest.mark.django_db(transaction=True)


def test_hq_reminds_a_division_with_missing_sheets(
    page_as, live_server, hq_officer, division_staff, other_division_staff, open_fy2018
):
    # 財政課 has submitted everything it leads or shares: nothing to remind it of.
    open_fy2018.sheets.filter(item__division_links__division__name="財政課").update(
        state="submitted"
    )
    mail.outbox.clear()
    page = page_as(hq_officer)
    page.goto(f"{live_server.url}/surveys/periods/{open_fy2018.pk}/")
    missing = page.locator("#missing li")
    expect(missing.filter(has_text="財政課")).to_have_count(0)
    line = missing.filter(
        has=page.locator("strong", has_text="市民協働・男女参画推進課")
    )
    line.get_by_role("link", name="督促する").click()
    expect(page.locator("#reminder-preview")).to_contain_text(division_staff.email)
    assert mail.outbox == []
    page.get_by_role("button", name="督促メールを送る").click()
    line = page.locator("#missing li").filter(
        has=page.locator("strong", has_text="市民協働・男女参画推進課")
    )
    expect(line.locator(".reminded")).to_contain_text("督促")
    assert [m.to for m in mail.outbox] == [[division_staff.email]]
    reminder = Reminder.objects.get()
    assert (reminder.division.name, reminder.sent_by) == (
        "市民協働・男女参画推進課",
        hq_officer,
    )
    assert division_staff.notices.filter(kind="reminder").count() == 1
    page.context.close()
