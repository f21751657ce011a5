"""The committee's Excel reports, opened with openpyxl and read cell by cell."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Period
from reformtracker.lib import xlsx
from surveys import reports
from surveys.models import SurveySheet
from tests.factories import scaled_copy

AREAS = [
    "地域協働の推進",
    "情報の共有と双方向のコミュニケーション",
    "PDCAサイクルの構築",
    "財政基盤の強化",
    "執行体制の再構築",
]


def open_workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture
def fy2017(seed_plan):
    return Period.objects.get(plan=seed_plan, state=Period.State.PUBLISHED)


def rows_by_number(ws) -> dict[str, tuple]:
    return {
        row[0]: row
        for row in ws.iter_rows(min_row=3, values_only=True)
        if row[0] and row[1:].count(None) < len(row) - 1
    }


def test_summary_rows_of_items_1_29_and_43(seed_plan, fy2017):
    ws = open_workbook(reports.summary_workbook(seed_plan, fy2017))["評価一覧"]
    assert [c.value for c in ws[2]] == reports.SUMMARY_HEADERS
    rows = rows_by_number(ws)
    assert rows["1"][:6] == (
        "1",
        None,
        "協働推進体制の充実",
        "市民協働・男女参画推進課、政策課、各所管課",
        "B",
        "B",
    )
    assert rows["1"][6] == "・市民活動を支援し、協働推進体制の充実を図る。"
    assert rows["29"][:6] == (
        "29",
        "【フォローアップ】",
        "スクラップアンドビルドの徹底\n【No.15の再掲】",
        "財政課",
        "A",
        "A",
    )
    assert rows["43"][:6] == (
        "43",
        "【フォローアップ】",
        "広域連携の推進",
        "政策課",
        "A",
        "A",
    )


def test_summary_lists_items_under_their_areas(seed_plan, fy2017):
    ws = open_workbook(reports.summary_workbook(seed_plan, fy2017))["評価一覧"]
    area, area_of = None, {}
    for row in ws.iter_rows(min_row=3, values_only=True):
        if row[0] in AREAS:
            area = row[0]
        else:
            area_of[row[0]] = area
    assert [row[0] for row in ws.iter_rows(min_row=3, values_only=True)].count(
        None
    ) == 0
    assert len(area_of) == 43
    assert area_of["1"] == "地域協働の推進"
    assert area_of["15"] == "PDCAサイクルの構築"
    assert area_of["29"] == "財政基盤の強化"
    assert area_of["43"] == "執行体制の再構築"
    # The re-listed source keeps its own row too.
    assert "15" in area_of and "7" in area_of and "41" in area_of


def test_counts_per_area_and_total(seed_plan, fy2017):
    ws = open_workbook(reports.counts_workbook(seed_plan, fy2017))["表1 分野別評価"]
    # The unit of every figure in the group's header, the grades under it.
    assert [c.value for c in ws[2]] == ["分野", "取組項目の評価（件）", *[None] * 3]
    assert {"A2:A3", "B2:E2"} <= {str(r) for r in ws.merged_cells.ranges}
    header = [c.value for c in ws[3]]
    assert header == [
        None,
        "S（予定以上に進捗）",
        "A（予定どおりに進捗）",
        "B（予定よりも遅れている）",
        "項目数",
    ]
    counts = {
        row[0]: row[1:]
        for row in ws.iter_rows(min_row=4, values_only=True)
        if row[0] in [*AREAS, "合計"]
    }
    assert counts == {
        "地域協働の推進": (1, 4, 2, 7),
        "情報の共有と双方向のコミュニケーション": (0, 1, 2, 3),
        "PDCAサイクルの構築": (0, 4, 2, 6),
        "財政基盤の強化": (1, 9, 4, 14),
        "執行体制の再構築": (1, 12, 0, 13),
        "合計": (3, 30, 10, 43),
    }
    note = ws.cell(row=ws.max_row, column=1).value
    assert "No.29（No.15の再掲）" in note and "No.41（No.7の再掲）" in note


def test_survey_sheet_of_sub_item_4_1(seed_plan, fy2017):
    workbook = open_workbook(reports.sheets_workbook(seed_plan, fy2017))
    sheet_count = SurveySheet.objects.filter(period=fy2017).count()
    assert len(workbook.sheetnames) == sheet_count == 58
    ws = workbook["No.4-1"]
    values = {
        (cell.row, cell.column): cell.value
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert values[(2, 2)] == "No.4-1 地域と学校の連携・協働の推進"
    assert {"A1:H1", "B2:H2", "B3:H3"} <= {str(r) for r in ws.merged_cells.ranges}
    assert values[(3, 2)].startswith("・学校・家庭・地域が互いを育て合い")

    def row_of(text):
        return next(r for (r, c), v in values.items() if c == 1 and v == text)

    indicator = row_of("指標")
    assert values[(indicator, 7)] == "実績値（平成29年度 下半期）"
    assert [values[(indicator + 1, c)] for c in (1, 3, 5, 7)] == [
        "①協議会開催回数",
        "92回/年",
        "94回/年",
        "92回/年",
    ]
    schedule = row_of("工程表 実施内容")
    assert [values[(schedule, c)] for c in (3, 4, 5, 6)] == [
        "平成29年度",
        "平成30年度",
        "令和元年度",
        "令和2年度",
    ]
    assert values[(schedule + 1, 1)] == "・学校経営協議会の充実(開催)"
    pdca = row_of("平成29年度 当初予定（P）")
    assert [values[(pdca, c)] for c in range(2, 9)] == reports.PDCA_HEADERS[1:]
    answer = {c: values.get((pdca + 1, c)) for c in range(1, 9)}
    assert answer[1].startswith("・コミュニティ・スクールにおける学校経営協議会")
    assert answer[2] == "指導課"
    assert answer[3].startswith("・コミュニティ・スクールとなっている8校")
    assert answer[4] == "B" and answer[6] == "B"
    assert answer[5].startswith("学校経営協議会の開催については")
    assert answer[7].endswith("現状は維持しているが、目標値には届かなかった。")
    assert answer[8].startswith("学校経営協議会の開催回数については")
    # B in the scale's colour.
    grade = seed_plan.rating_scale.grades.get(code="B")
    assert ws.cell(pdca + 1, 4).font.color.rgb.endswith(
        grade.colour.lstrip("#").upper()
    )


def test_text_starting_with_equals_stays_text(seed_plan, fy2017):
    sheet = SurveySheet.objects.get(period=fy2017, item__number="4-1")
    sheet.done_text = "=SUM(A1:A2)"
    sheet.hq_reason = '=HYPERLINK("http://example.com","x")'
    sheet.save()
    ws = open_workbook(reports.sheets_workbook(seed_plan, fy2017))["No.4-1"]
    cells = {cell.value: cell for row in ws.iter_rows() for cell in row}
    for text in ["=SUM(A1:A2)", '=HYPERLINK("http://example.com","x")']:
        assert cells[text].data_type == "s"
    # And in the file itself: a shared string, never a <f> formula element.
    data = reports.sheets_workbook(seed_plan, fy2017)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not any(
            b"<f>" in archive.read(name)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


@pytest.mark.parametrize(
    ("build", "sheet", "title_rows", "freeze"),
    [
        (reports.summary_workbook, "評価一覧", "$1:$2", "A3"),
        (reports.counts_workbook, "表1 分野別評価", "$1:$3", "B4"),
        (reports.sheets_workbook, "No.1", "$1:$2", None),
    ],
)
def test_ready_to_print(seed_plan, fy2017, build, sheet, title_rows, freeze):
    ws = open_workbook(build(seed_plan, fy2017))[sheet]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert int(ws.page_setup.fitToWidth) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == title_rows
    assert ws.freeze_panes == freeze
    body = ws.cell(int(freeze[1:]) if freeze else 3, 1)  # under the frozen headers
    assert body.font.name == "游ゴシック"
    assert body.alignment.wrap_text
    assert all(ws.column_dimensions[letter].width >= 7 for letter in "ABCD")


def xml_parts(data: bytes) -> dict[str, bytes]:
    """Every part of a workbook file but its creation and save times."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name != "docProps/core.xml"
        }


