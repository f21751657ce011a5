import datetime
import io

import pytest
from django.core.management import CommandError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plans.models import Division
from plans.models import Membership
from surveys.models import SurveySheet
from tests.conftest import make_user
from tests.factories import make_plan
from tests.factories import open_period_for_two_weeks
from tests.html import soup
from tests.html import table_rows
from tests.html import text


def test_division_dashboard_lists_only_its_sheets_with_deadline(
    client, division_staff, open_fy2018
):
    client.force_login(division_staff)
    rows = table_rows(client.get(reverse("surveys:dashboard")), "own-sheets")
    titles = set(rows)
    assert titles == {
        "No.1 協働推進体制の充実",
        "No.3 地域コミュニティの推進",
        "No.37 地域コミュニティ施設のあり方の検討",
    }
    deadline = open_fy2018.deadline
    assert rows["No.1 協働推進体制の充実"][1:] == [
        "未着手",
        f"令和{deadline.year - 2018}年{deadline.month}月{deadline.day}日",
        "—",  # nobody has saved it yet
    ]


def test_user_without_role_is_told_to_ask_an_administrator(
    client, seed_plan, django_user_model
):
    client.force_login(django_user_model.objects.create_user("nobody"))
    response = client.get(reverse("surveys:dashboard"))
    assert response.status_code == 403
    assert (
        "管理者に所管課またはグループへの登録を依頼してください。"
        in response.content.decode()
    )


def queue_url(period) -> str:
    return reverse("surveys:queue", args=[period.pk])


def queue(client, period, **params):
    return client.get(queue_url(period), params)


def test_queue_filters_by_division_and_state(
    client, hq_officer, open_fy2018, own_sheet
):
    own_sheet.state = SurveySheet.State.SUBMITTED
    own_sheet.save()
    client.force_login(hq_officer)
    division = own_sheet.item.division_links.first().division
    rows = table_rows(queue(client, open_fy2018, division=division.pk), "queue")
    assert set(rows) == {
        "協働推進体制の充実",
        "地域コミュニティの推進",
        "地域コミュニティ施設のあり方の検討",
    }
    rows = table_rows(queue(client, open_fy2018, state="submitted"), "queue")
    assert list(rows) == ["協働推進体制の充実"]


def test_the_queue_offers_each_division_of_the_plans_items_once_by_name(
    client, hq_officer, open_fy2018
):
    plan = open_fy2018.plan
    idle = Division.objects.create(city=plan.city, name="あああ未担当課")
    of_items = {
        link.division.name
        for item in plan.items.prefetch_related("division_links__division")
        for link in item.division_links.all()
    }
    client.force_login(hq_officer)
    select = soup(queue(client, open_fy2018)).find("select", attrs={"name": "division"})
    names = [option.get_text() for option in select.find_all("option")]
    assert names == ["---------", *sorted(of_items)]
    assert idle.name not in names and len(of_items) > 10
    # The division filtered by stays chosen on the page that lists its sheets.
    chosen = Division.objects.get(city=plan.city, name=sorted(of_items)[3])
    select = soup(queue(client, open_fy2018, division=chosen.pk)).find(
        "select", attrs={"name": "division"}
    )
    assert [o.get_text() for o in select.find_all("option", selected=True)] == [
        chosen.name
    ]


def test_queue_filters_by_area(client, hq_officer, open_fy2018):
    client.force_login(hq_officer)
    area = open_fy2018.plan.areas.get(name="情報の共有と双方向のコミュニケーション")
    rows = table_rows(queue(client, open_fy2018, area=area.pk), "queue")
    assert len(rows) == 3


def test_queue_explains_a_bad_filter_and_shows_everything(
    client, hq_officer, open_fy2018
):
    client.force_login(hq_officer)
    response = queue(client, open_fy2018, state="lost", area="abc")
    assert "正しく選択してください。" in text(response)
    page = soup(response)
    assert len(page.select("#queue tbody tr")) == 50  # the first page of them
    assert page.select_one("#queue-range").get_text() == "58件中 1–50件目"


