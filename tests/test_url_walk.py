"""Every URL pattern of the project, requested with GET as every role of two cities.

Roles (see surveys/access.py and surveys/demo.py), of 小平市 (the seed plan's city)
unless said otherwise:

- anonymous: a citizen, not logged in;
- division: staff of 市民協働・男女参画推進課, the division of item 1 (`own_sheet`);
- other_division: staff of 財政課, the division of item 17 only;
- hq: a reform HQ officer (HQ membership): opens periods, reviews, rates, publishes;
- committee: a committee member (COMMITTEE membership): reads published results;
- admin: the site's superuser;
- city_admin: 小平市's administrator: staff with an ADMIN membership, no workflow role;
- division2, hq2, committee2: the same roles in 東大和市, whose plan was imported
  from the seed plan's workbook (the same division names, grades and areas).

Rules the table spells out cell by cell:

- public pages are 200 for everyone, also for a plan whose only period is still
  open (what they must not show is tests/surveys/test_unpublished.py's job);
  an unknown city, plan or item, or a plan under another city's address, is
  404 for everyone; the addresses from before cities (/plans/<id>/…) and an
  item's permanent address by its key are 301, another plan's key is 404;
- the workflow (`surveys:`) sends anonymous users to the login page; who sees what
  is the workflow's own rule (tests/surveys/test_permissions.py checks the
  variants and the POSTs; here each pattern is requested once with GET); a
  sheet, period or plan of a city where the user has no role is 404;
- the admin site is for staff users only. HQ officers and committee members get
  their roles through memberships, not `is_staff`, so to the admin they are
  like anyone else: redirected to the admin login. A city's administrator
  sees their city's rows (plans, divisions, scales, periods, items,
  memberships, sheets), not another city's, nor cities, accounts and groups;
- POST-only views answer a GET with 405; no GET changes data or logs anyone out;
- no cell may be a 500: an exception shows as a differing cell.

`test_table_covers_every_url_pattern` fails when a URL pattern has no row, so a
new URL needs its expectation here.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver
from django.urls import get_resolver
from django.urls import reverse
from django.urls.resolvers import LocalePrefixPattern
from simple_history.admin import SimpleHistoryAdmin

from plans.admin_cities import CityScoped
from plans.models import Division
from plans.models import Item
from plans.models import Period
from plans.models import Plan
from surveys import corrections
from surveys.models import Contribution
from surveys.models import Correction
from surveys.models import Notice
from surveys.models import Opinion
from surveys.models import Reminder
from surveys.models import Reply
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet
from surveys.workflow import open_period
from tests.factories import add_published_period
from tests.factories import make_kodaira_plan

# Each role and the fixture of its user (None: nobody logged in), in table order.
ROLE_USERS = {
    "anonymous": None,
    "division": "division_staff",
    "other_division": "other_division_staff",
    "hq": "hq_officer",
    "committee": "committee_member",
    "admin": "administrator",
    "city_admin": "city_administrator",
    "division2": "second_city_division_staff",
    "hq2": "second_city_hq",
    "committee2": "second_city_committee",
}
ROLES = list(ROLE_USERS)

# Redirects to a login page, told apart from other redirects.
LOGIN = "302 to login"
ADMIN_LOGIN = "302 to admin login"


def everyone(status):
    return [status] * len(ROLES)


def admin_only(status, city_admin=None):
    """The admin site: the superuser and the city's administrator (staff) get
    `status` (`city_admin` if it differs); everyone else the admin login."""
    staff = [status, status if city_admin is None else city_admin]
    return [ADMIN_LOGIN] * 5 + staff + [ADMIN_LOGIN] * 3


def seed_city(*statuses):
    """A workflow page of 小平市's: `statuses` for its roles, 404 for 東大和市's."""
    return [LOGIN, *statuses, 404, 404, 404]


def second_city(*statuses):
    """A workflow page of 東大和市's: 404 for 小平市's roles but the superuser."""
    superuser, *others = statuses
    return [LOGIN, 404, 404, 404, 404, superuser, 404, *others]


# The outcomes that many workflow pages share.
HQ_ONLY = seed_city(403, 403, 200, 403, 200, 403)
HQ_AND_COMMITTEE = seed_city(403, 403, 200, 200, 200, 403)
# The committee sees a period's pages once it is published, not before.
HQ_BEFORE_PUBLISHING = seed_city(403, 403, 200, 404, 200, 403)
NOT_FOUND = seed_city(404, 404, 404, 404, 404, 404)
# A page for every logged-in user.
LOGGED_IN = [LOGIN, *[200] * (len(ROLES) - 1)]
# A POST-only view: a GET is 405 once logged in.
POST_ONLY = [LOGIN, *[405] * (len(ROLES) - 1)]
# A period's workbook pages: its divisions and HQ; not the committee.
DIVISIONS_AND_HQ = seed_city(200, 200, 200, 403, 200, 403)

# (URL name, or route for an unnamed pattern;
#  args: names of `samples` to reverse the name with, or a path template for an
#        unnamed pattern;
#  expected outcome per role, in ROLES order)
URLS = [
    # Language switch, login and logout.
    ("set_language", (), everyone(302)),  # GET redirects back and switches nothing
    ("login", (), everyone(200)),
    ("logout", (), everyone(405)),
    ("password_change", (), LOGGED_IN),
    ("password_change_done", (), LOGGED_IN),
    # Public pages.
    ("public:plan_list", (), everyone(200)),
    ("public:accessibility", (), everyone(200)),
    ("public:city", ("kodaira",), everyone(200)),
    ("public:city", ("city2",), everyone(200)),
    ("public:city", ("missing_city",), everyone(404)),
    ("public:plan", ("kodaira", "plan"), everyone(200)),
    ("public:plan", ("kodaira", "missing"), everyone(404)),
    ("public:plan", ("kodaira", "draft_plan"), everyone(200)),
    ("public:plan", ("city2", "plan2"), everyone(200)),
    ("public:plan", ("city2", "plan"), everyone(404)),  # 小平市's plan
    ("public:item", ("kodaira", "plan", "item_1"), everyone(200)),
    ("public:item", ("kodaira", "plan", "sub_item"), everyone(200)),
    ("public:item", ("kodaira", "plan", "ranged_item"), everyone(200)),
    ("public:item", ("kodaira", "plan", "missing_item"), everyone(404)),
    ("public:item", ("kodaira", "missing", "item_1"), everyone(404)),
    ("public:item", ("kodaira", "draft_plan", "item_1"), everyone(200)),
    ("public:item", ("city2", "plan2", "item_1"), everyone(200)),
    ("public:item", ("city2", "plan", "item_1"), everyone(404)),
    # An item's permanent address, by its key, moves for good to its page.
    ("public:item_key", ("kodaira", "plan", "item_1_key"), everyone(301)),
    ("public:item_key", ("kodaira", "plan", "missing_key"), everyone(404)),
    ("public:item_key", ("kodaira", "plan", "item_1_key2"), everyone(404)),
    ("public:item_key", ("city2", "plan2", "item_1_key2"), everyone(301)),
    ("public:item_key", ("city2", "plan2", "item_1_key"), everyone(404)),
    # An area's page, by its permanent key; another city's plan's area is missing.
    ("public:area", ("kodaira", "plan", "area_key"), everyone(200)),
    ("public:area", ("kodaira", "plan", "missing_key"), everyone(404)),
    ("public:area", ("kodaira", "plan", "area_key2"), everyone(404)),
    ("public:area", ("city2", "plan2", "area_key2"), everyone(200)),
    ("public:area", ("city2", "plan", "area_key"), everyone(404)),
    ("public:results_csv", ("kodaira", "plan"), everyone(200)),
    ("public:results_csv", ("kodaira", "missing"), everyone(404)),
    ("public:results_json", ("kodaira", "plan"), everyone(200)),
    ("public:results_json", ("kodaira", "missing"), everyone(404)),
    ("public:results_json", ("kodaira", "draft_plan"), everyone(200)),
    ("public:results_json", ("city2", "plan"), everyone(404)),
    ("public:corrections", ("kodaira", "plan"), everyone(200)),
    ("public:corrections", ("kodaira", "missing"), everyone(404)),
    ("public:corrections", ("city2", "plan"), everyone(404)),
    # The addresses from before cities, moved for good.
    ("public:moved_plan", ("plan",), everyone(301)),
    ("public:moved_plan", ("missing",), everyone(404)),
    ("public:moved", ("plan", "item_path"), everyone(301)),
    # Survey workflow, item 1's sheet and the open FY2018 period of 小平市.
    ("surveys:dashboard", (), [LOGIN, 200, 200, 200, 200, 200, 403, 200, 200, 200]),
    ("surveys:notices", (), LOGGED_IN),
    ("surveys:sheet", ("own_sheet",), seed_city(200, 404, 200, 404, 200, 404)),
    ("surveys:sheet", ("missing",), NOT_FOUND),
    ("surveys:sheet_edit", ("own_sheet",), seed_city(200, 404, 200, 404, 200, 404)),
    # A GET of the review sends HQ back to the sheet.
    ("surveys:sheet_review", ("own_sheet",), seed_city(403, 404, 302, 404, 302, 404)),
    ("surveys:sheet_reply", ("own_sheet",), POST_ONLY),
    ("surveys:sheet_contribute", ("own_sheet",), POST_ONLY),
    ("surveys:sheet_withdraw", ("own_sheet",), POST_ONLY),
    # A published sheet: corrected by its division and HQ once HQ reopens it.
    ("surveys:correction", ("own_sheet",), NOT_FOUND),
    # Item 2's, not reopened: the committee, which reads it, may not correct it.
    (
        "surveys:correction",
        ("published_sheet",),
        seed_city(404, 404, 404, 403, 404, 404),
    ),
    # Item 1's, reopened.
    (
        "surveys:correction",
        ("correcting_sheet",),
        seed_city(200, 404, 200, 403, 200, 404),
    ),
    ("surveys:correction_open", ("published_sheet",), POST_ONLY),
    ("surveys:queue", ("open_period",), HQ_ONLY),
    ("surveys:queue", ("missing",), NOT_FOUND),
    # A GET of publish or cancel shows what it would do, to HQ only.
    ("surveys:publish", ("open_period",), HQ_ONLY),
    ("surveys:period_bulk", ("open_period",), POST_ONLY),
    # The preview of a reminder to the division with sheets missing.
    ("surveys:remind", ("open_period", "own_division"), HQ_ONLY),
    ("surveys:period_cancel", ("open_period",), HQ_ONLY),
    ("surveys:divergence", ("open_period",), HQ_BEFORE_PUBLISHING),
    ("surveys:divergence", ("published_period",), HQ_AND_COMMITTEE),
    ("surveys:report", ("open_period", "summary"), HQ_BEFORE_PUBLISHING),
    ("surveys:report", ("published_period", "counts"), HQ_AND_COMMITTEE),
    ("surveys:report", ("published_period", "no_such_report"), NOT_FOUND),
    ("surveys:progress_report", ("open_period",), HQ_BEFORE_PUBLISHING),
    ("surveys:progress_report", ("published_period",), HQ_AND_COMMITTEE),
    ("surveys:reports_zip", ("open_period",), HQ_BEFORE_PUBLISHING),
    ("surveys:progress_print", ("open_period",), HQ_BEFORE_PUBLISHING),
    ("surveys:progress_print", ("published_period",), HQ_AND_COMMITTEE),
    ("surveys:reading", ("open_period",), HQ_BEFORE_PUBLISHING),
    ("surveys:reading", ("published_period",), HQ_AND_COMMITTEE),
    # Committee opinions: the committee writes on a published period, HQ answers,
    # and the division HQ assigned (item 1's) sees and reports on its opinion.
    ("surveys:opinions", ("open_period",), HQ_BEFORE_PUBLISHING),
    ("surveys:opinions", ("published_period",), HQ_AND_COMMITTEE),
    ("surveys:opinions", ("missing",), NOT_FOUND),
    ("surveys:opinion", ("opinion",), seed_city(200, 404, 200, 200, 200, 404)),
    ("surveys:opinion", ("missing",), NOT_FOUND),
    ("surveys:opinion_answer", ("opinion",), POST_ONLY),
    ("surveys:opinion_report", ("opinion",), POST_ONLY),
    ("surveys:reports_zip", ("published_period",), HQ_AND_COMMITTEE),
    ("surveys:period_workbook", ("open_period",), DIVISIONS_AND_HQ),
    ("surveys:period_upload", ("open_period",), DIVISIONS_AND_HQ),
    ("surveys:period_submit", ("open_period",), DIVISIONS_AND_HQ),
    ("surveys:period_new", ("plan",), HQ_ONLY),
    ("surveys:trend", ("plan",), HQ_AND_COMMITTEE),
    # The same pages of 東大和市: item 1's sheet, its open and published periods.
    ("surveys:sheet", ("sheet2",), second_city(200, 200, 200, 404)),
    ("surveys:sheet_edit", ("sheet2",), second_city(200, 200, 200, 404)),
    ("surveys:queue", ("open_period2",), second_city(200, 403, 200, 403)),
    (
        "surveys:report",
        ("published_period2", "counts"),
        second_city(200, 403, 200, 200),
    ),
    ("surveys:period_workbook", ("open_period2",), second_city(200, 200, 200, 403)),
    ("surveys:period_upload", ("open_period2",), second_city(200, 200, 200, 403)),
    ("surveys:period_submit", ("open_period2",), second_city(200, 200, 200, 403)),
    ("surveys:period_new", ("plan2",), second_city(200, 403, 200, 403)),
    ("surveys:trend", ("plan2",), second_city(200, 403, 200, 200)),
    # Admin site pages (the model pages follow from the registry, below).
    ("admin:index", (), admin_only(200)),
    ("admin:login", (), [200] * 5 + [302, 302] + [200] * 3),  # staff: on to the index
    ("admin:logout", (), [302] * 5 + [405, 405] + [302] * 3),  # others: to the index
    ("admin:password_change", (), admin_only(200)),
    ("admin:password_change_done", (), admin_only(200)),
    ("admin:autocomplete", (), admin_only(403)),  # no field to complete
    ("admin:jsi18n", (), admin_only(200)),
    ("admin:view_on_site", ("plan_type", "plan"), admin_only(302)),
    ("admin:app_list", ("plans_app",), admin_only(200)),
    ("admin/(?P<url>.*)$", "/admin/no-such-page/", admin_only(404)),
    ("admin:auth_user_password_change", ("auth_user",), admin_only(200)),
    # plans/admin_workbook.py
    ("admin:plans_plan_import", (), admin_only(200)),
    ("admin:plans_plan_template", (), admin_only(200)),
    ("admin:plans_plan_export", ("plans_plan",), admin_only(200)),
    ("admin:plans_plan_export", ("plan2",), admin_only(200, 404)),
    # django-import-export on divisions; the import's second step is POST only.
    ("admin:plans_division_import", (), admin_only(200)),
    ("admin:plans_division_process_import", (), admin_only(405)),
    ("admin:plans_division_export", (), admin_only(200)),
]


# Admins whose rows are written by the app, never added by hand: adding is refused.
NO_ADD = {
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "surveys_reminder",
    "surveys_reply",
    "surveys_correction",
    "surveys_notice",
    "surveys_contribution",
    "surveys_opinion",
}
# Admins whose rows a city's administrator may not delete: an account may
# belong to other cities too.
CITY_ADMIN_NO_DELETE = {"auth_user"}
# Admins whose rows nobody deletes: the public correction log keeps them all,
# and an opinion keeps its history.
NO_DELETE = {"surveys_correction", "surveys_opinion"}


def admin_model_urls():
    """The pages of every registered ModelAdmin: the same rule for each model.

    A city's administrator has the pages of the city-owned models and of
    accounts (their sample rows are 小平市's), and none of the others
    (cities, groups).
    """
    rows = []
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        city_admin = 200 if isinstance(model_admin, CityScoped) else 403
        rows += [
            (f"admin:{label}_changelist", (), admin_only(200, city_admin)),
            (
                f"admin:{label}_add",
                (),
                admin_only(403, 403)
                if label in NO_ADD
                else admin_only(200, city_admin),
            ),
            (f"admin:{label}_change", (label,), admin_only(200, city_admin)),
            (f"admin:{label}_history", (label,), admin_only(200, city_admin)),
            # The confirmation page.
            (
                f"admin:{label}_delete",
                (label,),
                admin_only(403, 403)
                if label in NO_DELETE
                else admin_only(
                    200, 403 if label in CITY_ADMIN_NO_DELETE else city_admin
                ),
            ),
            # The object's bare address redirects to its change page.
            (
                f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/",
                f"/admin/{model._meta.app_label}/{model._meta.model_name}/{{{label}}}/",
                admin_only(302),
            ),
        ]
        if isinstance(model_admin, SimpleHistoryAdmin):
            rows.append(
                (
                    f"admin:{label}_simple_history",
                    (label, f"{label}_history"),
                    admin_only(200, city_admin),
                )
            )
    return rows


TABLE = URLS + admin_model_urls()


# The walk.


def url_patterns(resolver=None, prefix="", namespace=""):
    """Every URL pattern's key: its namespaced name, or its route if unnamed."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            route = (
                ""
                if isinstance(pattern.pattern, LocalePrefixPattern)
                else str(pattern.pattern)
            )
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_patterns(pattern, prefix + route, inner)
        elif pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name]))
        else:
            yield prefix + str(pattern.pattern)


