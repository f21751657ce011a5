"""HQ fills a sheet on a division's behalf (代理入力), in the form or from the workbook."""

from django.urls import reverse

from surveys.models import PROXY_ENTRY
from tests.html import soup
from tests.surveys.test_sheet_files import as_upload
from tests.surveys.test_sheet_files import confirm
from tests.surveys.test_sheet_files import download
from tests.surveys.test_sheet_files import fill
from tests.surveys.test_sheet_files import upload
from tests.surveys.test_sheet_workflow import edit


def last_change(sheet) -> tuple:
    """Who saved the sheet last, and the reason its history gives."""
    latest = sheet.history.latest()
    return latest.history_user, latest.history_change_reason


def history_badges(client, sheet) -> list[str]:
    page = soup(client.get(sheet.get_absolute_url()))
    return [b.get_text() for b in page.select("#history .badge--proxy")]


def test_hq_fills_a_sheet_for_its_division_and_the_history_says_so(
    client, hq_officer, division_staff, own_sheet
):
    client.force_login(hq_officer)
    form = soup(client.get(reverse("surveys:sheet_edit", args=[own_sheet.pk])))
    assert (
        "所管課に代わって記入しています" in form.select_one("#proxy-notice").get_text()
    )
    assert (
        edit(client, own_sheet, done_text="本部が聞き取って記入した。").status_code
        == 302
    )
    own_sheet.refresh_from_db()
    assert own_sheet.done_text == "本部が聞き取って記入した。"
    assert last_change(own_sheet) == (hq_officer, PROXY_ENTRY)
    assert history_badges(client, own_sheet) == ["代理入力（行革本部）"]

    # The division's own save afterwards is not marked.
    client.force_login(division_staff)
    assert edit(client, own_sheet, done_text="所管課が修正した。").status_code == 302
    own_sheet.refresh_from_db()
    assert own_sheet.history.latest().history_change_reason is None
    assert history_badges(client, own_sheet) == ["代理入力（行革本部）"]


def test_hq_uploads_the_workbook_it_downloaded(
    client, hq_officer, open_fy2018, own_sheet
):
    workbook = download(client, hq_officer, open_fy2018)
    fill(workbook, "No.1", "done_text", "本部が代理で取り込んだ。")
    preview = upload(client, open_fy2018, as_upload(workbook))
    assert preview.status_code == 200
    response = confirm(client, open_fy2018, preview)
    assert response.status_code == 302
    own_sheet.refresh_from_db()
    assert own_sheet.done_text == "本部が代理で取り込んだ。"
    assert last_change(own_sheet) == (hq_officer, PROXY_ENTRY)
