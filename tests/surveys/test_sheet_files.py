"""Survey sheets filled offline: download the workbook, fill it in, upload, confirm.

Uploads are built the way a division makes them: the downloaded workbook,
edited with openpyxl and saved. Every refused or broken upload leaves the
database as it was.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import ngettext

from plans.models import IndicatorValue
from plans.models import Period
from reformtracker.holds.models import HeldFile
from reformtracker.lib.uploads import MEGABYTE
from reformtracker.lib.uploads import Problem
from surveys import reports
from surveys import sheetfiles
from surveys.models import Conflict
from surveys.models import SurveySheet
from tests import hostile
from tests.html import soup
from tests.html import table_rows
from tests.html import text

MESSAGES = {
    "not_xlsx": "The file is not an Excel workbook (.xlsx). If it was saved as .xls "
    "or CSV, open it in Excel and save it as “Excel Workbook (*.xlsx)”.",
    "formula": "“%(field)s” holds a formula; formulas are not accepted. "
    "Type the text or number itself.",
    "grade": "“%(value)s” is not a rating of this plan; choose one of %(codes)s.",
    "division": "Only the responsible division can fill this sheet.",
    "submitted": "This sheet has been submitted; it can be changed again only if "
    "HQ returns it.",
    "stale": "Someone saved this sheet in the app after the workbook was "
    "downloaded, so the workbook's copy is out of date. Download the workbook "
    "again and enter your changes there.",
    "mismatch": "The workbook does not match this period's sheets; download it "
    "again from this period's page.",
    "not_ours": "This is not a workbook downloaded from ReformTracker. Download the "
    "survey sheets of the period, fill them in and upload that file.",
}


def message(key: str, **params) -> str:
    """The message as the page shows it: translated when a translation exists."""
    return gettext(MESSAGES[key]) % params if params else gettext(MESSAGES[key])


# Building uploads


def download(client, user, period) -> openpyxl.Workbook:
    client.force_login(user)
    response = client.get(reverse("surveys:period_workbook", args=[period.pk]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def places(workbook) -> dict[tuple[str, str], str]:
    """(worksheet, field) → the cell to fill, read from the hidden `_meta`."""
    rows = workbook["_meta"].iter_rows(min_row=2, values_only=True)
    return {(worksheet, name): cell for worksheet, _pk, _v, name, cell in rows}


def fill(workbook, worksheet: str, name: str, value) -> str:
    coordinate = places(workbook)[(worksheet, name)]
    workbook[worksheet][coordinate] = value
    return coordinate


def as_upload(workbook_or_bytes, name: str = "調査票.xlsx") -> SimpleUploadedFile:
    data = workbook_or_bytes
    if isinstance(data, openpyxl.Workbook):
        buffer = io.BytesIO()
        data.save(buffer)
        data = buffer.getvalue()
    return SimpleUploadedFile(name, data)


def upload(client, period, file):
    return client.post(
        reverse("surveys:period_upload", args=[period.pk]), {"file": file}
    )


def confirm(client, period, preview):
    form = soup(preview).find("form", id="confirm")
    assert form is not None, "no confirm button on the preview"
    data = {i["name"]: i["value"] for i in form.find_all("input")}
    return client.post(reverse("surveys:period_upload", args=[period.pk]), data)


def upload_storing_nothing(client, period, file):
    """Upload `file`, which must store nothing and offer nothing to confirm."""
    before = snapshot()
    response = upload(client, period, file)
    assert soup(response).find(id="confirm") is None
    assert snapshot() == before
    return response


def snapshot():
    return (
        list(
            SurveySheet.objects.order_by("pk").values_list(
                "pk", "version", "state", "done_text", "division_grade"
            )
        ),
        list(IndicatorValue.objects.order_by("pk").values_list("pk", "text")),
    )


def actual_of(sheet: SurveySheet) -> IndicatorValue:
    return (
        IndicatorValue.objects.filter(period=sheet.period, indicator__item=sheet.item)
        .order_by("indicator__order")
        .first()
    )


# Download


@pytest.mark.usefixtures("kyodo_leads_its_items")
def test_division_downloads_exactly_its_sheets_prefilled(
    client, division_staff, open_fy2018, own_sheet
):
    client.force_login(division_staff)
    response = client.get(reverse("surveys:period_workbook", args=[open_fy2018.pk]))
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"]).endswith(
        "_平成30年度上半期_調査票_記入用.xlsx"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["No.1", "No.3", "No.37", "_meta"]
    assert workbook["_meta"].sheet_state == "veryHidden"
    ws = workbook["No.1"]
    cells = places(workbook)
    assert ws[cells[("No.1", "plan_text")]].value == own_sheet.plan_text
    assert own_sheet.plan_text
    # The division's cells are yellow and unlocked; the rest is protected.
    assert ws.protection.sheet
    for (worksheet, _name), coordinate in cells.items():
        cell = workbook[worksheet][coordinate]
        assert cell.fill.fgColor.rgb.endswith("FFF5CC")
        assert cell.protection.locked is False
    assert ws["B2"].protection.locked
    # The rating is chosen from the plan's scale.
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"S,A,B"'
    assert str(validation.sqref) == cells[("No.1", "division_grade")]


def test_hq_downloads_every_sheet_of_the_period(client, hq_officer, open_fy2018):
    workbook = download(client, hq_officer, open_fy2018)
    names = [
        f"No.{number}"
        for number in open_fy2018.sheets.order_by("item__order").values_list(
            "item__number", flat=True
        )
    ]
    assert workbook.sheetnames == [*names, "_meta"]


def test_submitted_sheet_is_downloaded_locked(
    client, division_staff, open_fy2018, own_sheet
):
    own_sheet.state = SurveySheet.State.SUBMITTED
    own_sheet.save()
    workbook = download(client, division_staff, open_fy2018)
    coordinate = places(workbook)[("No.1", "done_text")]
    assert workbook["No.1"][coordinate].protection.locked
    assert not workbook["No.1"].data_validations.dataValidation


def test_workbook_links_on_dashboard_and_queue(
    client, division_staff, hq_officer, open_fy2018
):
    client.force_login(division_staff)
    page = soup(client.get(reverse("surveys:dashboard")))
    links = {a["href"] for a in page.select("#sheet-files a")}
    assert links == {
        reverse("surveys:period_workbook", args=[open_fy2018.pk]),
        reverse("surveys:period_upload", args=[open_fy2018.pk]),
    }
    client.force_login(hq_officer)
    page = soup(client.get(reverse("surveys:queue", args=[open_fy2018.pk])))
    assert page.find(
        "a", href=reverse("surveys:period_workbook", args=[open_fy2018.pk])
    )


# Round trip


def test_filled_workbook_is_previewed_then_saved_as_drafts(
    client, division_staff, open_fy2018, own_sheet
):
    workbook = download(client, division_staff, open_fy2018)
    fill(workbook, "No.1", "done_text", "研修を2回実施した。")
    # Text typed with a leading "=" as text (Excel: '=...) is text, not a formula.
    next_cell = fill(workbook, "No.1", "next_text", "=次年度も継続する")
    workbook["No.1"][next_cell].data_type = "s"
    fill(workbook, "No.1", "division_grade", "A")
    fill(workbook, "No.1", "division_reason", "予定どおり")
    actual = actual_of(own_sheet)
    fill(workbook, "No.1", f"indicator:{actual.pk}", 12)
    before = snapshot()

    preview = upload(client, open_fy2018, as_upload(workbook))

    assert preview.status_code == 200
    changes = table_rows(preview, f"changes-{own_sheet.pk}")
    assert changes[gettext("What was done (D)")] == ["—", "研修を2回実施した。"]
    assert changes[gettext("Issues and next steps (A)")] == ["—", "=次年度も継続する"]
    assert changes[gettext("Division's rating")] == ["—", "A"]
    assert changes[gettext("Reason for the rating")] == ["—", "予定どおり"]
    assert changes[f"{actual.indicator.marker}{actual.indicator.name}"] == ["—", "12"]
    assert soup(preview).find(id="unchanged").get_text() == "No.3、No.37"
    assert snapshot() == before, "nothing is stored before the confirmation"

    response = confirm(client, open_fy2018, preview)

    assert response.status_code == 302
    submit_url = reverse("surveys:period_submit", args=[open_fy2018.pk])
    assert response["Location"] == f"{submit_url}?sheets={own_sheet.pk}"
    own_sheet.refresh_from_db()
    assert own_sheet.state == SurveySheet.State.DRAFT
    assert own_sheet.version == 2
    assert own_sheet.done_text == "研修を2回実施した。"
    assert own_sheet.next_text == "=次年度も継続する"
    assert own_sheet.division_grade.code == "A"
    assert own_sheet.division_reason == "予定どおり"
    assert own_sheet.history.latest().history_user == division_staff
    actual.refresh_from_db()
    assert actual.text == "12"
    assert actual.history.latest().history_user == division_staff
    landing = client.get(response["Location"])
    assert ngettext(
        "%(count)d sheet was saved as a draft.",
        "%(count)d sheets were saved as drafts.",
        1,
    ) % {"count": 1} in text(landing)
    offered = soup(landing).select("#submit-form input[name=sheets]")
    assert [int(box["value"]) for box in offered] == [own_sheet.pk]


@pytest.mark.usefixtures("kyodo_leads_its_items")
def test_uploaded_sheets_are_submitted_together_with_the_forms_checks(
    client, division_staff, other_division_staff, open_fy2018, own_sheet, other_sheet
):
    workbook = download(client, division_staff, open_fy2018)
    for number in ("1", "3"):
        fill(workbook, f"No.{number}", "division_grade", "A")
        fill(workbook, f"No.{number}", "division_reason", "予定どおり")
    fill(workbook, "No.1", "done_text", "研修を実施した。")  # No.3 lacks its D
    response = confirm(
        client, open_fy2018, upload(client, open_fy2018, as_upload(workbook))
    )
    third = SurveySheet.objects.get(period=open_fy2018, item__number="3")
    page = soup(client.get(response["Location"]))
    assert [
        int(b["value"]) for b in page.select("#submit-form input[name=sheets]")
    ] == [
        own_sheet.pk,
        third.pk,
    ]
    url = reverse("surveys:period_submit", args=[open_fy2018.pk])
    # Another division's sheet slipped into the post is not touched.
    done = client.post(url, {"sheets": [own_sheet.pk, third.pk, other_sheet.pk]})
    rows = {
        row.th.a["href"]: row.td.get_text(" ", strip=True)
        for row in soup(done).select("#outcomes tbody tr")
    }
    assert rows.keys() == {own_sheet.get_absolute_url(), third.get_absolute_url()}
    own_row, third_row = (
        rows[own_sheet.get_absolute_url()],
        rows[third.get_absolute_url()],
    )
    assert "提出しました" in own_row
    assert "未処理" in third_row
    assert gettext("Write what was done before submitting.") in third_row
    states = dict(
        SurveySheet.objects.filter(
            pk__in=[own_sheet.pk, third.pk, other_sheet.pk]
        ).values_list("pk", "state")
    )
    assert states == {
        own_sheet.pk: "submitted",
        third.pk: "draft",
        other_sheet.pk: "draft",
    }
    assert client.post(url, {}).status_code == 400


def test_unchanged_download_changes_nothing(
    client, division_staff, open_fy2018, own_sheet
):
    # Text that looks like a formula goes out as text and comes back as text.
    own_sheet.done_text = "=SUM(A1:A2)"
    own_sheet.save()
    workbook = download(client, division_staff, open_fy2018)
    preview = upload(client, open_fy2018, as_upload(workbook))
    assert preview.status_code == 200
    assert soup(preview).find(id="unchanged").get_text() == "No.1、No.3、No.37"
    assert soup(preview).find(id="confirm") is None


@pytest.mark.usefixtures("kyodo_leads_its_items")
def test_all_or_nothing_when_a_sheet_moves_while_saving(
    division_staff, open_fy2018, own_sheet
):
    workbook = sheet_workbook(division_staff, open_fy2018)
    fill(workbook, "No.1", "done_text", "一つ目")
    fill(workbook, "No.3", "done_text", "二つ目")
    plan = sheetfiles.read_upload(division_staff, open_fy2018, as_upload(workbook))
    assert [e.worksheet for e in plan.to_save] == ["No.1", "No.3"]
    third = SurveySheet.objects.get(period=open_fy2018, item__number="3")
    third.fill(by=division_staff, version=1, fields={"done_text": "画面で"}, actuals={})
    before = snapshot()
    with pytest.raises(Conflict):
        sheetfiles.apply_upload(division_staff, plan)
    assert snapshot() == before


def test_confirmation_after_a_change_shows_the_new_preview(
    client, division_staff, open_fy2018, own_sheet
):
    workbook = download(client, division_staff, open_fy2018)
    fill(workbook, "No.1", "done_text", "オフラインで記入")
    preview = upload(client, open_fy2018, as_upload(workbook))
    own_sheet.fill(
        by=division_staff, version=1, fields={"done_text": "画面で記入"}, actuals={}
    )
    before = snapshot()
    response = confirm(client, open_fy2018, preview)
    assert response.status_code == 409
    assert table_rows(response, "refused") == {
        f"No.1 {own_sheet.item.title}": [message("stale")]
    }
    assert snapshot() == before


def sheet_workbook(user, period) -> openpyxl.Workbook:
    return openpyxl.load_workbook(
        io.BytesIO(sheetfiles.sheets_workbook_for(user, period))
    )


# Files that are not a workbook from the app


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def bomb() -> bytes:
    """A small zip holding 300 MB of zeros, written in blocks to stay quick."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            block = bytes(MEGABYTE)
            for _ in range(300):
                entry.write(block)
    return buffer.getvalue()