def test_table_covers_every_url_pattern():
    walked = set(url_patterns())
    covered = {key for key, _, _ in TABLE}
    assert not walked - covered, (
        f"URL patterns without a row: {sorted(walked - covered)}"
    )
    assert not covered - walked, f"rows for no URL pattern: {sorted(covered - walked)}"
    assert all(len(expected) == len(ROLES) for _, _, expected in TABLE)


def make_samples(seed_plan, own_sheet, second_city_plan, second_city_hq):
    """Arguments of the URLs in the table, by name."""
    published = Period.objects.get(plan=seed_plan, state=Period.State.PUBLISHED)
    # A plan whose only period is still open: public, but nothing published yet.
    draft_plan = make_kodaira_plan("未公表のプラン", first_fiscal_year=2021)
    Period.objects.create(
        plan=draft_plan, fiscal_year=2021, half="first", state=Period.State.OPEN
    )
    # Item 1's published sheet, reopened for correction.
    correcting = SurveySheet.objects.get(period=published, item__number="1")
    Correction.objects.create(
        sheet=correcting, note="訂正", values=corrections.values_of(correcting)
    )
    published2 = add_published_period(second_city_plan, fiscal_year=2017)
    open_period2 = open_period(
        plan=second_city_plan,
        fiscal_year=2018,
        half="first",
        deadline=own_sheet.period.deadline,
        by=second_city_hq,
    )
    opinion = Opinion.objects.create(
        period=published,
        item=seed_plan.items.get(number="1"),
        text="意見",
        response="対応方針",
        division=own_sheet.item.division_links.first().division,
    )
    samples = {
        "opinion": opinion.pk,
        "kodaira": "kodaira",
        "city2": second_city_plan.city.slug,
        "missing_city": "no-such-city",
        "plan": seed_plan.pk,
        "plan2": second_city_plan.pk,
        "draft_plan": draft_plan.pk,
        "missing": 999_999,
        "item_1": "1",
        "sub_item": "4-1",
        "ranged_item": "2-1~5",  # a number as printed in the plan: 2-1 to 2-5
        "missing_item": "999",
        "item_1_key": seed_plan.items.get(number="1").key,
        "item_1_key2": second_city_plan.items.get(number="1").key,
        "area_key": seed_plan.areas.first().key,
        "area_key2": second_city_plan.areas.first().key,
        "missing_key": "0123456789",
        "item_path": "items/1/",
        "own_sheet": own_sheet.pk,
        "published_sheet": SurveySheet.objects.get(
            period=published, item__number="2"
        ).pk,
        "correcting_sheet": correcting.pk,
        "open_period": own_sheet.period_id,
        "own_division": own_sheet.item.division_links.first().division_id,
        "published_period": published.pk,
        "sheet2": SurveySheet.objects.get(period=open_period2, item__number="1").pk,
        "open_period2": open_period2.pk,
        "published_period2": published2.pk,
        "summary": "summary",
        "counts": "counts",
        "no_such_report": "no-such-report",
        "plan_type": ContentType.objects.get_for_model(Plan).pk,
        "plans_app": "plans",
    }
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        obj = model.objects.order_by("pk").first() or first_row(model, own_sheet)
        samples[label] = obj.pk
        if isinstance(model_admin, SimpleHistoryAdmin):
            if not obj.history.exists():
                obj.save()  # rows written by data migrations have no history yet
            samples[f"{label}_history"] = obj.history.first().history_id
    return samples


