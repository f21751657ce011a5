"""Every workflow URL × every role × own/other division: allowed or refused.

Own = item 1's sheet (市民協働・男女参画推進課, the division of `division_staff`);
other = item 17's sheet (財政課, the division of `other_division_staff`).
A refused request changes nothing.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import get_resolver
from django.urls import reverse

from plans.models import Period
from plans.models import Plan
from surveys.corrections import values_of
from surveys.models import Contribution
from surveys.models import Correction
from surveys.models import Opinion
from surveys.models import Reply
from surveys.models import SurveySheet
from surveys.seed import CITY
from surveys.seed import PLAN_NAME
from tests.conftest import SEED_USERS
from tests.conftest import make_user
from tests.factories import open_period_for_two_weeks

ROLES = ["anonymous", "division", "other_division", "hq", "committee", "admin"]
# The signed-in roles and their users' fixtures in tests/conftest.py.
ROLE_FIXTURES = {
    "division": "division_staff",
    "other_division": "other_division_staff",
    "hq": "hq_officer",
    "committee": "committee_member",
    "admin": "administrator",
}

# name, method, object, expected status per role (in ROLES order)
MATRIX = [
    ("dashboard", "get", None, [302, 200, 200, 200, 200, 200]),
    # Everyone signed in reads their own notices (none of anyone else's).
    ("notices", "get", None, [302, 200, 200, 200, 200, 200]),
    ("sheet", "get", "own", [302, 200, 404, 200, 404, 200]),
    ("sheet", "get", "other", [302, 404, 200, 200, 404, 200]),
    ("sheet", "get", "published", [302, 200, 404, 200, 200, 200]),
    ("sheet_edit", "get", "own", [302, 200, 404, 200, 404, 200]),
    # HQ may fill any sheet of its city on the division's behalf (代理入力).
    ("sheet_edit", "post", "own", [302, 302, 404, 302, 404, 302]),
    ("sheet_edit", "post", "other", [302, 404, 302, 302, 404, 302]),
    ("sheet_edit", "post", "published", [302, 409, 404, 409, 403, 409]),
    ("sheet_review", "post", "submitted", [302, 403, 404, 302, 404, 302]),
    ("sheet_review", "get", "submitted", [302, 403, 404, 302, 404, 302]),
    # Replies answer a return: none before HQ has returned the sheet.
    ("sheet_reply", "post", "own", [302, 409, 404, 409, 404, 409]),
    ("sheet_reply", "post", "returned", [302, 302, 404, 302, 404, 302]),
    ("sheet_reply", "get", "returned", [302, 405, 405, 405, 405, 405]),
    # Shared items: the lead division submits and may withdraw before HQ decides;
    # a division sharing the item (市民協働 on item 3) writes its part.
    ("sheet_withdraw", "post", "submitted", [302, 302, 404, 403, 404, 403]),
    ("sheet_withdraw", "post", "own", [302, 409, 404, 403, 404, 403]),
    ("sheet_withdraw", "get", "submitted", [302, 405, 405, 405, 405, 405]),
    ("sheet_contribute", "post", "shared", [302, 302, 404, 403, 404, 403]),
    ("sheet_contribute", "post", "own", [302, 403, 404, 403, 404, 403]),
    ("sheet_contribute", "get", "shared", [302, 405, 405, 405, 405, 405]),
    ("sheet_edit", "get", "shared", [302, 403, 404, 200, 404, 200]),
    # Corrections after publication: HQ reopens; the division and HQ correct.
    ("correction_open", "post", "published", [302, 403, 404, 302, 403, 302]),
    ("correction_open", "get", "published", [302, 405, 405, 405, 405, 405]),
    ("correction", "get", "published", [302, 404, 404, 404, 403, 404]),
    ("correction", "get", "correcting", [302, 200, 404, 200, 403, 200]),
    ("correction", "post", "correcting", [302, 302, 404, 302, 403, 302]),
    ("period_new", "get", "plan", [302, 403, 403, 200, 403, 200]),
    # The plan has an open period: HQ's form says so and opens nothing.
    ("period_new", "post", "plan", [302, 403, 403, 200, 403, 200]),
    ("queue", "get", "open", [302, 403, 403, 200, 403, 200]),
    ("publish", "get", "open", [302, 403, 403, 200, 403, 200]),
    ("publish", "post", "open", [302, 403, 403, 409, 403, 409]),
    ("period_cancel", "get", "open", [302, 403, 403, 200, 403, 200]),
    ("period_cancel", "post", "open", [302, 403, 403, 302, 403, 302]),
    # No sheet ticked: HQ is told to tick one.
    # A real bulk accept of the submitted sheet 1: HQ's is done, anyone else's refused.
    ("period_bulk", "post", "open_submitted", [302, 403, 403, 200, 403, 200]),
    ("period_bulk", "post", "open", [302, 403, 403, 400, 403, 400]),
    ("remind", "get", "open", [302, 403, 403, 200, 403, 200]),
    ("remind", "post", "open", [302, 403, 403, 302, 403, 302]),
    ("report", "get", "open", [302, 403, 403, 200, 404, 200]),
    ("divergence", "get", "open", [302, 403, 403, 200, 404, 200]),
    ("divergence", "get", "published_period", [302, 403, 403, 200, 200, 200]),
    ("report", "get", "published_period", [302, 403, 403, 200, 200, 200]),
    ("progress_report", "get", "open", [302, 403, 403, 200, 404, 200]),
    ("reports_zip", "get", "open", [302, 403, 403, 200, 404, 200]),
    ("progress_print", "get", "published_period", [302, 403, 403, 200, 200, 200]),
    ("reading", "get", "open", [302, 403, 403, 200, 404, 200]),
    ("reading", "get", "published_period", [302, 403, 403, 200, 200, 200]),
    ("opinions", "get", "open", [302, 403, 403, 200, 404, 200]),
    ("opinions", "get", "published_period", [302, 403, 403, 200, 200, 200]),
    ("opinion", "get", "opinion", [302, 200, 404, 200, 200, 200]),
    ("opinion_answer", "get", "opinion", [302, 405, 405, 405, 405, 405]),
    ("opinion_report", "get", "opinion", [302, 405, 405, 405, 405, 405]),
    ("reports_zip", "get", "published_period", [302, 403, 403, 200, 200, 200]),
    ("progress_report", "get", "published_period", [302, 403, 403, 200, 200, 200]),
    ("trend", "get", "plan", [302, 403, 403, 200, 200, 200]),
    ("period_workbook", "get", "open", [302, 200, 200, 200, 403, 200]),
    ("period_workbook", "get", "published_period", [302, 404, 404, 404, 404, 404]),
    ("period_upload", "get", "open", [302, 200, 200, 200, 403, 200]),
    ("period_upload", "get", "published_period", [302, 404, 404, 404, 404, 404]),
    ("period_upload", "post", "open", [302, 400, 400, 400, 403, 400]),
    # Submitting uploaded sheets: the page answers everyone who may upload, and
    # submits only the sheets each may fill (another division's: none).
    ("period_submit", "get", "open", [302, 200, 200, 200, 403, 200]),
    ("period_submit", "post", "open", [302, 200, 200, 200, 403, 200]),
    ("period_submit", "post", "published_period", [302, 404, 404, 404, 404, 404]),
]


@pytest.fixture(scope="module")
def made_once(module_transaction):
    """The users of the roles and the open FY2018 period, as tests/conftest.py
    makes them, made once for the module's cases: their primary keys."""
    plan = Plan.objects.get(city__name=CITY, name=PLAN_NAME)
    users = {
        role: make_user(**SEED_USERS[fixture])
        for role, fixture in ROLE_FIXTURES.items()
    }
    period = open_period_for_two_weeks(plan, by=users["hq"])
    return {role: user.pk for role, user in users.items()}, period.pk


