"""A city's administrator manages the accounts of their city in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission
from django.contrib.auth.models import User
from django.urls import reverse

from plans.models import City
from plans.models import Division
from plans.models import Membership
from tests.conftest import SECOND_CITY
from tests.conftest import make_user

ADD = reverse("admin:auth_user_add")


def kodaira_division(name: str = "財政課") -> Division:
    return Division.objects.get(city__slug="kodaira", name=name)


def memberships(*rows: tuple[City, str], initial: int = 0) -> dict:
    """The membership inline's fields: new rows of (city, role)."""
    data = {
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
    }
    for number, (city, role) in enumerate(rows):
        data[f"memberships-{number}-city"] = city.pk
        data[f"memberships-{number}-role"] = role
    return data


def new_account(**fields) -> dict:
    return {
        "username": "shinki",
        "usable_password": "true",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
        "first_name": "花子",
        "last_name": "小平",
        "email": "shinki@example.jp",
        **memberships(),
        **fields,
    }


def account_change(user: User, **fields) -> dict:
    """The change form as it stands for `user`, with no membership rows."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        **memberships(),
        **fields,
    }


def change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


@pytest.fixture
def admin_client(client, city_administrator):
    """小平市's administrator, logged in."""
    client.force_login(city_administrator)
    return client


def test_adds_an_account_with_a_division_of_the_city(admin_client):
    response = admin_client.post(ADD, new_account(divisions=[kodaira_division().pk]))
    assert response.status_code == 302
    account = User.objects.get(username="shinki")
    assert account.check_password("a-long-passphrase-42")
    assert (account.last_name, account.email) == ("小平", "shinki@example.jp")
    assert list(account.divisions.all()) == [kodaira_division()]
    assert not (account.is_staff or account.is_superuser)


def test_adds_an_account_with_a_role_in_the_city(admin_client):
    kodaira = City.objects.get(slug="kodaira")
    data = new_account(**memberships((kodaira, Membership.Role.HQ)))
    assert admin_client.post(ADD, data).status_code == 302
    account = User.objects.get(username="shinki")
    assert list(account.memberships.values_list("city", "role")) == [
        (kodaira.pk, Membership.Role.HQ)
    ]


def test_a_new_account_must_belong_to_the_city(admin_client):
    response = admin_client.post(ADD, new_account())
    assert response.status_code == 200
    assert "役割か所管課を指定してください" in response.content.decode()
    assert not User.objects.filter(username="shinki").exists()


def test_a_new_account_gets_no_role_in_another_city(admin_client, second_city_plan):
    other = City.objects.get(name=SECOND_CITY)
    data = new_account(**memberships((other, Membership.Role.HQ)))
    assert admin_client.post(ADD, data).status_code == 200
    assert not User.objects.filter(username="shinki").exists()


def test_a_new_account_gets_no_division_of_another_city(admin_client, second_city_plan):
    theirs = Division.objects.get(city__name=SECOND_CITY, name="財政課")
    response = admin_client.post(ADD, new_account(divisions=[theirs.pk]))
    assert response.status_code == 200
    assert not User.objects.filter(username="shinki").exists()


def test_lists_only_the_accounts_of_the_city(
    admin_client, division_staff, hq_officer, administrator, second_city_division_staff
):
    make_user("nobody")
    response = admin_client.get(reverse("admin:auth_user_changelist"))
    shown = {user.username for user in response.context["cl"].queryset}
    assert shown == {"kyodo", "hq", "kodaira-admin"}


def test_another_citys_account_cannot_be_opened(
    admin_client, second_city_division_staff
):
    response = admin_client.get(change_url(second_city_division_staff))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    password = reverse("admin:auth_user_password_change", args=[second_city_division_staff.pk])  # fmt: skip
    assert admin_client.get(password).status_code == 404


def test_changes_an_account_of_the_city(admin_client, division_staff):
    divisions = [kodaira_division().pk]
    data = account_change(division_staff, first_name="一郎", divisions=divisions)
    assert admin_client.post(change_url(division_staff), data).status_code == 302
    division_staff.refresh_from_db()
    assert division_staff.first_name == "一郎"
    assert list(division_staff.divisions.all()) == [kodaira_division()]


