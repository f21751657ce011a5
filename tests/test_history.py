"""Every change made through the app or the admin is kept, with who made it."""

import datetime

from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission
from django.contrib.auth.models import User
from django.urls import reverse

from plans.models import Division
from plans.models import IndicatorValue
from plans.models import Item
from surveys.models import SurveySheet
from surveys.workflow import open_period
from tests.conftest import make_user
from tests.conftest import rename_division_in_admin
from tests.html import soup
from tests.plans.test_workbook import as_upload  # noqa: F401
from tests.plans.test_workbook import edited  # noqa: F401
from tests.plans.test_workbook import row_of  # noqa: F401
from tests.plans.test_workbook import seed_export  # noqa: F401


def test_admin_edit_is_kept_with_its_author(client, administrator, seed_plan):
    division = Division.objects.get(name="財政課")
    client.force_login(administrator)
    response = rename_division_in_admin(client, division, "財政企画課")
    assert response.status_code == 302
    latest, before = division.history.all()[:2]
    assert (latest.name, latest.history_type, latest.history_user) == (
        "財政企画課",
        "~",
        administrator,
    )
    assert before.name == "財政課"
    page = client.get(reverse("admin:plans_division_history", args=[division.pk]))
    assert "admin" in soup(page).select_one("#change-history").get_text()


def test_group_change_of_a_user_is_kept(client, administrator, seed_plan):
    user = make_user("newcomer")
    client.force_login(administrator)
    hq = Group.objects.create(name="広報担当")
    response = client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": "newcomer",
            "first_name": "",
            "last_name": "",
            "email": "newcomer@example.jp",
            "is_active": "on",
            "groups": [hq.pk],
            "date_joined_0": "2026-04-01",
            "date_joined_1": "09:00:00",
            # The user's memberships, an inline of none.
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content
    record = user.history.first()
    assert record.history_user == administrator
    assert [m.group for m in record.groups.all()] == [hq]
    assert not hasattr(record, "password")


def test_plan_import_is_kept_with_the_administrator(
    client,
    administrator,
    seed_plan,
    seed_export,  # noqa: F811
):
    def change(book):
        items = book["取組項目"]
        items.cell(row_of(items, "1"), 4).value = "協働推進体制の充実と強化"

    client.force_login(administrator)
    url = reverse("admin:plans_plan_import")
    response = client.post(url, {"file": as_upload(edited(seed_export, change))})
    token = soup(response).select_one("input[name=token]")["value"]
    assert client.post(url, {"token": token}).status_code == 302
    item = Item.objects.get(plan=seed_plan, number="1")
    latest, before = item.history.all()[:2]
    assert latest.title == "協働推進体制の充実と強化"
    assert latest.history_user == administrator
    assert before.title == "協働推進体制の充実"


def test_opening_a_period_is_kept_with_the_officer(hq_officer, seed_plan):
    period = open_period(
        plan=seed_plan,
        fiscal_year=2018,
        half="first",
        deadline=datetime.date(2018, 10, 31),
        by=hq_officer,
    )
    values = IndicatorValue.history.filter(period_id=period.pk)
    assert values.count() == IndicatorValue.objects.filter(period=period).count() > 0
    assert set(values.values_list("history_user", flat=True)) == {hq_officer.pk}
    sheets = SurveySheet.history.filter(period_id=period.pk)
    assert set(sheets.values_list("history_user", flat=True)) == {hq_officer.pk}


def test_passwords_are_not_kept_in_history(db):
    User.objects.create_user("someone", password="secret-pass-1")
    record = User.objects.get(username="someone").history.first()
    assert "password" not in {f.name for f in record._meta.fields}


def test_membership_changes_are_kept_from_either_side(seed_plan):
    division = Division.objects.get(name="財政課")
    user = make_user("newcomer")
    user.divisions.add(division)  # from the user's side
    members = [m.user for m in division.history.first().members.all()]
    assert user in members
    division.members.remove(user)  # from the division's side
    assert user not in [m.user for m in division.history.first().members.all()]
    user.divisions.add(division)
    user.divisions.clear()
    assert user not in [m.user for m in division.history.first().members.all()]
    assert division.history.count() == 1 + 4  # created by the seed, then 4 changes


def test_a_change_to_what_a_group_may_do_is_kept(client, administrator, seed_plan):
    group = Group.objects.create(name="閲覧者")
    group.permissions.add(Permission.objects.get(codename="view_plan"))
    before = set(group.permissions.values_list("pk", flat=True))
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "閲覧者", "permissions": []},
    )
    assert response.status_code == 302
    record = group.history.first()
    assert record.history_user == administrator
    assert list(record.permissions.all()) == []
    assert before  # the group had permissions, and the earlier record keeps them
    earlier = group.history.all()[1]
    assert {p.permission_id for p in earlier.permissions.all()} == before
