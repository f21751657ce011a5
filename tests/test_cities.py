"""Many cities on one site: a second city's plan next to the seed's, each city's people in their own.

東大和市's plan is imported from the seed plan's workbook with its 自治体 cell
changed (the `second_city_plan` fixture, or here through the admin): the same
division names, grade codes and area titles, another city.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import openpyxl
import pytest
from django.urls import reverse

from plans import workbook
from plans.models import City
from plans.models import Division
from plans.models import Grade
from plans.models import Item
from plans.models import Membership
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from surveys.models import SurveySheet
from surveys.workflow import open_period
from tests.conftest import SECOND_CITY
from tests.factories import add_published_period
from tests.html import soup
from tests.html import text
from tests.plans.test_workbook import as_upload
from tests.plans.test_workbook import cell_values


def with_city(data: bytes, city: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["プラン"]["A2"] = city
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seed_rows(seed_plan) -> dict:
    """The seed city's divisions, scales and grades, as stored."""
    return {
        "divisions": list(
            Division.objects.filter(city=seed_plan.city).order_by("pk").values_list()
        ),
        "scales": list(
            RatingScale.objects.filter(city=seed_plan.city).order_by("pk").values_list()
        ),
        "grades": list(
            Grade.objects.filter(scale__city=seed_plan.city)
            .order_by("pk")
            .values_list()
        ),
    }


def import_through_the_admin(client, data: bytes):
    url = reverse("admin:plans_plan_import")
    response = client.post(url, {"file": as_upload(data)})
    token = soup(response).select_one("input[name=token]")
    if token is None:
        return response
    return client.post(url, {"token": token["value"]})


def test_a_second_citys_workbook_leaves_the_seed_city_untouched(
    client, administrator, seed_plan
):
    before = workbook.export_plan(seed_plan)
    seed_before = seed_rows(seed_plan)
    city = City.objects.create(name=SECOND_CITY, slug="higashiyamato")
    client.force_login(administrator)

    response = import_through_the_admin(client, with_city(before, SECOND_CITY))

    assert response.status_code == 302
    plan = Plan.objects.get(city=city)
    assert plan.name == seed_plan.name
    assert plan.rating_scale.city == city
    assert plan.rating_scale.code == seed_plan.rating_scale.code
    assert plan.rating_scale != seed_plan.rating_scale
    seed_names = set(seed_plan.city.divisions.values_list("name", flat=True))
    assert set(city.divisions.values_list("name", flat=True)) == seed_names
    assert not Item.objects.filter(plan=plan, divisions__city=seed_plan.city).exists()
    assert set(PolicyArea.objects.filter(plan=plan).values_list("name")) == set(
        PolicyArea.objects.filter(plan=seed_plan).values_list("name")
    )
    assert seed_rows(seed_plan) == seed_before
    assert cell_values(workbook.export_plan(seed_plan)) == cell_values(before)


def test_a_workbook_names_an_existing_city(client, administrator, seed_plan):
    client.force_login(administrator)
    data = with_city(workbook.export_plan(seed_plan), "存在しない市")
    before = Plan.objects.count()
    response = import_through_the_admin(client, data)
    assert response.status_code == 400
    problems = text(response)
    assert "プラン" in problems and "自治体" in problems
    assert "このサイトに自治体「存在しない市」は登録されていません。" in problems
    assert Plan.objects.count() == before


def test_a_city_administrator_imports_only_into_their_city(
    client, city_administrator, second_city_plan
):
    client.force_login(city_administrator)
    data = with_city(workbook.export_plan(second_city_plan), SECOND_CITY)
    before = list(Item.objects.filter(plan=second_city_plan).values_list())
    response = import_through_the_admin(client, data)
    assert response.status_code == 400
    assert f"{SECOND_CITY}の管理者ではないため取り込めません。" in text(response)
    assert list(Item.objects.filter(plan=second_city_plan).values_list()) == before


@pytest.fixture
def two_open_periods(seed_plan, hq_officer, second_city_plan, second_city_hq):
    """FY2018 first half open in both cities, FY2017 published in both."""
    add_published_period(second_city_plan, fiscal_year=2017)
    return [
        open_period(
            plan=plan, fiscal_year=2018, half="first", deadline=None, by=officer
        )
        for plan, officer in [
            (seed_plan, hq_officer),
            (second_city_plan, second_city_hq),
        ]
    ]


def city_pages(plan: Plan) -> list[str]:
    """Every sheet, period and report page of the plan's city."""
    urls = []
    for sheet in SurveySheet.objects.filter(item__plan=plan):
        urls += [
            reverse("surveys:sheet", args=[sheet.pk]),
            reverse("surveys:sheet_edit", args=[sheet.pk]),
            reverse("surveys:sheet_review", args=[sheet.pk]),
        ]
    for period in plan.periods.all():
        urls += [
            reverse("surveys:queue", args=[period.pk]),
            reverse("surveys:period_workbook", args=[period.pk]),
            reverse("surveys:period_upload", args=[period.pk]),
            *[
                reverse("surveys:report", args=[period.pk, kind])
                for kind in ("summary", "counts", "sheets")
            ],
        ]
    return urls + [
        reverse("surveys:period_new", args=[plan.pk]),
        reverse("surveys:trend", args=[plan.pk]),
    ]