def test_grants_no_superuser_status_groups_or_permissions(admin_client, division_staff):
    data = account_change(
        division_staff,
        is_superuser="on",
        groups=[Group.objects.create(name="全権").pk],
        user_permissions=[Permission.objects.get(codename="change_user").pk],
    )
    assert admin_client.post(change_url(division_staff), data).status_code == 302
    division_staff.refresh_from_db()
    assert not division_staff.is_superuser
    assert not division_staff.groups.exists()
    assert not division_staff.user_permissions.exists()


def test_keeps_the_divisions_of_other_cities(admin_client, second_city_plan):
    both = make_user("both", divisions=["財政課"])
    theirs = Division.objects.get(city__name=SECOND_CITY, name="財政課")
    both.divisions.add(theirs)
    data = account_change(both, divisions=[kodaira_division("政策課").pk])
    assert admin_client.post(change_url(both), data).status_code == 302
    assert set(both.divisions.all()) == {kodaira_division("政策課"), theirs}


def test_makes_an_administrator_of_the_city(admin_client, division_staff):
    kodaira = City.objects.get(slug="kodaira")
    data = account_change(
        division_staff,
        is_staff="on",
        divisions=[kodaira_division("市民協働・男女参画推進課").pk],
        **memberships((kodaira, Membership.Role.ADMIN)),
    )
    assert admin_client.post(change_url(division_staff), data).status_code == 302
    division_staff.refresh_from_db()
    assert division_staff.is_staff
    assert division_staff.memberships.get().role == Membership.Role.ADMIN


def test_gives_no_staff_status_to_another_citys_administrator(
    admin_client, second_city_plan
):
    both = make_user("both", divisions=["財政課"])
    both.memberships.create(
        city=City.objects.get(name=SECOND_CITY), role=Membership.Role.ADMIN
    )
    data = account_change(both, is_staff="on", divisions=[kodaira_division().pk])
    response = admin_client.post(change_url(both), data)
    assert response.status_code == 200
    assert "サイトの管理者だけが" in response.content.decode()
    both.refresh_from_db()
    assert not both.is_staff


def test_gives_no_role_in_another_city(admin_client, division_staff, second_city_plan):
    other = City.objects.get(name=SECOND_CITY)
    data = account_change(
        division_staff,
        divisions=[kodaira_division("市民協働・男女参画推進課").pk],
        **memberships((other, Membership.Role.HQ)),
    )
    assert admin_client.post(change_url(division_staff), data).status_code == 200
    assert not division_staff.memberships.exists()


def test_deletes_no_account(admin_client, division_staff):
    url = reverse("admin:auth_user_delete", args=[division_staff.pk])
    assert admin_client.get(url).status_code == 403
    assert User.objects.filter(pk=division_staff.pk).exists()


def test_the_superuser_keeps_the_full_user_admin(client, administrator, hq_officer):
    client.force_login(administrator)
    form = client.get(change_url(hq_officer)).context["adminform"].form
    assert {"is_superuser", "groups", "user_permissions"} <= set(form.fields)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert "admin" in {user.username for user in response.context["cl"].queryset}


def test_the_account_forms_offer_only_the_citys_own_divisions(
    admin_client, division_staff, second_city_plan
):
    """Not another city's, and not 各所管課 or 全課, which nobody belongs to."""
    kodaira = Division.objects.filter(city__slug="kodaira")
    assert {d.name for d in kodaira.filter(collective=True)} == {"各所管課", "全課"}
    for url in [ADD, change_url(division_staff)]:
        form = admin_client.get(url).context["adminform"].form
        offered = form.fields["divisions"].queryset
        assert set(offered) == set(kodaira.filter(collective=False))
        assert "is_superuser" not in form.fields


def test_sets_no_password_of_an_account_of_another_city_too(
    admin_client, division_staff, second_city_plan
):
    both = make_user("both", divisions=["財政課"])
    both.divisions.add(Division.objects.get(city__name=SECOND_CITY, name="財政課"))
    password_url = reverse("admin:auth_user_password_change", args=[both.pk])
    data = {"password1": "another-passphrase-42", "password2": "another-passphrase-42"}

    assert admin_client.post(password_url, data).status_code == 403
    both.refresh_from_db()
    assert both.check_password("pw")
    own_url = reverse("admin:auth_user_password_change", args=[division_staff.pk])
    assert admin_client.post(own_url, data).status_code == 302
    division_staff.refresh_from_db()
    assert division_staff.check_password("another-passphrase-42")