def test_survey_sheets_are_saved_as_openpyxl_saves_them(seed_plan, fy2017, monkeypatch):
    """xlsx.save keeps worksheets in memory and writes merges itself: same XML."""
    ours = xml_parts(reports.sheets_workbook(seed_plan, fy2017))

    def openpyxl_save(workbook):
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    monkeypatch.setattr(xlsx, "save", openpyxl_save)
    assert b"<mergeCell " in ours["xl/worksheets/sheet1.xml"]
    assert ours == xml_parts(reports.sheets_workbook(seed_plan, fy2017))


def test_survey_sheets_of_a_plan_three_times_the_size_take_as_many_queries(
    seed_plan, fy2017
):
    big = scaled_copy(seed_plan, 3)
    with CaptureQueriesContext(connection) as seed_queries:
        seed_sheets = open_workbook(reports.sheets_workbook(seed_plan, fy2017))
    with CaptureQueriesContext(connection) as big_queries:
        big_sheets = open_workbook(reports.sheets_workbook(big, big.periods.get()))
    assert len(big_sheets.worksheets) == 3 * len(seed_sheets.worksheets)
    assert len(big_queries) == len(seed_queries)


def test_trend_has_a_column_per_period(seed_plan, fy2017, open_fy2018):
    sheet = SurveySheet.objects.get(period=open_fy2018, item__number="1")
    sheet.hq_grade = seed_plan.rating_scale.grades.get(code="A")
    sheet.save()
    ws = open_workbook(reports.trend_workbook(seed_plan, [fy2017, open_fy2018]))[
        "評価の推移"
    ]
    assert [c.value for c in ws[2]] == [
        "分野",
        "No.",
        "取組項目",
        "平成29年度 下半期",
        "平成30年度 上半期",
    ]
    rows = {row[1]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["1"] == ("地域協働の推進", "1", "協働推進体制の充実", "B", "A")
    assert rows["4-1"][3:] == ("B", None)
    # A re-listing shows its source's ratings.
    assert rows["29"][2] == "スクラップアンドビルドの徹底【No.15の再掲】"
    assert rows["29"][3] == rows["15"][3] == "A"


# Downloads


def test_committee_downloads_a_published_period(client, committee_member, fy2017):
    client.force_login(committee_member)
    response = client.get(reverse("surveys:report", args=[fy2017.pk, "counts"]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = unquote(response["Content-Disposition"])
    assert "第3次行財政再構築プラン_平成29年度下半期_表1_分野別評価.xlsx" in disposition
    ws = open_workbook(b"".join(response.streaming_content)).active
    assert ws.cell(9, 1).value == "合計" and ws.cell(9, 5).value == 43


def test_unknown_report_kind_is_not_found(client, hq_officer, fy2017):
    client.force_login(hq_officer)
    response = client.get(reverse("surveys:report", args=[fy2017.pk, "payroll"]))
    assert response.status_code == 404


def test_plan_page_offers_reports_only_to_readers(client, seed_plan, committee_member):
    url = seed_plan.get_absolute_url()
    report_url = reverse("surveys:report", args=[seed_plan.periods.get().pk, "sheets"])
    assert report_url not in client.get(url).content.decode()
    client.force_login(committee_member)
    page = client.get(url).content.decode()
    assert report_url in page
    assert reverse("surveys:trend", args=[seed_plan.pk]) in page