@pytest.mark.parametrize(
    "role", ["division_staff", "hq_officer", "committee_member"], ids=str
)
def test_each_citys_people_get_404_on_every_page_of_the_other(
    client, request, two_open_periods, seed_plan, second_city_plan, role
):
    seed_user = request.getfixturevalue(role)
    second_user = request.getfixturevalue(
        {
            "division_staff": "second_city_division_staff",
            "hq_officer": "second_city_hq",
            "committee_member": "second_city_committee",
        }[role]
    )
    for user, other_plan in [(seed_user, second_city_plan), (second_user, seed_plan)]:
        client.force_login(user)
        statuses = {url: client.get(url).status_code for url in city_pages(other_plan)}
        assert set(statuses.values()) == {404}, user


@pytest.mark.parametrize("role", ["hq_officer", "committee_member"], ids=str)
def test_the_dashboard_shows_only_the_users_cities(
    client, request, two_open_periods, role
):
    client.force_login(request.getfixturevalue(role))
    page = text(client.get(reverse("surveys:dashboard")))
    assert "小平市 第3次行財政再構築プラン" in page
    assert SECOND_CITY not in page


def test_a_user_may_have_roles_in_several_cities(
    client, two_open_periods, hq_officer, second_city_plan
):
    Membership.objects.create(
        user=hq_officer, city=second_city_plan.city, role=Membership.Role.COMMITTEE
    )
    hq_officer = type(hq_officer).objects.get(pk=hq_officer.pk)  # roles read anew
    client.force_login(hq_officer)
    dashboard = text(client.get(reverse("surveys:dashboard")))
    assert "小平市 第3次行財政再構築プラン" in dashboard
    assert f"{SECOND_CITY} " in dashboard
    seed_open, second_open = two_open_periods
    assert client.get(reverse("surveys:queue", args=[seed_open.pk])).status_code == 200
    # A committee member of 東大和市: its open period is not theirs to manage.
    assert (
        client.get(reverse("surveys:queue", args=[second_open.pk])).status_code == 403
    )
    published = second_city_plan.periods.get(state=Period.State.PUBLISHED)
    report = reverse("surveys:report", args=[published.pk, "counts"])
    assert client.get(report).status_code == 200


ADMIN_PAGES = [
    ("plans", "plan", "city"),
    ("plans", "division", "city"),
    ("plans", "ratingscale", "city"),
    ("plans", "period", "plan__city"),
    ("plans", "item", "plan__city"),
    ("plans", "membership", "city"),
    ("surveys", "surveysheet", "period__plan__city"),
]


@pytest.mark.parametrize(
    ("app", "model", "path"), ADMIN_PAGES, ids=[m for _a, m, _p in ADMIN_PAGES]
)
def test_a_city_administrator_sees_only_their_city_in_the_admin(
    client, city_administrator, two_open_periods, second_city_hq, app, model, path
):
    client.force_login(city_administrator)
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200
    shown = response.context["cl"].queryset
    kodaira = City.objects.get(slug="kodaira")
    assert shown.count() == shown.model.objects.filter(**{path: kodaira}).count() > 0
    theirs = shown.model.objects.exclude(**{path: kodaira}).first()
    page = client.get(reverse(f"admin:{app}_{model}_change", args=[theirs.pk]))
    assert page.status_code == 302  # the admin's "does not exist" redirect
    assert client.get(reverse("admin:plans_city_changelist")).status_code == 403


def test_a_city_administrator_adds_a_division_to_their_city(
    client, city_administrator, second_city_plan
):
    client.force_login(city_administrator)
    kodaira = City.objects.get(slug="kodaira")
    form = client.get(reverse("admin:plans_division_add"))
    choices = form.context["adminform"].form.fields["city"].queryset
    assert list(choices) == [kodaira]
    response = client.post(
        reverse("admin:plans_division_add"),
        {
            "city": kodaira.pk,
            "name": "デジタル推進課",
            "former_names": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Division.objects.get(name="デジタル推進課").city == kodaira


def test_the_old_addresses_move_for_good(client, seed_plan):
    item = seed_plan.items.get(number="1")
    for old, new in [
        (f"/plans/{seed_plan.pk}/", seed_plan.get_absolute_url()),
        (f"/plans/{seed_plan.pk}/items/1/", item.get_absolute_url()),
        (
            f"/plans/{seed_plan.pk}/results.csv",
            reverse("public:results_csv", args=["kodaira", seed_plan.pk]),
        ),
        (
            f"/plans/{seed_plan.pk}/?q=推進",
            seed_plan.get_absolute_url() + "?" + urlencode({"q": "推進"}),
        ),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
    assert seed_plan.get_absolute_url() == f"/kodaira/plans/{seed_plan.pk}/"


def test_the_home_page_lists_plans_by_city(client, second_city_plan):
    page = soup(client.get("/"))
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    assert headings == ["小平市", SECOND_CITY]  # by name
    city_page = soup(client.get(second_city_plan.city.get_absolute_url()))
    main = city_page.select_one("main").get_text(" ")
    assert second_city_plan.name in main
    assert "小平市" not in main