@pytest.fixture
def actors(db, made_once):
    users = User.objects.in_bulk(made_once[0].values())
    return {"anonymous": None} | {role: users[pk] for role, pk in made_once[0].items()}


@pytest.fixture
def open_fy2018(db, made_once):
    """Overrides tests/conftest.py's: the period made once (own_sheet and
    other_sheet are read from it)."""
    return Period.objects.get(pk=made_once[1])


def target(obj, open_fy2018, own_sheet, other_sheet):
    if obj == "own":
        return own_sheet
    if obj == "other":
        return other_sheet
    if obj == "shared":  # item 3: 政策課 leads, 市民協働 shares
        return open_fy2018.sheets.get(item__number="3")
    if obj == "submitted":
        own_sheet.state = SurveySheet.State.SUBMITTED
        own_sheet.save()
        return own_sheet
    if obj == "returned":
        own_sheet.state = SurveySheet.State.RETURNED
        own_sheet.return_note = "指標の実績を記入してください。"
        own_sheet.save()
        return own_sheet
    if obj == "correcting":
        sheet = SurveySheet.objects.get(item__number="1", period__state="published")
        Correction.objects.create(sheet=sheet, note="訂正", values=values_of(sheet))
        return sheet
    if obj == "published":
        return SurveySheet.objects.get(item__number="1", period__state="published")
    if obj == "plan":
        return open_fy2018.plan
    if obj == "open":
        return open_fy2018
    if obj == "open_submitted":  # item 1's sheet submitted
        own_sheet.state, own_sheet.done_text = SurveySheet.State.SUBMITTED, "実施"
        own_sheet.save()
        return open_fy2018
    if obj == "published_period":
        return Period.objects.get(state="published")
    if obj == "opinion":  # on item 1, given to its lead division (the division role)
        return Opinion.objects.create(
            period=Period.objects.get(state="published"),
            item=own_sheet.item,
            text="意見",
            response="対応方針",
            division=own_sheet.lead_division,
        )
    return None


