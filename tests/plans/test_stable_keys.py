"""Stable keys: a plan workbook that reorders, renumbers or moves rows moves no data.

Each test edits the seed plan's export as a person would in Excel, imports
it through the admin's preview and confirmation, and compares what citizens
see, the public item pages and the open data, before and after.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from plans import workbook
from plans.models import Indicator
from plans.models import Item
from plans.models import Plan
from plans.models import ScheduleRow
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet
from surveys.workflow import open_period
from tests.factories import make_plan
from tests.html import area_pages
from tests.html import soup
from tests.plans.test_workbook import as_upload
from tests.plans.test_workbook import column_of
from tests.plans.test_workbook import edited
from tests.plans.test_workbook import problems_shown
from tests.plans.test_workbook import row_of


def every_table() -> dict:
    """Every row of every table of the plans and surveys apps, history included."""
    models = [
        *apps.get_app_config("plans").get_models(),
        *apps.get_app_config("surveys").get_models(),
    ]
    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in models
    }


def preview_and_confirm(client, administrator, data: bytes) -> list[tuple]:
    """Import through the admin; the preview's lines as (sheet, row, change)."""
    client.force_login(administrator)
    url = reverse("admin:plans_plan_import")
    response = client.post(url, {"file": as_upload(data)})
    assert response.status_code == 200, problems_shown(response)
    lines = [
        tuple(td.get_text(strip=True) for td in tr("td")[:3])
        for tr in soup(response).select("#change-lines tbody tr")
    ]
    token = soup(response).select_one("input[name=token]")["value"]
    assert client.post(url, {"token": token}).status_code == 302
    return lines


def on_sheet(lines: list[tuple], sheet: str) -> list[tuple]:
    return [(row, change) for name, row, change in lines if name == sheet]


# What citizens see of each item, by the item's key: the indicators with
# their actuals, the schedule, and the published sheets with their ratings.


def published_pages(client, plan: Plan) -> dict[str, dict]:
    return {
        item.key: item_page(client, item)
        for item in Item.objects.filter(plan=plan, relisted_from=None)
    }


def item_page(client, item: Item) -> dict:
    page = soup(client.get(item.get_absolute_url()))

    def rows(table_id: str) -> dict[str, list[str]]:
        table = page.find("table", id=table_id)
        if table is None:
            return {}
        return {
            tr.th.get_text(" ", strip=True): [
                td.get_text(" ", strip=True) for td in tr("td")
            ]
            for tr in table.select("tbody tr")
        }

    progress = page.select_one("section[aria-labelledby=progress-heading]")
    return {
        "indicators": rows("indicators"),
        "schedule": rows("schedule"),
        "ratings": {
            div.dt.get_text(" ", strip=True): div.dd.get_text(" ", strip=True)
            for div in progress.select("div")
            if div.dt
        },
    }


def results_url(plan: Plan) -> str:
    return reverse("public:results_json", args=[plan.city.slug, plan.pk])


def open_data(client, plan: Plan, *, ignore=("item_number",)) -> dict:
    """The open data's records by item title and period, without the `ignore`d keys.

    A plan with no numbers names parents and sources by key.
    """
    records = client.get(results_url(plan)).json()["records"]
    return {
        (
            r["title"],
            (r.get("parent_number") or r.get("parent_key")) and "sub",
            r["fiscal_year"],
            r["half"],
        ): {key: value for key, value in r.items() if key not in ignore}
        for r in records
        if not (r.get("relisted_from") or r.get("relisted_from_key"))
    }


@pytest.fixture
def seed_export(seed_plan) -> bytes:
    return workbook.export_plan(seed_plan)


def cell(ws, key: str, header: str):
    """The cell under `header` in the row whose first cell is `key`."""
    return ws.cell(row_of(ws, key), column_of(ws, header))


def rows_of_item(ws, number: str) -> list[int]:
    return [c.row for c in ws["A"] if c.value == number and c.row > 1]


# Moves


def test_an_indicator_inserted_above_leaves_each_actual_on_its_indicator(
    client, administrator, seed_plan, seed_export
):
    before = published_pages(client, seed_plan)
    data = open_data(client, seed_plan)

    def insert(book):
        ws = book["指標"]
        first = rows_of_item(ws, "1")[0]
        ws.insert_rows(first)
        for header, value in [
            ("項目番号", "1"),
            ("記号", "①"),
            ("指標名", "新しい指標"),
        ]:
            ws.cell(first, column_of(ws, header)).value = value

    lines = preview_and_confirm(client, administrator, edited(seed_export, insert))

    assert on_sheet(lines, "指標") == [("No.1 (1)", "新規")]
    after = published_pages(client, seed_plan)
    item = seed_plan.items.get(number="1")
    assert after[item.key]["indicators"] == {
        "①新しい指標": ["—", "—", "—"],
        **before[item.key]["indicators"],
    }
    assert after[item.key]["indicators"]["①市民活動支援センター来場者数増"][-1] == (
        "9,718人"
    )
    assert {k: v for k, v in after.items() if k != item.key} == {
        k: v for k, v in before.items() if k != item.key
    }
    assert open_data(client, seed_plan) == data


