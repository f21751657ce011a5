"""The plan workbook: export, import with a preview, round trips and bad files."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import workbook
from plans.models import Division
from plans.models import Grade
from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from plans.models import ScheduleRow
from surveys.models import SurveySheet
from tests import hostile
from tests.factories import add_published_period
from tests.factories import make_plan
from tests.html import area_pages
from tests.html import soup

TABLES = [
    RatingScale,
    Grade,
    Plan,
    PolicyArea,
    Division,
    Item,
    ItemDivision,
    Indicator,
    ScheduleRow,
    SurveySheet,
]


def snapshot() -> dict:
    """Every row of every table an import may touch."""
    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in TABLES
    }


def as_upload(data: bytes, name: str = "plan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def edited(data: bytes, change) -> bytes:
    """The workbook after `change(workbook)`, as a person would edit it in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_refused(client, administrator, file: SimpleUploadedFile):
    """Post `file` to the admin's import, which must answer 400 and write nothing."""
    client.force_login(administrator)
    before = snapshot()
    response = client.post(reverse("admin:plans_plan_import"), {"file": file})
    assert response.status_code == 400
    assert snapshot() == before
    return response


def cell_values(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}


def row_of(ws, number: str) -> int:
    return next(cell.row for cell in ws["A"] if cell.value == number and cell.row > 1)


def items_by_area(client, plan) -> dict[str, list[tuple]]:
    """What the area pages list per area: number, title, divisions."""
    result = {}
    sections = [
        s for page in area_pages(client, plan) for s in page.select("section.area")
    ]
    for section in sections:
        heading = section.find(["h2", "h3"]).get_text(strip=True)
        result[heading] = [
            tuple(td.get_text(" ", strip=True) for td in tr.find_all("td")[:3])
            for tr in section.select("tbody tr")
        ]
    return result


@pytest.fixture
def seed_export(seed_plan) -> bytes:
    return workbook.export_plan(seed_plan)


def test_round_trip_through_an_empty_database(client, seed_plan, seed_export):
    before = items_by_area(client, seed_plan)
    assert sum(len(rows) for rows in before.values()) == 60

    # Survey data protects the plan's items and indicators: delete it first.
    SurveySheet.objects.all().delete()
    IndicatorValue.objects.all().delete()
    Plan.objects.all().delete()
    Division.objects.all().delete()
    RatingScale.objects.filter(code=seed_plan.rating_scale.code).delete()
    assert not Item.objects.exists()

    changes = workbook.import_plan(
        workbook.read_workbook(as_upload(seed_export)), dry_run=False
    )
    plan = changes.plan
    assert changes.counts["取組項目"]["create"] == 60
    assert changes.counts["指標"]["create"] == Indicator.objects.count() == 69
    collective = Division.objects.filter(collective=True)
    assert {d.name for d in collective} == {"各所管課", "全課"}  # nobody's to chase

    again = workbook.export_plan(Plan.objects.get(pk=plan.pk))
    assert cell_values(again) == cell_values(seed_export)
    after = items_by_area(client, plan)
    assert after == before
    assert {area: len(rows) for area, rows in after.items()} == {
        "地域協働の推進": 17,
        "情報の共有と双方向のコミュニケーション": 3,
        "PDCAサイクルの構築": 6,
        "財政基盤の強化": 17,
        "執行体制の再構築": 17,
    }


def test_importing_an_unchanged_export_changes_nothing(seed_plan, seed_export):
    before = snapshot()
    for dry_run in (True, False):
        changes = workbook.import_plan(
            workbook.read_workbook(as_upload(seed_export)), dry_run=dry_run
        )
        assert changes.lines == []
        assert changes.counts["取組項目"] == {"unchanged": 60}
    assert snapshot() == before


