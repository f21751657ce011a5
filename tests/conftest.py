import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils import translation

from plans.models import Division
from plans.models import Plan
from surveys.models import SurveySheet
from surveys.seed import CITY
from surveys.seed import PLAN_NAME
from surveys.seed import load_seed
from surveys.workflow import open_period


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _japanese():
    """Start each test in Japanese: an English request leaves the thread English."""
    with translation.override("ja"):
        yield


def create_reference_data() -> None:
    """Rating scales and role groups, as the data migrations create them.

    A transactional test empties every table when it ends, data migrations'
    rows included; what runs after it gets them back from here.
    """
    for module, function in [
        ("plans.migrations.0002_seed_rating_scales", "create_scales"),
        ("surveys.migrations.0003_role_groups", "create_groups"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the seed plan committed once for the session.

    Each plain (`db`) test runs in a transaction that is rolled back, so each
    finds the seed as loaded here, whatever the tests before it changed; no
    on_commit callback runs there unless a test asks for it with
    django_capture_on_commit_callbacks. pytest-django runs the transactional
    tests after all plain ones (see seed_plan). The reference data comes first
    in case --reuse-db hands over a database that a transactional test emptied.
    """
    with django_db_blocker.unblock():
        create_reference_data()
        load_seed()


@pytest.fixture
def seed_plan(db):
    """Kodaira's 3rd plan with its published FY2017 year-end results.

    A plain test finds it where django_db_setup committed it. A transactional
    test commits what it writes and empties every table when it ends, so only
    the first of them finds the seed: a later one loads it here again, with
    the reference data, and its own flush removes it.
    """
    plan = Plan.objects.filter(city=CITY, name=PLAN_NAME).first()
    if plan is None:
        create_reference_data()
        plan = load_seed()
    return plan


def make_user(
    username: str, *, group: str | None = None, divisions=(), **extra
) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.jp", password="pw", **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    user.divisions.add(*Division.objects.filter(name__in=divisions))
    return user


@pytest.fixture
def division_staff(seed_plan):
    """Staff of 市民協働・男女参画推進課, responsible for items 1, 3 and 37."""
    return make_user("kyodo", divisions=["市民協働・男女参画推進課"])


@pytest.fixture
def other_division_staff(seed_plan):
    """Staff of 財政課, who must not touch 市民協働's sheets."""
    return make_user("zaisei", divisions=["財政課"])


@pytest.fixture
def hq_officer(seed_plan):
    """A reform HQ officer: reviews, rates and publishes."""
    return make_user("hq", group="行革本部")


@pytest.fixture
def committee_member(seed_plan):
    """A committee member: reads published results only."""
    return make_user("committee", group="推進委員会")


@pytest.fixture
def administrator(seed_plan):
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def open_fy2018(seed_plan, hq_officer):
    """FY2018 first half, opened by HQ with a deadline two weeks ahead."""
    return open_period(
        plan=seed_plan,
        fiscal_year=2018,
        half="first",
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        by=hq_officer,
    )


@pytest.fixture
def own_sheet(open_fy2018):
    """Item 1's sheet: 市民協働・男女参画推進課 is its lead division."""
    return SurveySheet.objects.get(period=open_fy2018, item__number="1")


@pytest.fixture
def other_sheet(open_fy2018):
    """Item 17's sheet: 財政課 only."""
    return SurveySheet.objects.get(period=open_fy2018, item__number="17")