def padded(data: bytes) -> bytes:
    """A valid workbook grown past the 2 MB limit with an incompressible extra part."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/media/padding.bin", os.urandom(2 * MEGABYTE))
    return buffer.getvalue()


def report_file(data: bytes) -> SimpleUploadedFile:
    """The committee's 調査票 report: a workbook, but not one to fill in."""
    period = Period.objects.get(state=Period.State.OPEN)
    return SimpleUploadedFile(
        "report.xlsx", reports.sheets_workbook(period.plan, period)
    )


BAD_FILES = [
    pytest.param(
        lambda data: SimpleUploadedFile("調査票.xls", data),
        lambda: (
            gettext(
                "“%(name)s” is not an Excel workbook: choose a file ending in .xlsx."
            )
            % {"name": "調査票.xls"}
        ),
        id="not-xlsx-name",
    ),
    pytest.param(
        lambda data: SimpleUploadedFile("memo.xlsx", "メモ".encode()),
        lambda: message("not_xlsx"),
        id="text-renamed",
    ),
    pytest.param(
        lambda data: SimpleUploadedFile(
            "archive.xlsx", zip_bytes({"readme.txt": b"hello"})
        ),
        lambda: message("not_xlsx"),
        id="zip-renamed",
    ),
    pytest.param(
        lambda data: SimpleUploadedFile("big.xlsx", padded(data)),
        lambda: (
            gettext("The file is %(size).1f MB; files up to %(limit)d MB are accepted.")
            % {"size": 2.0, "limit": 2}
        ),
        id="over-size",
    ),
    pytest.param(
        lambda data: SimpleUploadedFile("bomb.xlsx", bomb()),
        lambda: (
            gettext(
                "The file unpacks to %(size)d MB, far more than a workbook of its "
                "size would; it is refused as a possible decompression bomb."
            )
            % {"size": 300}
        ),
        id="decompression-bomb",
    ),
    pytest.param(report_file, lambda: message("not_ours"), id="no-meta"),
]


