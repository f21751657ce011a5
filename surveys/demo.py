"""Demo accounts for each role, and an open period for them to work in."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from plans.models import City
from plans.models import Membership
from plans.models import Period
from plans.models import Plan
from plans.models import next_period
from surveys.seed import CITY_SLUG
from surveys.workflow import open_period

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose, demo machines only

# username, full name, what the role does, role in 小平市, divisions
DEMO_USERS = [
    (
        "admin",
        "管理者",
        "Site administrator (superuser): cities, memberships and everything in /admin/",
        None,
        [],
    ),
    (
        "kodaira-admin",
        "小平 管理",
        "City administrator of 小平市: its plans, divisions and memberships in /admin/",
        Membership.Role.ADMIN,
        [],
    ),
    (
        "hq",
        "行革 太郎",
        "Reform HQ officer of 小平市: opens periods, reviews, rates, publishes",
        Membership.Role.HQ,
        [],
    ),
    (
        "committee",
        "委員 花子",
        "Committee member of 小平市: reads published results",
        Membership.Role.COMMITTEE,
        [],
    ),
    (
        "kyodo",
        "協働 一郎",
        "Division staff: 市民協働・男女参画推進課",
        None,
        ["市民協働・男女参画推進課"],
    ),
    (
        "zaisei",
        "財政 次郎",
        "Division staff: 財政課 and 政策課",
        None,
        ["財政課", "政策課"],
    ),
]


@transaction.atomic
def create_demo_users() -> list[tuple[str, str]]:
    """Create the demo users (once), with their roles in 小平市; return (username, role) pairs."""
    User = get_user_model()
    city = City.objects.get(slug=CITY_SLUG)
    for username, full_name, _, role, divisions in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if not created:
            continue
        user.last_name = full_name
        user.email = f"{username}@example.jp"
        user.is_superuser = username == "admin"
        user.is_staff = username in ("admin", "kodaira-admin")
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role:
            Membership.objects.create(city=city, user=user, role=role)
        user.divisions.add(*city.divisions.filter(name__in=divisions))
    return [(username, role) for username, _, role, _, _ in DEMO_USERS]


def open_demo_period(plan: Plan) -> Period | None:
    """Open the period after the plan's latest one, unless one is open already.

    A plan with no period yet (the 4th plan of seed 002, which has no
    divisions) is left for HQ to open, and one past its last fiscal year.
    """
    periods = list(plan.periods.all())
    upcoming = next_period(plan)
    if not periods or any(p.is_open for p in periods) or upcoming is None:
        return None
    year, half = upcoming
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    hq = get_user_model().objects.get(username="hq")
    return open_period(plan=plan, fiscal_year=year, half=half, deadline=deadline, by=hq)