def test_template_documents_every_column(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:plans_plan_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == [
        "説明",
        "プラン",
        "評価区分",
        "分野",
        "所管課",
        "取組項目",
        "指標",
        "工程表",
    ]
    guide = [row[1] for row in book["説明"].iter_rows(min_row=5, values_only=True)]
    for sheet in workbook.SHEETS:
        headers = [cell.value for cell in book[sheet.name][1]]
        assert headers == [column.header for column in sheet.columns]
        assert set(headers) <= set(guide)
        assert book[sheet.name].max_row == 1


def test_changes_are_previewed_and_written_on_confirmation(
    client, administrator, seed_plan, seed_export
):
    def change(book):
        items = book["取組項目"]
        items.cell(row_of(items, "1"), 4).value = "協働推進体制の充実と強化"
        items.append(
            [
                "44",
                None,
                "執行体制の再構築",
                "新しい取組",
                "",
                "",
                "○",
                "",
                "",
                "政策課",
            ]
        )
        indicators = book["指標"]
        indicators.append(["44", "①", "新しい指標", "件", "0件", 0, None, "5件", 5])

    client.force_login(administrator)
    url = reverse("admin:plans_plan_import")
    before = snapshot()
    response = client.post(url, {"file": as_upload(edited(seed_export, change))})
    assert response.status_code == 200
    counts = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr("td")]
        for tr in soup(response).select("#change-counts tbody tr")
    }
    assert counts["取組項目"] == ["1", "1", "0", "0", "0", "59"]
    assert counts["指標"] == ["1", "0", "0", "0", "0", "69"]
    lines = soup(response).select_one("#change-lines").get_text(" ", strip=True)
    assert "協働推進体制の充実 → 協働推進体制の充実と強化" in lines
    assert snapshot() == before

    token = soup(response).select_one("input[name=token]")["value"]
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert Item.objects.get(plan=seed_plan, number="1").title == (
        "協働推進体制の充実と強化"
    )
    new = Item.objects.get(plan=seed_plan, number="44")
    assert new.is_new and new.area.name == "執行体制の再構築"
    assert [d.name for d in new.division_list] == ["政策課"]
    assert new.indicators.get().target_value == 5
    # The same token cannot be confirmed twice.
    assert client.post(url, {"token": token}).status_code == 400


def test_a_refusal_late_in_the_import_rolls_everything_back(
    client, administrator, seed_plan, seed_export
):
    """Item 43 has survey sheets: removing it is refused after other rows were written."""

    def change(book):
        items = book["取組項目"]
        items.cell(row_of(items, "1"), 4).value = "書き換えた題名"
        for name in ("取組項目", "指標", "工程表"):
            ws = book[name]
            for row in reversed(range(2, ws.max_row + 1)):
                if ws.cell(row, 1).value == "43":
                    ws.delete_rows(row)

    response = import_refused(
        client, administrator, as_upload(edited(seed_export, change))
    )
    assert "No.43がブックにありませんが、調査票があるため削除できません。" in (
        response.content.decode()
    )


# Bad files: each names the place, and nothing is written.


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def column_of(ws, header: str) -> int:
    return next(cell.column for cell in ws[1] if cell.value == header)


def set_cell(sheet: str, key: str, header: str, value):
    """Set the cell under `header` in the row whose first cell is `key`."""

    def change(book):
        ws = book[sheet]
        ws.cell(row_of(ws, key), column_of(ws, header)).value = value

    return change


def delete_column(sheet: str, header: str):
    def change(book):
        ws = book[sheet]
        ws.delete_cols(column_of(ws, header))

    return change


def append_row(sheet: str, values: list):
    return lambda book: book[sheet].append(values)