def swap_rows(ws, first: int, second: int) -> None:
    for column in range(1, ws.max_column + 1):
        a, b = ws.cell(first, column), ws.cell(second, column)
        a.value, b.value = b.value, a.value


def test_swapping_two_unnumbered_items_moves_them_with_their_results(
    client, administrator, seed_plan
):
    seed_plan.numbered_items = False
    seed_plan.save()
    before = published_pages(client, seed_plan)
    data = open_data(client, seed_plan)

    def swap(book):
        ws = book["取組項目"]
        swap_rows(ws, row_of(ws, "1"), row_of(ws, "3"))

    lines = preview_and_confirm(
        client, administrator, edited(workbook.export_plan(seed_plan), swap)
    )

    # Named by their titles, as the plan shows no numbers.
    titles = [Item.objects.get(plan=seed_plan, number=n).title for n in ("1", "3")]
    assert sorted(on_sheet(lines, "取組項目")) == sorted((t, "移動") for t in titles)
    assert published_pages(client, seed_plan) == before
    assert open_data(client, seed_plan) == data
    titles = list(seed_plan.items.filter(parent=None).values_list("title", flat=True))
    assert titles[:3] == [
        "地域コミュニティの推進",
        "協働事業の推進",
        "協働推進体制の充実",
    ]


def renumber_1_and_3(book):
    """Items 1 and 3 swap numbers, on every sheet that names them."""
    for name in ("取組項目", "指標", "工程表"):
        ws = book[name]
        ones, threes = rows_of_item(ws, "1"), rows_of_item(ws, "3")
        for row in ones:
            ws.cell(row, 1).value = "3"
        for row in threes:
            ws.cell(row, 1).value = "1"


def test_renumbering_items_keeps_each_items_results(
    client, administrator, seed_plan, seed_export
):
    before = published_pages(client, seed_plan)
    data = open_data(client, seed_plan)

    lines = preview_and_confirm(
        client, administrator, edited(seed_export, renumber_1_and_3)
    )

    assert sorted(on_sheet(lines, "取組項目")) == [
        ("No.1", "番号変更"),
        ("No.3", "番号変更"),
    ]
    assert {change for _sheet, _row, change in lines} == {"番号変更"}
    assert published_pages(client, seed_plan) == before
    assert open_data(client, seed_plan) == data
    page = client.get(
        reverse("public:item", args=[seed_plan.city.slug, seed_plan.pk, "3"])
    )
    assert "協働推進体制の充実" in page.content.decode()
    assert "9,718人" in page.content.decode()


def test_moving_an_item_to_another_area_keeps_its_results(
    client, administrator, seed_plan, seed_export
):
    before = published_pages(client, seed_plan)
    data = open_data(
        client, seed_plan, ignore=("item_number", "policy_area", "policy_area_keys")
    )

    lines = preview_and_confirm(
        client,
        administrator,
        edited(
            seed_export,
            lambda book: setattr(
                cell(book["取組項目"], "3", "分野"), "value", "執行体制の再構築"
            ),
        ),
    )

    assert on_sheet(lines, "取組項目") == [("No.3", "移動")]
    assert published_pages(client, seed_plan) == before
    assert (
        open_data(
            client, seed_plan, ignore=("item_number", "policy_area", "policy_area_keys")
        )
        == data
    )
    assert seed_plan.items.get(number="3").area.name == "執行体制の再構築"


@pytest.fixture
def rated_rows(seed_plan):
    """The seed plan rated per schedule row, item 1's published sheet with a status per row."""
    seed_plan.rating_target = Plan.RatingTarget.SCHEDULE_ROW
    seed_plan.save()
    sheet = SurveySheet.objects.get(item__plan=seed_plan, item__number="1")
    grades = list(seed_plan.rating_scale.grades.all())
    for k, row in enumerate(ScheduleRow.objects.filter(item=sheet.item)):
        ScheduleStatus.objects.create(
            sheet=sheet,
            schedule_row=row,
            grade=grades[k % len(grades)],
            reason=f"{row.activity}の状況",
        )
    return sheet