def test_queue_shows_missing_sheets_by_division(
    client, hq_officer, open_fy2018, own_sheet
):
    client.force_login(hq_officer)
    missing = soup(queue(client, open_fy2018)).find(id="missing")
    line = next(
        li
        for li in missing.find_all("li")
        if li.strong.get_text() == "市民協働・男女参画推進課"
    )
    assert "3件 : No.1 、 No.3 、 No.37" in line.get_text(" ", strip=True)
    assert line.select_one("a.remind-link")["href"] == reverse(
        "surveys:remind",
        args=[open_fy2018.pk, own_sheet.item.division_links.first().division_id],
    )
    assert "58" in soup(queue(client, open_fy2018)).find(id="state-counts").get_text()


def test_unknown_sheet_is_a_404(client, hq_officer, db):
    client.force_login(hq_officer)
    assert client.get(reverse("surveys:sheet", args=[999999])).status_code == 404


def test_reminders_list_missing_sheets_to_each_division(
    division_staff, open_fy2018, mailoutbox, capsys
):
    call_command("send_reminders", "--days", "30")
    to_kyodo = [m for m in mailoutbox if m.to == ["kyodo@example.jp"]]
    assert len(to_kyodo) == 1
    assert "未提出の調査票が3件あります" in to_kyodo[0].subject
    assert "No.1 協働推進体制の充実（作成中）" in to_kyodo[0].body.replace(
        " (", "（"
    ).replace(")", "）")


def test_reminders_wait_until_the_deadline_is_near(
    division_staff, open_fy2018, mailoutbox
):
    call_command("send_reminders", "--days", "3")
    assert mailoutbox == []


def test_reminders_dry_run_sends_nothing(
    division_staff, open_fy2018, mailoutbox, capsys
):
    call_command("send_reminders", "--days", "30", "--dry-run")
    assert mailoutbox == []
    assert "市民協働・男女参画推進課 — 3 missing (1, 3, 37)" in capsys.readouterr().out


def test_demo_needs_debug(seed_plan, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_demo_creates_a_user_per_role_and_opens_a_period(client, seed_plan, settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://192.0.2.5:8000"
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "SITE_URL (http://192.0.2.5:8000)" in out.getvalue()
    period = seed_plan.periods.get(state="open")
    assert (period.fiscal_year, period.half) == (2018, "first")
    assert period.deadline > timezone.localdate() + datetime.timedelta(days=20)
    log_in = reverse("login")
    client.post(log_in, {"username": "kyodo", "password": "demo-pass-2026"})
    assert len(table_rows(client.get(reverse("surveys:dashboard")), "own-sheets")) == 3
    client.post(log_in, {"username": "hq", "password": "demo-pass-2026"})
    assert client.get(reverse("surveys:queue", args=[period.pk])).status_code == 200


def test_the_missing_list_names_ten_sheets_a_division_and_links_to_the_rest(client, db):
    plan = make_plan(items=36)  # 窓口課 leads items 1, 4, 7, … 34: twelve sheets
    hq = make_user("hq-test", role=Membership.Role.HQ, city="テスト市")
    period = open_period_for_two_weeks(plan, fiscal_year=2024, by=hq)
    client.force_login(hq)
    line = next(
        li
        for li in soup(queue(client, period)).select("#missing li")
        if li.strong.get_text() == "窓口課"
    )
    named = [a.get_text() for a in line.find_all("a") if "/sheets/" in a["href"]]
    assert named == [f"No.{k}" for k in range(1, 29, 3)]  # the first ten
    assert "12件" in line.get_text()
    more = line.select_one("a.more-missing")
    assert more.get_text(strip=True) == "ほか 2 件"
    rows = table_rows(client.get(queue_url(period) + more["href"]), "queue")
    assert len(rows) == 12  # the division's sheets, every one on the page