# A bad edit of the seed's export per case, and the problem the page names.
BAD_WORKBOOKS = {
    "missing column": (delete_column("取組項目", "分野"), "シート「取組項目」1行目の列「分野」: この列がありません。"),
    "unknown division": (set_cell("取組項目", "43", "所管課", "政策課、存在しない課"), "シート「取組項目」61行目の列「所管課」: シート「所管課」に「存在しない課」という課がありません。"),
    "item number with a slash": (set_cell("取組項目", "2", "番号", "2/3"), "シート「取組項目」3行目の列「番号」: 番号には「/」「\\」、空白、改行を使えません。"),
    "duplicate item number": (set_cell("取組項目", "2", "番号", "1"), "シート「取組項目」3行目の列「番号」: 「1」は2行目にもあります。重複しています。"),
    "duplicate grade": (append_row("評価区分", ["S", "もう一つのS", "", "#123456", ""]), "シート「評価区分」5行目の列「記号」: 「S」は2行目にもあります。重複しています。"),
    "wrong reason flag of a grade": (set_cell("評価区分", "S", "理由必須", "たぶん"), "シート「評価区分」2行目の列「理由必須」: 「たぶん」は○または×ではありません。"),
    "formula": (set_cell("取組項目", "1", "取組項目名", '=HYPERLINK("http://example.com")'), "シート「取組項目」2行目の列「取組項目名」: 数式は使えません。値そのものを入力してください。"),
    "area not listed": (set_cell("取組項目", "1", "分野", "存在しない分野"), "シート「取組項目」2行目の列「分野」: シート「分野」に「存在しない分野」という分野がありません。"),
    "indicator of an unknown item": (append_row("指標", ["99", "①", "指標", "", "", None]), "シート「指標」71行目の列「項目番号」: シート「取組項目」に番号「99」の取組項目がありません。"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_WORKBOOKS)
def test_bad_workbook_is_refused_with_its_place(
    client, administrator, seed_plan, seed_export, case
):
    change, message = BAD_WORKBOOKS[case]
    response = import_refused(
        client, administrator, as_upload(edited(seed_export, change))
    )
    assert message in problems_shown(response)


def problems_shown(response) -> list[str]:
    """Each problem row of the page, read back as one sentence with its place."""
    return [
        "シート「{}」{}行目の列「{}」: {}".format(
            *(td.get_text(strip=True) for td in tr("td"))
        )
        for tr in soup(response).select("#problems tbody tr")
    ]


def bomb() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (30 * 1024 * 1024),
        }
    )