def test_renaming_a_schedule_row_keeps_its_status(
    client, administrator, seed_plan, rated_rows
):
    item = rated_rows.item
    old, new = "・庁内研修等の啓発活動の実施", "・庁内研修と啓発活動の実施"
    before = published_pages(client, seed_plan)
    data = open_data(client, seed_plan)

    def rename_and_insert(book):
        ws = book["工程表"]
        rows = rows_of_item(ws, "1")
        for row in rows:
            if ws.cell(row, 2).value == old:
                ws.cell(row, 2).value = new
        ws.insert_rows(rows[0])
        ws.cell(rows[0], 1).value = "1"
        ws.cell(rows[0], 2).value = "・新しい活動"

    lines = preview_and_confirm(
        client,
        administrator,
        edited(workbook.export_plan(seed_plan), rename_and_insert),
    )

    assert on_sheet(lines, "工程表") == [("No.1 (1)", "新規"), ("No.1 (3)", "変更")]
    after = published_pages(client, seed_plan)
    ratings = before[item.key]["ratings"]
    ratings[new] = ratings.pop(old)
    assert after[item.key]["ratings"] == ratings
    # The open data names each row's status by its row: the new name, same status.
    for record in data.values():
        record["schedule_statuses"] = record["schedule_statuses"].replace(old, new)
    assert open_data(client, seed_plan) == data
    status = ScheduleStatus.objects.get(schedule_row__activity=new)
    assert status.reason == f"{old}の状況"


# Removals refused


def remove_item_1(book):
    for name in ("取組項目", "指標", "工程表"):
        ws = book[name]
        for row in reversed(rows_of_item(ws, "1")):
            ws.delete_rows(row)


def remove_rows(sheet: str, column: str, value: str):
    def change(book):
        ws = book[sheet]
        header = column_of(ws, column)
        for row in reversed(range(2, ws.max_row + 1)):
            if ws.cell(row, header).value == value:
                ws.delete_rows(row)

    return change


REMOVALS = {
    "item": (
        remove_item_1,
        "シート「取組項目」行目の列「キー」: No.1がブックにありませんが、調査票があるため"
        "削除できません。 取組を終えるときは、行を残したまま列「状態」に終了または統合と"
        "書いてください。 この行には調査データがあります: 工程表の状況（平成29年度 下半期）、"
        "指標の実績値（平成29年度 下半期）、調査票（平成29年度 下半期）。",
    ),
    "indicator": (
        remove_rows("指標", "指標名", "市民活動支援センター来場者数増"),
        "シート「指標」行目の列「キー」: No.1の指標「市民活動支援センター来場者数増」が"
        "ブックにありませんが、実績値が入力されているため削除できません。 この行には"
        "調査データがあります: 指標の実績値（平成29年度 下半期）。",
    ),
    "schedule row": (
        remove_rows("工程表", "実施内容", "・庁内研修等の啓発活動の実施"),
        "シート「工程表」行目の列「キー」: No.1の工程表の行「・庁内研修等の啓発活動の実施」"
        "がブックにありませんが、状況が記入されているため削除できません。 この行には"
        "調査データがあります: 工程表の状況（平成29年度 下半期）。",
    ),
    "grade": (
        remove_rows("評価区分", "記号", "B"),
        "シート「評価区分」行目の列「記号」: 評価「B」がブックにありませんが、調査票で"
        "使われているため削除できません。 この行には調査データがあります: 工程表の状況"
        "（平成29年度 下半期）、調査票（平成29年度 下半期）。",
    ),
}


@pytest.mark.parametrize("case", REMOVALS)
def test_removing_a_row_with_survey_data_is_refused_and_writes_nothing(
    client, administrator, seed_plan, rated_rows, case
):
    change, message = REMOVALS[case]
    data = edited(workbook.export_plan(seed_plan), change)
    client.force_login(administrator)
    before = every_table()

    response = client.post(
        reverse("admin:plans_plan_import"), {"file": as_upload(data)}
    )

    assert response.status_code == 400
    shown = problems_shown(response)
    assert any(problem.startswith(message) for problem in shown), shown
    assert every_table() == before


def test_removing_an_indicator_without_actuals_still_works(
    client, administrator, seed_plan, seed_export
):
    name = "財政指標の改善における目標値 (No.20)"
    lines = preview_and_confirm(
        client, administrator, edited(seed_export, remove_rows("指標", "指標名", name))
    )
    assert on_sheet(lines, "指標") == [("No.17 (1)", "削除")]
    assert not Indicator.objects.filter(name=name).exists()


# Keys in the workbook


def test_the_export_hides_the_key_columns_and_explains_them(seed_plan, seed_export):
    book = openpyxl.load_workbook(io.BytesIO(seed_export))
    item = seed_plan.items.get(number="1")
    for name in ("取組項目", "指標", "工程表"):
        ws = book[name]
        column = column_of(ws, "キー")
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(column)].hidden
    assert cell(book["取組項目"], "1", "キー").value == item.key
    guide = list(book["説明"].iter_rows(values_only=True))
    assert sum(1 for row in guide if row[1] == "キー") == 3
    assert "キー" in guide[1][0]