@pytest.mark.parametrize(("make_file", "expected"), BAD_FILES)
def test_bad_file_is_refused_with_a_message(
    client, settings, division_staff, open_fy2018, make_file, expected
):
    settings.UPLOAD_MAX_BYTES = 2 * MEGABYTE
    workbook = download(client, division_staff, open_fy2018)
    fill(workbook, "No.1", "done_text", "記入した")
    file = make_file(as_upload(workbook).read())
    response = upload_storing_nothing(client, open_fy2018, file)
    assert response.status_code == 400
    assert soup(response).find(id="upload-error").p.get_text() == expected()


# Problems at a place: nothing may be stored


def test_formula_in_a_cell_is_a_problem_at_its_place(
    client, division_staff, open_fy2018, own_sheet
):
    workbook = download(client, division_staff, open_fy2018)
    fill(workbook, "No.3", "done_text", "正しい記入")
    coordinate = fill(workbook, "No.1", "done_text", "=1+1")

    response = upload_storing_nothing(client, open_fy2018, as_upload(workbook))

    assert response.status_code == 400
    row, column = int(coordinate[1:]), coordinate[0]
    expected = Problem(
        "No.1",
        row,
        column,
        message("formula", field=gettext("What was done (D)")),
    )
    assert [li.get_text() for li in soup(response).select("#problems li")] == [
        str(expected)
    ]
    plan = sheetfiles.read_upload(division_staff, open_fy2018, as_upload(workbook))
    before = snapshot()
    with pytest.raises(sheetfiles.UploadRejected):
        sheetfiles.apply_upload(division_staff, plan)
    assert snapshot() == before


