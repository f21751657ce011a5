"""Items shared by divisions: the lead division (主担当) fills and submits the sheet,
the others write their part for it, and the lead may withdraw a submission before
HQ decides."""

import pytest
from django.urls import reverse

from plans.models import Division
from surveys.models import Contribution
from tests.conftest import make_user
from tests.html import soup
from tests.html import text
from tests.surveys.test_sheet_workflow import edit


@pytest.fixture
def seisaku_staff(seed_plan):
    """Staff of 政策課, which leads item 3 and shares item 1 with 市民協働."""
    return make_user("seisaku", divisions=["政策課"])


def test_a_sharing_division_writes_its_part_and_the_lead_sees_it(
    client, division_staff, seisaku_staff, own_sheet
):
    client.force_login(seisaku_staff)
    assert (
        client.get(reverse("surveys:sheet_edit", args=[own_sheet.pk])).status_code
        == 403
    )
    assert edit(client, own_sheet).status_code == 403
    page = soup(client.get(own_sheet.get_absolute_url()))
    assert "市民協働・男女参画推進課" in page.select_one("#contribute h2").get_text()
    url = reverse("surveys:sheet_contribute", args=[own_sheet.pk])
    assert client.post(url, {"text": ""}).status_code == 400
    assert not Contribution.objects.exists()
    assert (
        client.post(url, {"text": "政策課として連携会議を2回開催した。"}).status_code
        == 302
    )
    assert (
        client.post(url, {"text": "政策課として連携会議を3回開催した。"}).status_code
        == 302
    )
    (contribution,) = Contribution.objects.all()
    assert (contribution.division.name, contribution.author) == (
        "政策課",
        seisaku_staff,
    )
    own_sheet.refresh_from_db()
    assert own_sheet.version == 1  # the sheet itself is the lead's

    client.force_login(division_staff)
    form = soup(client.get(reverse("surveys:sheet_edit", args=[own_sheet.pk])))
    part = form.select_one("#contributions").get_text()
    assert "政策課" in part and "連携会議を3回開催した" in part
    assert form.select_one("#contribute") is None  # the lead fills the sheet itself

    assert edit(client, own_sheet, action="submit").status_code == 302
    client.force_login(seisaku_staff)
    assert client.post(url, {"text": "追記"}).status_code == 403  # submitted: too late
    assert Contribution.objects.get().text == "政策課として連携会議を3回開催した。"


def test_the_lead_withdraws_a_submission_until_hq_decides(
    client, division_staff, seisaku_staff, hq_officer, own_sheet
):
    client.force_login(division_staff)
    edit(client, own_sheet, action="submit")
    page = soup(client.get(own_sheet.get_absolute_url()))
    assert page.select_one("#withdraw-form") is not None
    withdraw = reverse("surveys:sheet_withdraw", args=[own_sheet.pk])

    client.force_login(seisaku_staff)  # shares the item, does not lead it
    assert client.post(withdraw).status_code == 403
    client.force_login(division_staff)
    response = client.post(withdraw)
    assert response["Location"] == reverse("surveys:sheet_edit", args=[own_sheet.pk])
    own_sheet.refresh_from_db()
    assert own_sheet.state == "draft"
    assert own_sheet.history.latest().history_change_reason == "withdrawn"

    own_sheet.refresh_from_db()
    edit(client, own_sheet, action="submit")
    own_sheet.refresh_from_db()
    own_sheet.accept(by=hq_officer, grade=own_sheet.division_grade, reason="妥当")
    assert (
        soup(client.get(own_sheet.get_absolute_url())).select_one("#withdraw-form")
        is None
    )
    response = client.post(withdraw)
    assert response.status_code == 409
    assert "取り下げ" in text(response)
    own_sheet.refresh_from_db()
    assert own_sheet.state == "accepted"


def test_the_lead_is_the_first_division_that_is_not_collective(own_sheet):
    links = own_sheet.item.division_links
    collective = Division.objects.get(name="各所管課")
    links.filter(division=collective).update(order=0)
    own_sheet.item.refresh_from_db()
    sheet = type(own_sheet).objects.get(pk=own_sheet.pk)
    assert sheet.item.division_list[0] == collective
    assert sheet.lead_division.name == "市民協働・男女参画推進課"


def test_a_period_with_a_divisions_part_written_cannot_be_cancelled(
    client, seisaku_staff, hq_officer, own_sheet
):
    own_sheet.contribute(by=seisaku_staff, text="政策課の記載")
    client.force_login(hq_officer)
    response = client.post(reverse("surveys:period_cancel", args=[own_sheet.period_id]))
    assert response.status_code == 409
    assert Contribution.objects.get().text == "政策課の記載"
    assert own_sheet.period.sheets.count() == 58
