import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from plans.models import Division
from plans.models import Membership
from surveys.models import Contribution
from surveys.models import Correction
from surveys.models import Notice
from surveys.models import Opinion
from surveys.models import Reminder
from surveys.models import Reply
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet
from tests.conftest import make_user
from tests.conftest import rename_division_in_admin
from tests.html import soup

# Historical records are read through their model's history page, not an admin of their own.
OUR_MODELS = [
    m
    for app in ("plans", "surveys")
    for m in apps.get_app_config(app).get_models()
    if not m.__name__.startswith("Historical")
]


def an_instance(model):
    """A row to open in the admin; the seed plan rates items, so a status is made,
    and it has no people, so a membership is made."""
    if model is Membership and not Membership.objects.exists():
        make_user("hq", role=Membership.Role.HQ)
    if model is ScheduleStatus and not ScheduleStatus.objects.exists():
        sheet = SurveySheet.objects.filter(item__schedule_rows__isnull=False).first()
        ScheduleStatus.objects.create(
            sheet=sheet, schedule_row=sheet.item.schedule_rows.first()
        )
    if model is Reminder and not Reminder.objects.exists():
        sheet = SurveySheet.objects.first()
        Reminder.objects.create(
            period=sheet.period,
            division=sheet.item.division_links.first().division,
            sheet_count=1,
            delivered=True,
        )
    if model is Reply and not Reply.objects.exists():
        Reply.objects.create(
            sheet=SurveySheet.objects.first(), by_hq=False, text="回答"
        )
    if model is Correction and not Correction.objects.exists():
        Correction.objects.create(sheet=SurveySheet.objects.first(), note="誤記の訂正")
    if model is Contribution and not Contribution.objects.exists():
        sheet = SurveySheet.objects.first()
        Contribution.objects.create(
            sheet=sheet,
            division=sheet.item.division_links.first().division,
            text="記載",
        )
    if model is Notice and not Notice.objects.exists():
        Notice.objects.create(
            recipient=make_user("staff"),
            kind=Notice.Kind.REMINDER,
            period=SurveySheet.objects.first().period,
            subject="件名",
            body="本文",
            url="/surveys/",
        )
    if model is Opinion and not Opinion.objects.exists():
        sheet = SurveySheet.objects.first()
        Opinion.objects.create(period=sheet.period, item=sheet.item, text="意見")
    return model.objects.first()


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m.__name__)
def test_every_model_has_working_admin_pages(admin_client, seed_plan, model):
    assert admin.site.is_registered(model)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    change = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change",
        args=[an_instance(model).pk],
    )
    assert admin_client.get(change).status_code == 200


def test_renaming_a_division_in_the_admin_shows_on_public_pages(
    admin_client, client, seed_plan
):
    division = Division.objects.get(name="政策課")
    response = rename_division_in_admin(admin_client, division, "企画政策課")
    assert response.status_code == 302
    item_page = client.get(seed_plan.items.get(number="1").get_absolute_url())
    assert "企画政策課" in item_page.content.decode()


def test_admin_requires_login(client, db):
    response = client.get(reverse("admin:plans_item_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_shows_a_sheets_history(admin_client, seed_plan):
    sheet = SurveySheet.objects.get(item__number="1")
    response = admin_client.get(
        reverse("admin:surveys_surveysheet_history", args=[sheet.pk])
    )
    assert response.status_code == 200
    assert "協働推進体制の充実" in response.content.decode()


@pytest.mark.parametrize(
    "field", ["parent", "relisted_from", "carried_from", "merged_into"]
)
def test_an_items_change_page_loads_no_list_of_every_item(
    admin_client, seed_plan, field
):
    """Links between items are typed as ids: no select lists every item of every plan."""
    item = seed_plan.items.get(number="3")
    page = soup(admin_client.get(reverse("admin:plans_item_change", args=[item.pk])))
    widget = page.find(attrs={"name": field})
    assert widget.name == "input"
    assert "vForeignKeyRawIdAdminField" in widget["class"]