def test_grade_outside_the_scale_is_a_problem(
    client, division_staff, open_fy2018, own_sheet
):
    workbook = download(client, division_staff, open_fy2018)
    coordinate = fill(workbook, "No.1", "division_grade", "Z")
    fill(workbook, "No.1", "done_text", "記入した")
    response = upload_storing_nothing(client, open_fy2018, as_upload(workbook))
    assert response.status_code == 400
    expected = Problem(
        "No.1",
        int(coordinate[1:]),
        coordinate[0],
        message("grade", value="Z", codes="S、A、B"),
    )
    assert [li.get_text() for li in soup(response).select("#problems li")] == [
        str(expected)
    ]


def test_full_width_grade_is_read_as_the_grade(division_staff, open_fy2018, own_sheet):
    workbook = sheet_workbook(division_staff, open_fy2018)
    fill(workbook, "No.1", "division_grade", "Ｓ")
    plan = sheetfiles.read_upload(division_staff, open_fy2018, as_upload(workbook))
    assert not plan.problems
    assert plan.to_save[0].fields["division_grade"].code == "S"


def test_sheet_of_another_period_is_a_problem(
    client, division_staff, open_fy2018, own_sheet
):
    workbook = download(client, division_staff, open_fy2018)
    published = SurveySheet.objects.get(item__number="1", period__state="published")
    for row in workbook["_meta"].iter_rows(min_row=2):
        if row[0].value == "No.1":
            row[1].value = published.pk
    fill(workbook, "No.1", "done_text", "書換え")
    response = upload_storing_nothing(client, open_fy2018, as_upload(workbook))
    assert response.status_code == 400
    assert [li.get_text() for li in soup(response).select("#problems li")] == [
        str(Problem("No.1", None, None, message("mismatch")))
    ]


