import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from plans import workbook
from plans.models import City
from plans.models import Division
from plans.models import ItemDivision
from plans.models import Membership
from plans.models import Plan
from surveys.models import SurveySheet
from surveys.seed import CITY
from surveys.seed import CITY_SLUG
from surveys.seed import PLAN_NAME
from surveys.seed import load_seed
from surveys.seed_next import load_next_plan
from tests import seed_rows
from tests.factories import make_city
from tests.factories import open_period_for_two_weeks

SECOND_CITY = "東大和市"


def _order(item: pytest.Item) -> int:
    """0 for a plain database test, 1 for one that commits, 2 for one without
    the database: pytest-django's order."""
    marker = item.get_closest_marker("django_db")
    commits = bool(
        marker
        and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ) or not {"transactional_db", "live_server"}.isdisjoint(item.fixturenames)
    if commits:
        return 1
    return 0 if marker or "db" in item.fixturenames else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run every test that commits after all the plain database tests.

    pytest-django orders them so, but pytest then regroups the tests by
    session-scoped parameters (Playwright's browser), which pulled the browser
    tests into the middle: each plain test after them found the seed plan
    emptied and loaded it again, about 3 s each on PostgreSQL. A stable sort
    keeps pytest's grouping within each kind.
    """
    items.sort(key=_order)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _japanese():
    """Start each test in Japanese: an English request leaves the thread English."""
    with translation.override("ja"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start each test with no public page cached.

    Every test finds the seed plan with the stamp it was committed with; a page
    cached by a test before, that wrote to it behind the stamp's back (a
    fixture's bulk update, say), would otherwise be served.
    """
    cache.clear()


def create_reference_data() -> None:
    """The seed city with its rating scales, as the data migrations create them.

    A transactional test empties every table when it ends, data migrations'
    rows included; what runs after it gets them back from here.
    """
    make_city(CITY, CITY_SLUG)


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
        seed_rows.keep()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back when the module ends.

    What a module-scoped fixture writes in it, every test of the module finds
    as written, whatever the tests before it changed: each test's own
    rolled-back transaction nests in this one as a savepoint. For a module of
    many cases on one costly setup (opening a period makes a sheet per item);
    its function-scoped fixtures read the rows anew for each test, so that no
    test sees another's changes to them in memory. Not for transactional tests.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


@pytest.fixture
def seed_plan(db):
    """Kodaira's 3rd plan with its published FY2017 year-end results.

    A plain test finds it where django_db_setup committed it. A transactional
    test commits what it writes and empties every table when it ends, so only
    the first of them finds the seed: a later one gets it back here (the rows
    django_db_setup committed, or on SQLite the seed loaded again, with the
    reference data), and its own flush removes it.
    """
    plans = Plan.objects.select_related("city").filter(city__name=CITY, name=PLAN_NAME)
    plan = plans.first()
    if plan is None:
        if seed_rows.put_back():
            return plans.get()
        create_reference_data()
        plan = load_seed()
    return plan


@pytest.fixture
def next_plan(seed_plan):
    """Kodaira's 4th plan (seed 002), loaded in the test's own transaction.

    Not part of the session's seed: tests that count plans find the 3rd alone.
    Its items continue the 3rd plan's as fixtures/kodaira-lineage-3rd-to-4th.json
    says; it has no periods yet.
    """
    return load_next_plan()


def rename_division_in_admin(client, division: Division, name: str):
    """Rename a division through its admin change form, keeping the old name as former."""
    return client.post(
        reverse("admin:plans_division_change", args=[division.pk]),
        {
            "city": division.city_id,
            "name": name,
            "former_names": division.name,
            "active": "on",
        },
    )


def make_user(
    username: str,
    *,
    role: str | None = None,
    divisions=(),
    city: str = CITY,
    **extra,
) -> User:
    """A user with `role` (a Membership.Role) in the city named `city`, or with
    its `divisions` (names of that city's divisions)."""
    extra.setdefault("email", f"{username}@example.jp")
    user = User.objects.create_user(username, password="pw", **extra)
    if role:
        Membership.objects.create(
            user=user, city=City.objects.get(name=city), role=role
        )
    user.divisions.add(*Division.objects.filter(city__name=city, name__in=divisions))
    return user


# The seed city's users of each role, by fixture name: make_user's arguments.
SEED_USERS = {
    "division_staff": {"username": "kyodo", "divisions": ["市民協働・男女参画推進課"]},
    "other_division_staff": {"username": "zaisei", "divisions": ["財政課"]},
    "hq_officer": {"username": "hq", "role": Membership.Role.HQ},
    "committee_member": {"username": "committee", "role": Membership.Role.COMMITTEE},
    "administrator": {"username": "admin", "is_staff": True, "is_superuser": True},
}


@pytest.fixture
def division_staff(seed_plan):
    """Staff of 市民協働・男女参画推進課, responsible for items 1, 3 and 37."""
    return make_user(**SEED_USERS["division_staff"])


@pytest.fixture
def other_division_staff(seed_plan):
    """Staff of 財政課, who must not touch 市民協働's sheets."""
    return make_user(**SEED_USERS["other_division_staff"])


@pytest.fixture
def hq_officer(seed_plan):
    """A reform HQ officer: reviews, rates and publishes."""
    return make_user(**SEED_USERS["hq_officer"])


@pytest.fixture
def committee_member(seed_plan):
    """A committee member: reads published results only."""
    return make_user(**SEED_USERS["committee_member"])


@pytest.fixture
def administrator(seed_plan):
    return make_user(**SEED_USERS["administrator"])


@pytest.fixture
def second_city_plan(seed_plan):
    """東大和市's plan, imported from the seed plan's workbook with its 自治体 cell
    changed: the same division names, grade codes and area titles, another city."""
    City.objects.create(name=SECOND_CITY, slug="higashiyamato")
    book = openpyxl.load_workbook(io.BytesIO(workbook.export_plan(seed_plan)))
    book["プラン"]["A2"] = SECOND_CITY
    buffer = io.BytesIO()
    book.save(buffer)
    draft = workbook.read_workbook(SimpleUploadedFile("plan.xlsx", buffer.getvalue()))
    return workbook.import_plan(draft, dry_run=False).plan


@pytest.fixture
def second_city_division_staff(second_city_plan):
    """Staff of 東大和市's 市民協働・男女参画推進課: the seed division's name, another city."""
    return make_user("kyodo2", divisions=["市民協働・男女参画推進課"], city=SECOND_CITY)


@pytest.fixture
def second_city_hq(second_city_plan):
    """A reform HQ officer of 東大和市 only."""
    return make_user("hq2", role=Membership.Role.HQ, city=SECOND_CITY)


@pytest.fixture
def second_city_committee(second_city_plan):
    """A committee member of 東大和市 only."""
    return make_user("committee2", role=Membership.Role.COMMITTEE, city=SECOND_CITY)


@pytest.fixture
def city_administrator(seed_plan):
    """小平市's administrator: staff with an ADMIN membership, not a superuser."""
    return make_user("kodaira-admin", role=Membership.Role.ADMIN, is_staff=True)


@pytest.fixture
def open_fy2018(seed_plan, hq_officer):
    """FY2018 first half, opened by HQ with a deadline two weeks ahead."""
    return open_period_for_two_weeks(seed_plan, by=hq_officer)


@pytest.fixture
def own_sheet(open_fy2018):
    """Item 1's sheet: 市民協働・男女参画推進課 is its lead division."""
    return SurveySheet.objects.get(period=open_fy2018, item__number="1")


@pytest.fixture
def other_sheet(open_fy2018):
    """Item 17's sheet: 財政課 only."""
    return SurveySheet.objects.get(period=open_fy2018, item__number="17")


@pytest.fixture
def kyodo_leads_its_items(seed_plan):
    """市民協働・男女参画推進課 listed first on items 3 and 37 too, so that
    `division_staff` leads, fills and submits all three of its sheets."""
    for link in ItemDivision.objects.filter(
        item__plan=seed_plan, division__name="市民協働・男女参画推進課"
    ):
        link.item.division_links.exclude(pk=link.pk).update(order=F("order") + 1)
        link.order = 0
        link.save()