def url_args(name, target_obj):
    if target_obj is None:
        return []
    if name == "report":
        return [target_obj.pk, "summary"]
    if name == "remind":  # item 1's lead division, which has sheets missing
        return [
            target_obj.pk,
            target_obj.sheets.get(item__number="1")
            .item.division_links.first()
            .division_id,
        ]
    return [target_obj.pk]


def post_data(name, sheet):
    if name == "sheet_edit":
        return {"version": sheet.version, "done_text": "書換え", "action": "save"}
    if name == "sheet_review":
        return {"decision": "return", "note": "差戻し"}
    if name == "sheet_reply":
        return {"text": "記入しました。"}
    if name == "sheet_contribute":
        return {"text": "当課の取組を追記します。"}
    if name == "correction_open":
        return {"note": "記載誤りを訂正します。"}
    if name == "correction":
        return {"done_text": "訂正後の実績", "action": "save"}
    if name == "period_bulk" and sheet.sheets.filter(state="submitted").exists():
        return {"sheets": [sheet.sheets.get(state="submitted").pk], "action": "accept"}
    if name == "period_submit":
        return {"sheets": [s.pk for s in sheet.sheets.filter(item__number="1")]}
    if name == "period_new":
        return {
            "fiscal_year": "2018",
            "half": "second",
            "deadline": "2099-01-01",
            "confirmed": "1",
        }
    return {}


def snapshot():
    return (
        list(
            SurveySheet.objects.order_by("pk").values_list(
                "pk", "version", "state", "done_text"
            )
        ),
        list(Period.objects.order_by("pk").values_list("pk", "state")),
        list(Reply.objects.values_list("pk", "text")),
        list(Contribution.objects.values_list("pk", "text")),
        list(Correction.objects.values_list("pk", "state", "values")),
    )


CASES = [
    pytest.param(name, method, obj, role, expected, id=f"{name}-{method}-{obj}-{role}")
    for name, method, obj, statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("name", "method", "obj", "role", "expected"), CASES)
def test_access(
    client,
    actors,
    open_fy2018,
    own_sheet,
    other_sheet,
    name,
    method,
    obj,
    role,
    expected,
):
    target_obj = target(obj, open_fy2018, own_sheet, other_sheet)
    url = reverse(f"surveys:{name}", args=url_args(name, target_obj))
    if actors[role]:
        client.force_login(actors[role])
    before = snapshot()
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, post_data(name, target_obj))
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login") + "?next=")
    if method == "post" and expected not in (200, 302) or role == "anonymous":
        assert snapshot() == before


def test_matrix_covers_every_workflow_url():
    names = {name for name, *_ in MATRIX}
    resolver = get_resolver().namespace_dict["surveys"][1]
    workflow_names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    assert workflow_names == names