# Sheets refused with a reason


def test_sheets_of_another_division_are_refused(
    client, division_staff, other_division_staff, open_fy2018, other_sheet
):
    workbook = sheet_workbook(other_division_staff, open_fy2018)
    fill(workbook, "No.17", "done_text", "他課が書き換え")
    client.force_login(division_staff)
    response = upload_storing_nothing(client, open_fy2018, as_upload(workbook))
    assert response.status_code == 200
    refused = table_rows(response, "refused")
    assert f"No.17 {other_sheet.item.title}" in refused
    assert all(reasons == [message("division")] for reasons in refused.values())


def test_submitted_sheet_is_refused(client, division_staff, open_fy2018, own_sheet):
    workbook = download(client, division_staff, open_fy2018)
    fill(workbook, "No.1", "done_text", "提出後の書換え")
    own_sheet.fill(
        by=division_staff,
        version=1,
        fields={"done_text": "提出した"},
        actuals={},
        submit=True,
    )
    response = upload_storing_nothing(client, open_fy2018, as_upload(workbook))
    assert response.status_code == 200
    assert table_rows(response, "refused") == {
        f"No.1 {own_sheet.item.title}": [message("submitted")]
    }


@pytest.mark.usefixtures("kyodo_leads_its_items")
def test_stale_sheet_is_refused_and_the_others_are_saved(
    client, division_staff, open_fy2018, own_sheet
):
    workbook = download(client, division_staff, open_fy2018)
    fill(workbook, "No.1", "done_text", "古い版からの書換え")
    fill(workbook, "No.3", "done_text", "三番の記入")
    own_sheet.fill(
        by=division_staff, version=1, fields={"done_text": "画面で保存"}, actuals={}
    )

    preview = upload(client, open_fy2018, as_upload(workbook))

    assert table_rows(preview, "refused") == {
        f"No.1 {own_sheet.item.title}": [message("stale")]
    }
    response = confirm(client, open_fy2018, preview)
    assert response.status_code == 302
    own_sheet.refresh_from_db()
    assert (own_sheet.version, own_sheet.done_text) == (2, "画面で保存")
    third = SurveySheet.objects.get(period=open_fy2018, item__number="3")
    assert (third.done_text, third.version) == ("三番の記入", 2)


