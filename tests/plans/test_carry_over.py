"""Plans follow plans: items carried over keep a link, shown on both item pages."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from plans import workbook
from plans.carry import carry_over
from plans.models import Item
from plans.models import Plan
from tests.factories import make_plan
from tests.html import soup


@pytest.fixture
def fourth_plan(seed_plan):
    """The plan after the seed's: one area, no items yet."""
    return make_plan(
        items=0,
        city=seed_plan.city,
        name="第4次行財政再構築プラン",
        first_fiscal_year=2021,
        last_fiscal_year=2024,
        previous_plan=seed_plan,
    )


def lineage_links(client, item) -> list[tuple[str, str | None]]:
    """The 'across plans' list of an item page: (text, link or None for itself)."""
    page = soup(client.get(item.get_absolute_url()))
    return [
        (li.get_text(" ", strip=True), li.a["href"] if li.a else None)
        for li in page.select("#lineage li")
    ]


def test_three_carried_items_link_both_ways(client, seed_plan, fourth_plan):
    area = fourth_plan.areas.get()
    old = [seed_plan.items.get(number=n) for n in ("1", "15", "43")]
    new = [
        carry_over(item, into=fourth_plan, area=area, number=str(k))
        for k, item in enumerate(old, start=1)
    ]
    for before, after in zip(old, new, strict=True):
        assert after.is_follow_up and after.carried_from == before
        assert after.title == before.title
        assert [d.name for d in after.division_list] == [
            d.name for d in before.division_list
        ]
        assert lineage_links(client, after) == [
            (
                f"第3次行財政再構築プラン No.{before.number} {before.title}",
                before.get_absolute_url(),
            ),
            (f"第4次行財政再構築プラン No.{after.number} {after.title}", None),
        ]
        assert lineage_links(client, before) == [
            (f"第3次行財政再構築プラン No.{before.number} {before.title}", None),
            (
                f"第4次行財政再構築プラン No.{after.number} {after.title}",
                after.get_absolute_url(),
            ),
        ]
    # Items not carried over show no history across plans.
    assert lineage_links(client, seed_plan.items.get(number="2")) == []


def test_an_item_cannot_continue_an_item_of_its_own_plan(seed_plan):
    item = seed_plan.items.get(number="2")
    item.carried_from = seed_plan.items.get(number="1")
    with pytest.raises(ValidationError):
        item.full_clean()
    with pytest.raises(ValueError):
        carry_over(item, into=seed_plan, area=seed_plan.areas.first(), number="99")
    assert not Item.objects.filter(number="99").exists()


def test_a_plan_workbook_names_the_previous_plan_and_items(client, seed_plan):
    data = workbook.export_plan(seed_plan)
    book = openpyxl.load_workbook(io.BytesIO(data))
    plan_sheet, items = book["プラン"], book["取組項目"]
    headers = {cell.value: cell.column for cell in plan_sheet[1]}
    plan_sheet.cell(2, headers["プラン名"]).value = "第4次行財政再構築プラン"
    plan_sheet.cell(2, headers["前のプラン"]).value = seed_plan.name
    column = next(c.column for c in items[1] if c.value == "前のプランの番号")
    for row in items.iter_rows(min_row=2):
        if row[0].value in ("1", "15", "43"):
            items.cell(row[0].row, column).value = row[0].value
    buffer = io.BytesIO()
    book.save(buffer)

    draft = workbook.read_workbook(SimpleUploadedFile("p.xlsx", buffer.getvalue()))
    plan = workbook.import_plan(draft, dry_run=False).plan
    assert plan.previous_plan == seed_plan
    carried = plan.items.exclude(carried_from=None).order_by("order")
    assert [
        (i.number, i.carried_from.plan, i.carried_from.number) for i in carried
    ] == [
        ("1", seed_plan, "1"),
        ("15", seed_plan, "15"),
        ("43", seed_plan, "43"),
    ]
    old = seed_plan.items.get(number="15")
    assert lineage_links(client, old)[1][1] == carried[1].get_absolute_url()
    # Export names them again.
    again = openpyxl.load_workbook(io.BytesIO(workbook.export_plan(plan)))
    assert again["プラン"].cell(2, headers["前のプラン"]).value == seed_plan.name


def test_an_unknown_previous_item_is_refused(seed_plan):
    book = openpyxl.load_workbook(io.BytesIO(workbook.export_plan(seed_plan)))
    plan_sheet, items = book["プラン"], book["取組項目"]
    headers = {cell.value: cell.column for cell in plan_sheet[1]}
    plan_sheet.cell(2, headers["プラン名"]).value = "第4次行財政再構築プラン"
    plan_sheet.cell(2, headers["前のプラン"]).value = seed_plan.name
    column = next(c.column for c in items[1] if c.value == "前のプランの番号")
    items.cell(2, column).value = "99"
    buffer = io.BytesIO()
    book.save(buffer)
    draft = workbook.read_workbook(SimpleUploadedFile("p.xlsx", buffer.getvalue()))
    with pytest.raises(workbook.WorkbookInvalid) as refused:
        workbook.import_plan(draft, dry_run=False)
    assert [p.message for p in refused.value.problems] == [
        "No.1: 前のプランに番号「99」の取組項目がありません。"
    ]
    assert not Plan.objects.filter(name="第4次行財政再構築プラン").exists()