# Login records for django-axes' admin, which the walk's forced logins do not write.
ACCESS = {
    "user_agent": "pytest",
    "ip_address": "127.0.0.1",
    "username": "kyodo",
    "http_accept": "*/*",
    "path_info": "/accounts/login/",
}
FIRST_ROWS = {
    "auth.group": {"name": "閲覧者"},
    "axes.accessattempt": {
        **ACCESS,
        "get_data": "",
        "post_data": "",
        "failures_since_start": 1,
    },
    "axes.accesslog": ACCESS,
    "axes.accessfailurelog": ACCESS,
}


def first_row(model, own_sheet):
    """A row to open in the admin, for the registered models the seed leaves empty."""
    if model is ScheduleStatus:  # the seed rates items, not schedule rows
        row = own_sheet.item.schedule_rows.first()
        return ScheduleStatus.objects.create(sheet=own_sheet, schedule_row=row)
    if model is Reminder:
        division = own_sheet.item.division_links.first().division
        return Reminder.objects.create(
            period=own_sheet.period, division=division, sheet_count=1, delivered=True
        )
    if model is Reply:
        return Reply.objects.create(sheet=own_sheet, by_hq=False, text="回答")
    if model is Correction:
        return Correction.objects.create(sheet=own_sheet, note="誤記の訂正")
    if model is Contribution:
        division = own_sheet.item.division_links.last().division
        return Contribution.objects.create(
            sheet=own_sheet, division=division, text="記載"
        )
    if model is Notice:
        return Notice.objects.create(
            recipient=User.objects.first(),
            kind=Notice.Kind.REMINDER,
            period=own_sheet.period,
            subject="件名",
            body="本文",
            url="/surveys/",
        )
    label = model._meta.label_lower
    assert label in FIRST_ROWS, f"the walk needs a {label} row: add it to FIRST_ROWS"
    return model.objects.create(**FIRST_ROWS[label])