BAD_FILES = {
    "not an xlsx name": (
        lambda: b"a,b\n1,2\n",
        "plan.csv",
        "「plan.csv」はExcelブックではありません。",
    ),
    "text renamed to xlsx": (
        lambda: "番号,題名\n1,協働\n".encode(),
        "plan.xlsx",
        "このファイルはExcelブック（.xlsx）ではありません。",
    ),
    "zip renamed to xlsx": (
        lambda: zip_bytes({"readme.txt": b"hello"}),
        "plan.xlsx",
        "このファイルはExcelブック（.xlsx）ではありません。",
    ),
    "decompression bomb": (
        bomb,
        "plan.xlsx",
        "圧縮爆弾のおそれがあるものとして受け付けません。",
    ),
    "broken workbook xml": (
        lambda: zip_bytes(
            {"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<workbook"}
        ),
        "plan.xlsx",
        "Excelブックとして読み取れませんでした",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_is_refused(client, administrator, seed_plan, case):
    make, name, message = BAD_FILES[case]
    response = import_refused(client, administrator, as_upload(make(), name))
    assert message in soup(response).select_one("#upload-error").get_text()


def test_oversized_file_is_refused(client, administrator, seed_plan, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = import_refused(
        client, administrator, as_upload(b"PK" + b"x" * (1024 * 1024 + 1))
    )
    assert (
        "ファイルの大きさが 1.0 MB あります。1 MB までのファイルを取り込めます。"
        in soup(response).select_one("#upload-error").get_text()
    )


def test_entity_expansion_is_refused(client, administrator, seed_plan, seed_export):
    """A billion-laughs sharedStrings.xml is stopped by defusedxml, not parsed."""
    assert openpyxl.DEFUSEDXML is True
    with zipfile.ZipFile(io.BytesIO(seed_export)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    # The second worksheet (プラン) declares entities and uses one in a cell.
    entries["xl/worksheets/sheet2.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c>'
        b"</row></sheetData></worksheet>"
    )
    response = import_refused(client, administrator, as_upload(zip_bytes(entries)))
    assert "Excelブックとして読み取れませんでした（EntitiesForbidden）" in (
        soup(response).select_one("#upload-error").get_text()
    )


@pytest.mark.parametrize("row", [3_000, 20_000, 1_048_576])
def test_sheet_declared_beyond_its_layout_is_refused_unread(
    client, administrator, seed_plan, seed_export, row
):
    """Every sheet padded to column XFD and row `row` is refused, not read cell by cell."""
    data = hostile.padded_to_row(seed_export, row)
    response = import_refused(client, administrator, as_upload(data))
    assert "16384 列" in soup(response).select_one("#upload-error").get_text()


def test_shared_strings_beyond_the_part_limit_are_refused(
    client, administrator, seed_plan, seed_export, settings
):
    settings.UPLOAD_MAX_SHARED_STRINGS_BYTES = 1024 * 1024
    data = hostile.with_shared_strings(seed_export, 3)
    response = import_refused(client, administrator, as_upload(data))
    assert "xl/sharedStrings.xml" in (
        soup(response).select_one("#upload-error").get_text()
    )


def test_only_administrators_import(client, hq_officer, seed_plan):
    client.force_login(hq_officer)
    response = client.get(reverse("admin:plans_plan_import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Item, "number", "1/2"),
        (Item, "number", "1\nBcc: x@example.com"),
        (Grade, "colour", "red"),
        (Grade, "colour", "</style><script>"),
        (Grade, "colour", "#12345g"),
    ],
)
def test_item_numbers_and_grade_colours_are_validated_where_they_enter(
    seed_plan, model, field, value
):
    """The admin's forms run these model checks; the plan workbook runs them per cell."""
    record = model.objects.filter(
        **({"plan": seed_plan} if model is Item else {"scale": seed_plan.rating_scale})
    ).first()
    setattr(record, field, value)
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert field in refused.value.message_dict


# An unnumbered plan's messages name items by their titles.


def rows_with(ws, value) -> list[int]:
    return [
        row[0].row for row in ws.iter_rows(min_row=2) if value in (c.value for c in row)
    ]


def test_an_unnumbered_plans_import_messages_name_items_by_title(client, administrator):
    plan = make_plan(numbered=False, items=3)
    add_published_period(plan, fiscal_year=2024)
    data = workbook.export_plan(plan)
    first, second = plan.items.order_by("order")[:2]

    def remove_first(book):
        items = book["取組項目"]
        for row in reversed(rows_with(items, first.title)):
            items.delete_rows(row)
        for name in ("指標", "工程表"):  # their rows name the item by its place
            ws = book[name]
            for row in reversed(rows_with(ws, first.number)):
                ws.delete_rows(row)

    refusal = import_refused(
        client, administrator, as_upload(edited(data, remove_first))
    )
    page = " ".join(soup(refusal).get_text(" ").split())
    assert (
        f"{first.title}がブックにありませんが、調査票があるため削除できません。" in page
    )
    assert "No." not in page

    def rename_second(book):
        ws = book["取組項目"]
        for row in rows_with(ws, second.title):
            for cell in ws[row]:
                if cell.value == second.title:
                    cell.value = "窓口の改善（改題）"

    client.force_login(administrator)
    preview = client.post(
        reverse("admin:plans_plan_import"),
        {"file": as_upload(edited(data, rename_second))},
    )
    assert preview.status_code == 200
    tables = [t.get_text(" ") for t in soup(preview).find_all("table")]
    changes = next(t for t in tables if "変更の種類" in t)
    assert "窓口の改善（改題）" in changes
    assert "No." not in changes