def bad_key(key_of):
    def change(book):
        cell(book["取組項目"], "3", "キー").value = key_of(book)

    return change


BAD_KEYS = {
    "a typo": (
        bad_key(lambda book: "0123456789"),
        "シート「取組項目」12行目の列「キー」: 「0123456789」はこのプランの行のキーではありません。"
        "新しい行ではキーを空欄にしてください。",
    ),
    "a duplicate": (
        bad_key(lambda book: cell(book["取組項目"], "1", "キー").value),
        "シート「取組項目」12行目の列「キー」: ",
    ),
    "another plan's": (
        bad_key(lambda book: make_plan().items.get(number="1").key),
        "シート「取組項目」12行目の列「キー」: ",
    ),
}


@pytest.mark.parametrize("case", BAD_KEYS)
def test_a_key_not_of_this_plans_rows_is_refused_at_its_cell(
    client, administrator, seed_plan, seed_export, case
):
    change, message = BAD_KEYS[case]
    data = edited(seed_export, change)
    client.force_login(administrator)
    before = every_table()
    response = client.post(
        reverse("admin:plans_plan_import"), {"file": as_upload(data)}
    )
    assert response.status_code == 400
    assert any(p.startswith(message) for p in problems_shown(response))
    assert every_table() == before


def test_an_old_workbook_without_keys_still_imports(seed_plan, seed_export):
    def drop_keys(book):
        for name in ("取組項目", "指標", "工程表"):
            book[name].delete_cols(column_of(book[name], "キー"))

    before = every_table()
    old = edited(seed_export, drop_keys)
    changes = workbook.import_plan(
        workbook.read_workbook(as_upload(old)), dry_run=False
    )
    assert changes.lines == []
    assert every_table() == before


# Ending an item


def test_an_ended_item_keeps_its_history_and_gets_no_new_sheet(
    client, administrator, seed_plan, seed_export, hq_officer
):
    def end(book):
        ws = book["取組項目"]
        cell(ws, "3", "状態").value = "終了"
        cell(ws, "3", "終了年度").value = 2017

    lines = preview_and_confirm(client, administrator, edited(seed_export, end))
    assert on_sheet(lines, "取組項目") == [("No.3", "変更")]

    item = seed_plan.items.get(number="3")
    assert item.state == Item.State.ENDED
    tag = "終了（平成29年度）"
    assert tag in soup(client.get(item.get_absolute_url())).select_one("h1 + p").text
    assert any(tag in page.get_text() for page in area_pages(client, seed_plan))
    period = open_period(
        plan=seed_plan, fiscal_year=2018, half="first", deadline=None, by=hq_officer
    )
    assert not period.sheets.filter(item=item).exists()
    assert item.sheets.count() == 1
    assert period.sheets.filter(item__number="1").exists()


def test_a_merged_item_links_to_the_item_it_went_into(
    client, administrator, seed_plan, seed_export
):
    def merge(book):
        ws = book["取組項目"]
        cell(ws, "3", "状態").value = "統合"
        cell(ws, "3", "統合先").value = "1"

    preview_and_confirm(client, administrator, edited(seed_export, merge))

    item = seed_plan.items.get(number="3")
    assert item.merged_into == seed_plan.items.get(number="1")
    notice = soup(client.get(item.get_absolute_url())).select_one("#merged-into")
    assert notice.a["href"] == item.merged_into.get_absolute_url()
    again = workbook.import_plan(
        workbook.read_workbook(as_upload(workbook.export_plan(seed_plan))),
        dry_run=True,
    )
    assert again.lines == []


BAD_STATES = {
    "unknown word": ({"状態": "休止"}, "状態", "実施中、終了または統合と書いてください。"),
    "merged into nothing": ({"状態": "統合"}, "統合先", "統合先の取組項目の番号を書いてください。"),
    "merged into an unknown item": ({"状態": "統合", "統合先": "99"}, "統合先", "このシートに番号「99」の取組項目がありません。"),
    "end year of an active item": ({"終了年度": 2019}, "終了年度", "終了年度は、状態が終了または統合の項目にだけ書きます。"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_STATES)
def test_a_bad_state_is_refused_at_its_cell(
    client, administrator, seed_plan, seed_export, case
):
    cells, column, message = BAD_STATES[case]

    def change(book):
        for header, value in cells.items():
            cell(book["取組項目"], "3", header).value = value

    client.force_login(administrator)
    before = every_table()
    response = client.post(
        reverse("admin:plans_plan_import"),
        {"file": as_upload(edited(seed_export, change))},
    )
    assert response.status_code == 400
    # Item 3 is on row 12, below item 2 and its seven sub-items.
    place = f"シート「取組項目」12行目の列「{column}」: "
    assert any(
        p.startswith(place) and message in p for p in problems_shown(response)
    ), problems_shown(response)
    assert every_table() == before