def url_for(key, args, samples):
    if isinstance(args, str):  # an unnamed pattern's path
        return args.format(**samples)
    return reverse(key, args=[samples[name] for name in args])


def outcome(response):
    """The status code, or which login page a redirect goes to."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("login") + "?next="):
            return LOGIN
        if location.startswith(reverse("admin:login") + "?next="):
            return ADMIN_LOGIN
    return response.status_code


def state():
    """What a GET must not change."""
    return (
        list(SurveySheet.objects.values_list("pk", "version", "state")),
        list(Period.objects.values_list("pk", "state")),
        list(Division.objects.values_list("pk", "name", "active")),
        Plan.objects.count(),
        Item.objects.count(),
    )


def test_every_url_as_every_role(
    request, seed_plan, own_sheet, second_city_plan, second_city_hq
):
    users = {
        role: fixture and request.getfixturevalue(fixture)
        for role, fixture in ROLE_USERS.items()
    }
    samples = make_samples(seed_plan, own_sheet, second_city_plan, second_city_hq)
    before = state()
    mismatches = []
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        if user:
            client.force_login(user)
        for key, args, expected_by_role in TABLE:
            url = url_for(key, args, samples)
            response = client.get(url)
            if user and response.wsgi_request.user != user:
                mismatches.append(f"{role:>14} GET {url} ({key}): logged out")
                client.force_login(user)
            got = outcome(response)
            expected = expected_by_role[ROLES.index(role)]
            if got != expected or response.status_code >= 500:
                error = getattr(response, "exc_info", None)
                mismatches.append(
                    f"{role:>14} GET {url} ({key}): got {got}, expected {expected}"
                    + (f" [{error[1]!r}]" if error else "")
                )
    assert state() == before, "a GET changed data"
    if mismatches:
        message = f"{len(mismatches)} cells differ:\n" + "\n".join(mismatches)
        pytest.fail(message, pytrace=False)
