"""Divisions as a flat list through django-import-export in the admin."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Division
from tests.html import soup
from tests.plans.test_workbook import bomb

XLSX = 0  # index of the format in DivisionAdmin.import_formats
CSV = 1  # and in export_formats


def workbook_bytes(rows: list[list]) -> bytes:
    """The rows as 小平市's divisions."""
    book = openpyxl.Workbook()
    for row in [["name", "former_names", "active", "city"], *rows]:
        book.active.append(row + ["小平市"] if row[0] != "name" else row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, rows):
    return client.post(
        reverse("admin:plans_division_import"),
        {
            "format": XLSX,
            "import_file": SimpleUploadedFile("divisions.xlsx", workbook_bytes(rows)),
        },
    )


def test_divisions_import_after_a_preview(client, administrator):
    client.force_login(administrator)
    before = set(Division.objects.values_list("name", flat=True))
    response = upload(client, [["財政課", "", 1], ["デジタル推進課", "情報政策課", 1]])
    assert response.status_code == 200
    assert set(Division.objects.values_list("name", flat=True)) == before
    confirm = soup(response).select_one("form[action$='process_import/']")
    data = {i["name"]: i.get("value", "") for i in confirm.select("input[type=hidden]")}
    response = client.post(reverse("admin:plans_division_process_import"), data)
    assert response.status_code == 302
    new = Division.objects.get(name="デジタル推進課")
    assert new.former_names == "情報政策課" and new.active
    assert Division.objects.count() == len(before) + 1


def test_a_name_for_every_division_is_marked_collective(client, administrator):
    client.force_login(administrator)
    confirm = soup(upload(client, [["関係各課", "", 1], ["関係課調整室", "", 1]]))
    form = confirm.select_one("form[action$='process_import/']")
    data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    client.post(reverse("admin:plans_division_process_import"), data)
    assert Division.objects.get(name="関係各課").collective
    assert not Division.objects.get(name="関係課調整室").collective


def test_a_bad_row_imports_nothing(client, administrator):
    client.force_login(administrator)
    before = list(Division.objects.values_list())
    response = upload(client, [["新しい課", "", 1], ["長" * 101, "", 1]])
    assert response.status_code == 200
    assert "process_import" not in response.content.decode()
    assert "100" in soup(response).get_text()  # the max_length message
    assert list(Division.objects.values_list()) == before


def test_divisions_export_opens_in_excel(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:plans_division_export"),
        {
            "format": XLSX,
            "resource": 0,
            "divisionresource_name": "on",
            "divisionresource_former_names": "on",
            "divisionresource_active": "on",
        },
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert set(names) == set(Division.objects.values_list("name", flat=True))


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_division_export_neutralises_formulas_keeping_the_text(
    client, administrator, export_format
):
    names = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "=1"]
    city = Division.objects.first().city
    for name in names:
        Division.objects.create(city=city, name=name)
    client.force_login(administrator)
    formats = {"xlsx": XLSX, "csv": CSV}
    response = client.post(
        reverse("admin:plans_division_export"),
        {
            "format": formats[export_format],
            "resource": 0,
            "divisionresource_name": "on",
        },
    )
    assert response.status_code == 200
    if export_format == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [row[0] for row in book.active.iter_rows(min_row=2)]
        assert not any(cell.data_type == "f" for cell in cells)
        exported = [cell.value for cell in cells]
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        exported = [row[0] for row in rows[1:]]
    assert {f"'{name}" for name in names} <= set(exported)


def test_a_decompression_bomb_is_refused_before_it_is_read(client, administrator):
    client.force_login(administrator)
    before = snapshot_divisions()
    response = client.post(
        reverse("admin:plans_division_import"),
        {"format": XLSX, "import_file": SimpleUploadedFile("divisions.xlsx", bomb())},
    )
    assert response.status_code == 200
    assert "圧縮爆弾のおそれ" in soup(response).select_one(".errorlist").get_text()
    assert snapshot_divisions() == before


def test_an_oversized_or_foreign_file_is_refused(client, administrator, settings):
    client.force_login(administrator)
    before = snapshot_divisions()
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("divisions.csv", b"name,former_names,active\n" * 50_000)
    for upload, message in [
        (big, "1 MB までのファイルを取り込めます"),
        (SimpleUploadedFile("divisions.pdf", b"%PDF"), "取り込めません"),
    ]:
        response = client.post(
            reverse("admin:plans_division_import"),
            {"format": XLSX, "import_file": upload},
        )
        assert message in soup(response).select_one(".errorlist").get_text()
    assert snapshot_divisions() == before


def snapshot_divisions():
    return list(Division.objects.order_by("pk").values_list("name", "former_names"))