# Hostile workbooks: read within the layout's bounds, refused before the work


def meta_address_moved_to(workbook, row: int) -> bytes:
    """The workbook whose `_meta` names, for its first cell, a cell in row `row`."""
    meta = workbook[sheetfiles.META]
    meta.cell(2, 5).value = f"A{row}"
    return as_upload(workbook).read()


UNREADABLE = (
    "The file could not be read as an Excel workbook (%(error)s). "
    "Save it again from Excel as .xlsx and retry."
)


@pytest.mark.parametrize("row", [1_001, 20_000, 1_048_576])
def test_meta_address_beyond_the_layout_is_refused(
    client, division_staff, open_fy2018, row
):
    workbook = download(client, division_staff, open_fy2018)
    file = as_upload(meta_address_moved_to(workbook, row))
    response = upload_storing_nothing(client, open_fy2018, file)
    assert response.status_code == 400
    assert soup(response).find(id="upload-error").p.get_text() == message("not_ours")


@pytest.mark.parametrize("row", [1_000, 20_000, 1_048_576])
def test_worksheet_declared_wider_than_its_layout_is_refused(
    client, division_staff, open_fy2018, row
):
    """A division pads every worksheet to column XFD and row `row`: refused unread."""
    workbook = download(client, division_staff, open_fy2018)
    data = hostile.padded_to_row(meta_address_moved_to(workbook, min(row, 1_000)), row)
    response = upload_storing_nothing(client, open_fy2018, as_upload(data))
    assert response.status_code == 400
    assert soup(response).find(id="upload-error").p.get_text() == gettext(
        "The worksheet “%(sheet)s” is declared to span %(rows)d rows and "
        "%(columns)d columns, more than its layout allows (%(max_row)d rows, "
        "%(max_col)d columns). Copy its contents into a newly downloaded "
        "workbook and retry."
    ) % {
        "sheet": sheetfiles.META,
        "rows": row,
        "columns": 16_384,
        "max_row": 1 + sheetfiles.META_ROWS_PER_SHEET * open_fy2018.sheets.count(),
        "max_col": len(sheetfiles.META_HEADER),
    }


