"""English names beside a plan's Japanese ones (django-modeltrans): stored, never in place of them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import override

from plans import workbook
from plans.models import Division
from plans.models import Item
from tests.plans.test_workbook import as_upload
from tests.plans.test_workbook import cell_values
from tests.plans.test_workbook import column_of
from tests.plans.test_workbook import delete_column
from tests.plans.test_workbook import edited
from tests.plans.test_workbook import set_cell


def test_an_english_title_is_kept_beside_the_japanese_one(seed_plan):
    item = Item.objects.get(plan=seed_plan, number="2")
    key, title = item.key, item.title
    item.title_en = "Promoting joint projects"
    item.save()
    item.refresh_from_db()
    assert (item.key, item.title) == (key, title)
    with override("en"):
        assert item.title_i18n == "Promoting joint projects"
    with override("ja"):
        assert item.title_i18n == title
    # Without English, English pages fall back to the Japanese.
    other = Item.objects.get(plan=seed_plan, number="3")
    with override("en"):
        assert other.title_i18n == other.title


def test_the_admin_edits_a_division_s_english_name_and_keeps_it_in_history(
    client, administrator, seed_plan
):
    division = Division.objects.get(city=seed_plan.city, name="財政課")
    client.force_login(administrator)
    url = reverse("admin:plans_division_change", args=[division.pk])
    form = client.get(url).content.decode()
    assert 'name="name_en"' in form
    assert 'name="name_ja"' not in form and 'name="name_i18n"' not in form
    response = client.post(
        url,
        {
            "city": division.city_id,
            "name": "財政課",
            "name_en": "Finance Division",
            "former_names": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    division.refresh_from_db()
    assert (division.name, division.name_en) == ("財政課", "Finance Division")
    assert division.history.first().i18n == {"name_en": "Finance Division"}


def name_area_in_english(name: str, english: str):
    def change(book):
        ws = book["分野"]
        row = next(c.row for c in ws["B"] if c.value == name)
        ws.cell(row, column_of(ws, "分野名（英語）")).value = english

    return change


def test_the_plan_workbook_writes_and_reads_the_english_names(seed_plan):
    """Exported, edited in Excel and imported: the English changes, nothing else."""
    item = Item.objects.get(plan=seed_plan, number="2")
    item.title_en = "Promoting joint projects"
    item.save()
    division = Division.objects.get(city=seed_plan.city, name="財政課")
    division.name_en = "Finance Division"
    division.save()
    exported = workbook.export_plan(seed_plan)
    unchanged = workbook.import_plan(
        workbook.read_workbook(as_upload(exported)), dry_run=False
    )
    assert not unchanged.lines

    edits = [
        set_cell("取組項目", "2", "取組項目名（英語）", "Joint projects"),
        set_cell("取組項目", "3", "取組項目名（英語）", "Citizens' participation"),
        set_cell("所管課", "財政課", "所管課名（英語）", None),
        set_cell("評価区分", "S", "名称（英語）", "Ahead of schedule"),
        name_area_in_english("地域協働の推進", "Working with the community"),
    ]
    data = exported
    for change in edits:
        data = edited(data, change)
    changes = workbook.import_plan(
        workbook.read_workbook(as_upload(data)), dry_run=False
    )
    shown = sorted(
        ((line.sheet, line.action, line.fields) for line in changes.lines), key=repr
    )
    assert shown == [
        ("分野", "update", {"名称（英語）": ("", "Working with the community")}),
        ("取組項目", "update", {"取組項目名（英語）": ("", "Citizens' participation")}),
        (
            "取組項目",
            "update",
            {"取組項目名（英語）": ("Promoting joint projects", "Joint projects")},
        ),
        ("所管課", "update", {"名称（英語）": ("Finance Division", "")}),
        ("評価区分", "update", {"名称（英語）": ("", "Ahead of schedule")}),
    ]
    item.refresh_from_db()
    division.refresh_from_db()
    assert (item.title, item.title_en) == ("協働事業の推進", "Joint projects")
    assert Item.objects.get(plan=seed_plan, number="3").title_en == (
        "Citizens' participation"
    )
    assert (division.name, division.name_en) == ("財政課", None)
    grade = seed_plan.rating_scale.grades.get(code="S")
    assert (grade.label, grade.label_en) == ("予定以上に進捗", "Ahead of schedule")
    area = seed_plan.areas.get(name="地域協働の推進")
    assert area.name_en == "Working with the community"
    assert area.history.first().i18n == {"name_en": "Working with the community"}
    # And it exports as it was written.
    again = cell_values(workbook.export_plan(seed_plan))
    assert cell_values(data) == again


def test_a_workbook_without_the_english_columns_keeps_the_english(seed_plan):
    """An older workbook, or one a city left them out of, changes no English."""
    item = Item.objects.get(plan=seed_plan, number="2")
    item.title_en = "Promoting joint projects"
    item.save()
    data = edited(
        workbook.export_plan(seed_plan),
        delete_column("取組項目", "取組項目名（英語）"),
    )
    changes = workbook.import_plan(
        workbook.read_workbook(as_upload(data)), dry_run=False
    )
    assert not changes.lines
    item.refresh_from_db()
    assert item.title_en == "Promoting joint projects"


def test_an_english_name_longer_than_the_japanese_may_be_is_refused(seed_plan):
    data = edited(
        workbook.export_plan(seed_plan),
        set_cell("取組項目", "2", "取組項目名（英語）", "x" * 1000),
    )
    with pytest.raises(workbook.WorkbookInvalid) as refused:
        workbook.read_workbook(as_upload(data))
    assert [(p.sheet, p.column) for p in refused.value.problems] == [
        ("取組項目", "取組項目名（英語）")
    ]
