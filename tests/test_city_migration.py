"""The cities' migrations carry a database written before cities over.

Plans 0010-0017 and surveys 0005-0007 are run on data made with the models
as they were at plans 0009 / surveys 0004: plans naming their city in a
string, global divisions and scales, roles held through two groups.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans.models import City
from plans.models import Division
from plans.models import Indicator
from plans.models import Item
from plans.models import Membership
from plans.models import Plan
from plans.models import RatingScale
from plans.models import ScheduleRow
from surveys.seed import load_seed
from tests.conftest import create_reference_data

BEFORE_CITIES = [
    ("plans", "0009_history_of_groups"),
    ("surveys", "0004_schedule_status"),
]
OTHER_CITY = "東大和市"


def make_old_plan(apps, *, city: str, scale_code: str, division: str) -> None:
    """A plan of `city` with its own scale (two grades) and one item of `division`."""
    RatingScale = apps.get_model("plans", "RatingScale")
    scale = RatingScale.objects.create(code=scale_code, name=f"{scale_code} scale")
    for order, code in enumerate(["A", "B"], start=1):
        scale.grades.create(code=code, label=code, order=order)
    plan = apps.get_model("plans", "Plan").objects.create(
        city=city,
        name="行財政改革プラン",
        first_fiscal_year=2024,
        last_fiscal_year=2027,
        rating_scale=scale,
    )
    area = plan.areas.create(name="行政サービスの向上", order=1)
    division = apps.get_model("plans", "Division").objects.create(name=division)
    for number in ["1", "2"]:
        item = plan.items.create(area=area, number=number, title=f"取組{number}")
        apps.get_model("plans", "ItemDivision").objects.create(
            item=item, division=division
        )
        for order in [1, 2]:
            item.indicators.create(name=f"指標{order}", order=order)
            item.schedule_rows.create(activity=f"実施{order}", order=order)


def make_old_role(apps, *, username: str, group: str) -> None:
    user = apps.get_model("auth", "User").objects.create(username=username)
    apps.get_model("auth", "Group").objects.get_or_create(name=group)[0].user_set.add(
        user
    )


@pytest.fixture(scope="module")
def migrated(django_db_setup, django_db_blocker):
    """Two cities' plans and two role holders, old style, then every migration.

    Migrated once for the module and committed, since the tests only read; the
    database is then emptied and the session's seed loaded again, as the other
    tests expect to find it.
    """
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE_CITIES)
        apps = executor.loader.project_state(BEFORE_CITIES).apps
        try:
            make_old_plan(apps, city="小平市", scale_code="sab", division="財政課")
            make_old_plan(apps, city=OTHER_CITY, scale_code="east", division="市民課")
            apps.get_model("plans", "Division").objects.create(name="未使用課")
            make_old_role(apps, username="hq", group="行革本部")
            make_old_role(apps, username="committee", group="推進委員会")
        finally:
            executor = MigrationExecutor(connection)
            executor.migrate(executor.loader.graph.leaf_nodes())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        create_reference_data()
        load_seed()


@pytest.mark.django_db
def test_each_city_name_becomes_a_city_owning_its_plans(migrated):
    assert City.objects.get(name="小平市").slug == "kodaira"
    scales = dict(Plan.objects.values_list("city__name", "rating_scale__code"))
    assert scales == {"小平市": "sab", OTHER_CITY: "east"}


@pytest.mark.django_db
def test_divisions_and_scales_belong_to_the_city_using_them(migrated):
    cities = dict(Division.objects.values_list("name", "city__name"))
    assert cities == {"財政課": "小平市", "市民課": OTHER_CITY, "未使用課": "小平市"}
    scales = dict(RatingScale.objects.values_list("code", "city__name"))
    assert scales == {"sab": "小平市", "east": OTHER_CITY}


@pytest.mark.django_db
def test_group_members_become_hq_and_committee_of_every_city(migrated):
    roles = set(Membership.objects.values_list("user__username", "city__name", "role"))
    assert roles == {
        ("hq", "小平市", Membership.Role.HQ),
        ("hq", OTHER_CITY, Membership.Role.HQ),
        ("committee", "小平市", Membership.Role.COMMITTEE),
        ("committee", OTHER_CITY, Membership.Role.COMMITTEE),
    }


@pytest.mark.django_db
def test_rows_get_unique_stable_keys(migrated):
    for model, count in [(Item, 4), (Indicator, 8), (ScheduleRow, 8)]:
        keys = list(model.objects.values_list("key", flat=True))
        assert len(keys) == count
        assert all(keys)
        assert len(set(keys)) == count