def test_shared_strings_over_the_part_limit_are_refused(
    client, settings, division_staff, open_fy2018
):
    settings.UPLOAD_MAX_SHARED_STRINGS_BYTES = MEGABYTE
    workbook = download(client, division_staff, open_fy2018)
    data = hostile.with_shared_strings(as_upload(workbook).read(), 3)
    size = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/sharedStrings.xml").file_size
    response = upload_storing_nothing(client, open_fy2018, as_upload(data))
    assert response.status_code == 400
    assert soup(response).find(id="upload-error").p.get_text() == gettext(
        "The part “%(part)s” of the file unpacks to %(size)d MB; "
        "parts up to %(limit)d MB are accepted."
    ) % {"part": "xl/sharedStrings.xml", "size": size // MEGABYTE, "limit": 1}


@pytest.mark.parametrize("part", ["meta", "xl/worksheets/sheet1.xml"])
def test_worksheet_xml_cut_short_is_refused_with_400(
    client, division_staff, open_fy2018, part
):
    workbook = download(client, division_staff, open_fy2018)
    fill(workbook, "No.1", "done_text", "記入した")
    data = as_upload(workbook).read()
    part = hostile.meta_part(data) if part == "meta" else part
    response = upload_storing_nothing(
        client, open_fy2018, as_upload(hostile.cut_short(data, part))
    )
    assert response.status_code == 400
    before, after = (gettext(UNREADABLE) % {"error": "|"}).split("|")
    error = soup(response).find(id="upload-error").p.get_text()
    assert error.startswith(before) and error.endswith(after), error


# Held uploads: bounded per user, expired ones cleared


def previewed(client, division_staff, period, text: str):
    """The preview page of an upload of a filled workbook."""
    workbook = download(client, division_staff, period)
    fill(workbook, "No.1", "done_text", text)
    return upload(client, period, as_upload(workbook))


def token_of(preview) -> str:
    return soup(preview).select_one("#confirm input[name=token]")["value"]


def test_a_users_new_preview_deletes_their_oldest_beyond_the_limit(
    client, settings, division_staff, open_fy2018
):
    settings.UPLOAD_HOLDS_PER_USER = 2
    previews = [
        previewed(client, division_staff, open_fy2018, f"記入{n}") for n in range(3)
    ]
    held = sorted(HeldFile.objects.values_list("name", flat=True))
    assert held == sorted(
        f"{division_staff.pk}/{token_of(preview)}.xlsx" for preview in previews[1:]
    )
    # The deleted preview can no longer be confirmed; the newest still can.
    response = confirm(client, open_fy2018, previews[0])
    assert response.status_code == 400
    assert "もう一度アップロードしてください" in text(response)
    assert confirm(client, open_fy2018, previews[2]).status_code == 302


def test_clear_held_uploads_deletes_only_expired_ones(db):
    for name in ("1/fresh.xlsx", "1/stale.xlsx", "2/stale.xlsx"):
        HeldFile.objects.create(name=name, content=b"PK")
    day_ago = timezone.now() - timedelta(hours=25)
    HeldFile.objects.filter(name__endswith="stale.xlsx").update(saved=day_ago)
    out = io.StringIO()
    call_command("clear_held_uploads", stdout=out)
    assert out.getvalue().strip() == "Deleted 2 expired uploads."
    assert list(HeldFile.objects.values_list("name", flat=True)) == ["1/fresh.xlsx"]


def test_a_preview_older_than_a_day_cannot_be_confirmed(
    client, division_staff, open_fy2018
):
    preview = previewed(client, division_staff, open_fy2018, "記入")
    HeldFile.objects.update(saved=timezone.now() - timedelta(hours=25))
    response = confirm(client, open_fy2018, preview)
    assert response.status_code == 400
    assert "もう一度アップロードしてください" in text(response)
