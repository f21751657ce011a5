"""A real other city's plan in the plan workbook: what it needs beyond Kodaira's.

Long words per fiscal year, words spanning years, headings that repeat their
parent's title, labels with 、 and commas, symbols as Japanese input gives
them, and schedule rows without an activity. Each shape goes out in an
export and comes back unchanged; bad input is refused at its cell and
writes nothing.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.db import transaction
from django.urls import reverse

from plans import workbook
from plans.models import Item
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import ScheduleRow
from surveys import sheetfiles
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet
from tests.conftest import make_user
from tests.factories import add_period
from tests.factories import add_published_period
from tests.factories import make_plan
from tests.html import soup
from tests.html import text
from tests.plans.test_workbook import as_upload
from tests.plans.test_workbook import cell_values
from tests.plans.test_workbook import column_of
from tests.plans.test_workbook import edited
from tests.plans.test_workbook import set_cell
from tests.plans.test_workbook import snapshot
from tests.surveys.test_sheet_files import as_upload as sheets_upload
from tests.surveys.test_sheet_files import upload

pytestmark = pytest.mark.django_db

PER_ROW = Plan.RatingTarget.SCHEDULE_ROW
# 200 characters, as the other city's schedule writes for one year.
LONG_WORD = ("各課の事務事業を点検し、見直しの方針を定めて順次実施する。" * 8)[:200]


def reimport(data: bytes):
    return workbook.import_plan(workbook.read_workbook(as_upload(data)), dry_run=False)


def assert_round_trip(plan: Plan, change=None) -> bytes:
    """Export, `change` as a person would, import: nothing changes, the export is the same."""
    exported = workbook.export_plan(plan)
    before = snapshot()
    changes = reimport(edited(exported, change) if change else exported)
    assert changes.lines == []
    assert snapshot() == before
    assert cell_values(workbook.export_plan(plan)) == cell_values(exported)
    return exported


def refused(data: bytes) -> list[tuple]:
    """(sheet, row, column, message) of each problem; nothing is written."""
    before = snapshot()
    with pytest.raises(workbook.WorkbookInvalid) as invalid:
        reimport(data)
    assert snapshot() == before
    return [(p.sheet, p.row, p.column, p.message) for p in invalid.value.problems]


def cell(data: bytes, sheet: str, header: str, row: int = 2):
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    return ws.cell(row, column_of(ws, header)).value


# 1. Long words per year


def test_a_schedule_word_of_200_characters_round_trips_and_wraps_on_the_item_page(
    client,
):
    plan = make_plan(items=1)
    row = ScheduleRow.objects.get(item__plan=plan)
    row.years["2025"] = LONG_WORD
    row.save()

    assert cell(assert_round_trip(plan), "工程表", "2025年度（令和7年度）") == LONG_WORD
    page = soup(client.get(row.item.get_absolute_url()))
    word = page.select("#schedule tbody td")[1]
    assert word.get_text() == LONG_WORD
    assert "schedule-words" in word["class"]


def test_a_schedule_word_over_300_characters_is_refused_at_its_cell():
    plan = make_plan(items=1)
    change = set_cell("工程表", "1", "2025年度（令和7年度）", "あ" * 301)
    problems = refused(edited(workbook.export_plan(plan), change))
    assert problems == [
        (
            "工程表",
            2,
            "2025年度（令和7年度）",
            "300文字以内で入力してください（301文字あります）。",
        )
    ]


def test_the_admin_takes_schedule_words_up_to_300_characters():
    row = ScheduleRow.objects.get(item__plan=make_plan(items=1))
    row.years = {"2024": "あ" * 300}
    row.full_clean()
    row.years = {"2024": "あ" * 301}
    with pytest.raises(ValidationError) as refused_:
        row.full_clean()
    assert "years" in refused_.value.message_dict


# 2. Words spanning fiscal years


def spanning_plan() -> tuple[Plan, ScheduleRow]:
    """FY2024–2027: 検討 for FY2024–2025 as one word, then 実施 in FY2026."""
    plan = make_plan(items=1)
    row = ScheduleRow.objects.get(item__plan=plan)
    row.years = {"2024-2025": "検討", "2026": "実施"}
    row.save()
    return plan, row


def test_a_word_spanning_years_round_trips_in_a_column_of_its_span():
    plan, row = spanning_plan()
    exported = assert_round_trip(plan)
    ws = openpyxl.load_workbook(io.BytesIO(exported))["工程表"]
    line = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    assert line["2024～2025年度（令和6～7年度）"] == "検討"
    assert (line["2024年度（令和6年度）"], line["2025年度（令和7年度）"]) == (
        None,
        None,
    )
    assert line["2026年度（令和8年度）"] == "実施"
    guide = " ".join(
        str(value)
        for r in openpyxl.load_workbook(io.BytesIO(exported))["説明"].values
        for value in r
        if value
    )
    assert "2017～2018年度（平成29～30年度）" in guide


def test_a_word_spanning_years_applies_to_each_and_shows_across_them(client):
    plan, row = spanning_plan()
    assert [row.word_for(year) for year in plan.fiscal_years] == [
        "検討",
        "検討",
        "実施",
        "",
    ]
    page = soup(client.get(row.item.get_absolute_url()))
    cells = [
        (td.get("colspan", "1"), td.find(string=True, recursive=False) or "")
        for td in page.select("#schedule tbody td")
    ]
    assert cells == [("2", "検討"), ("1", "実施"), ("1", "")]


def test_a_span_column_added_by_hand_is_read_as_one_word():
    plan = make_plan(items=1)

    def add_span(book):
        ws = book["工程表"]
        ws.cell(1, ws.max_column + 1).value = "2026～2027年度"
        ws.cell(2, ws.max_column).value = "本格実施"
        ws.cell(2, column_of(ws, "2026年度（令和8年度）")).value = None
        ws.cell(2, column_of(ws, "2027年度（令和9年度）")).value = None

    reimport(edited(workbook.export_plan(plan), add_span))
    row = ScheduleRow.objects.get(item__plan=plan)
    assert row.years == {"2024": "実施", "2025": "実施", "2026-2027": "本格実施"}


def test_a_word_in_a_year_of_a_span_given_twice_is_refused_at_its_cell():
    plan, _row = spanning_plan()
    change = set_cell("工程表", "1", "2025年度（令和7年度）", "調査")
    problems = refused(edited(workbook.export_plan(plan), change))
    assert problems == [
        (
            "工程表",
            2,
            "2024～2025年度（令和6～7年度）",
            "この行の列「2025年度（令和7年度）」に、同じ年度の予定がすでに書かれています。"
            "どちらかを空欄にしてください。",
        )
    ]


# 3. Area names unique among siblings


def repeating_plan() -> Plan:
    """Ⅰ 行政改革 → 1. 行政改革 → (1) 組織, item 1 in the second, item 2 in the third."""
    plan = make_plan(items=2)
    top = PolicyArea.objects.create(plan=plan, number="Ⅰ", name="行政改革", order=2)
    child = PolicyArea.objects.create(
        plan=plan, parent=top, number="1.", name="行政改革", order=3
    )
    grandchild = PolicyArea.objects.create(
        plan=plan, parent=child, number="(1)", name="組織", order=4
    )
    Item.objects.filter(plan=plan, number="1").update(area=child)
    Item.objects.filter(plan=plan, number="2").update(area=grandchild)
    return plan


def area_tree(plan: Plan) -> list[tuple]:
    return [
        (a.number, a.name, a.parent.name if a.parent else "", a.items.count())
        for a in plan.areas.select_related("parent").order_by("order")
    ]


def test_repeated_area_titles_at_different_levels_round_trip():
    plan = repeating_plan()
    exported = assert_round_trip(plan)
    sheets = cell_values(exported)
    assert [tuple(v or "" for v in r[:3]) for r in sheets["分野"][1:]] == [
        ("", "行政サービスの向上", ""),
        ("Ⅰ", "行政改革", ""),
        ("1.", "行政改革", "行政改革"),
        ("(1)", "組織", "行政改革＞行政改革"),
    ]
    assert [r[2] for r in sheets["取組項目"][1:]] == ["行政改革＞行政改革", "組織"]


def test_repeated_area_titles_make_the_same_tree_in_a_new_plan():
    plan = repeating_plan()
    copy = reimport(
        edited(
            workbook.export_plan(plan),
            set_cell("プラン", "テスト市", "プラン名", "次のプラン"),
        )
    ).plan
    assert copy.pk != plan.pk
    assert area_tree(copy) == area_tree(plan)


def test_area_names_are_unique_among_siblings_only():
    plan = make_plan()
    top = plan.areas.get()
    PolicyArea.objects.create(plan=plan, parent=top, name=top.name)
    for parent in (top, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            PolicyArea.objects.create(plan=plan, parent=parent, name=top.name)


def test_sibling_areas_of_the_same_name_are_refused_at_the_cell():
    plan = repeating_plan()
    change = lambda book: book["分野"].append(["(2)", "組織", "行政改革＞行政改革"])  # noqa: E731
    assert refused(edited(workbook.export_plan(plan), change)) == [
        ("分野", 6, "分野名", "「組織」は5行目にもあります。重複しています。")
    ]


def test_an_area_named_by_several_is_refused_with_the_path_to_write():
    plan = repeating_plan()

    def change(book):
        book["分野"].append(["", "共通", "行政サービスの向上"])
        book["分野"].append(["", "共通", "行政改革"])
        set_cell("取組項目", "1", "分野", "共通")(book)

    assert refused(edited(workbook.export_plan(plan), change)) == [
        (
            "取組項目",
            2,
            "分野",
            "「共通」という名称の分野が複数あります。最上位の分野からの名称を「＞」で"
            "つないで、どの分野かを書いてください（例: 行政サービスの向上＞共通）。",
        )
    ]


# 4. Labels of the texts a sheet asks for


LABELS = [
    {"field": "done_text", "label": "取組状況、成果, 課題"},
    {"field": "next_text", "label": '"今後"の取組\n（次年度）'},
]


def test_labels_with_commas_quotes_and_line_breaks_round_trip():
    plan = make_plan(sheet_fields=LABELS)
    plan.full_clean()  # as the admin does
    exported = assert_round_trip(plan)
    assert cell(exported, "プラン", "記入項目") == (
        'D="取組状況、成果, 課題"、A="""今後""の取組\n（次年度）"'
    )
    plan.refresh_from_db()
    assert plan.sheet_fields == LABELS


def test_the_fields_cell_reads_quoted_labels_among_old_separators():
    """Files of the old format separate by 、 , or line breaks; a quoted label keeps its 、."""
    plan = make_plan()
    written = 'P,D="状況、成果"\nA=課題'
    reimport(
        edited(
            workbook.export_plan(plan),
            set_cell("プラン", "テスト市", "記入項目", written),
        )
    )
    plan.refresh_from_db()
    assert [(f["field"], f["label"]) for f in plan.sheet_fields] == [
        ("plan_text", ""),
        ("done_text", "状況、成果"),
        ("next_text", "課題"),
    ]


def test_an_unclosed_quote_in_the_fields_cell_is_refused_at_its_cell():
    plan = make_plan()
    change = set_cell("プラン", "テスト市", "記入項目", 'D="取組状況、A')
    assert refused(edited(workbook.export_plan(plan), change)) == [
        ("プラン", 2, "記入項目", '" で囲んだ見出しに、閉じる " がありません。')
    ]


# 5. Symbols as Japanese input gives them


@pytest.mark.parametrize("typed", ["〇", "◯"])
def test_a_circle_typed_for_a_grade_code_is_that_grade(typed):
    plan = make_plan(rated_per=PER_ROW)
    assert_round_trip(plan, set_cell("評価区分", "○", "記号", typed))


@pytest.mark.parametrize(("stored", "typed"), [("Ⅰ", "I"), ("Ⅱ", "II"), ("1：", "1:")])
def test_an_area_number_typed_otherwise_is_that_number(stored, typed):
    plan = make_plan()
    plan.areas.update(number=stored)
    assert_round_trip(plan, set_cell("分野", stored, "番号", typed))


def test_an_area_reference_typed_with_half_width_signs_finds_the_area():
    plan = make_plan(items=1)
    top = plan.areas.get()
    area = PolicyArea.objects.create(plan=plan, parent=top, name="改革：組織", order=2)
    PolicyArea.objects.create(plan=plan, name="改革：組織", order=3)
    plan.items.update(area=area)
    typed = "行政サービスの向上 > 改革:組織"
    assert_round_trip(plan, set_cell("取組項目", "1", "分野", typed))


def test_a_circle_typed_in_the_sheets_workbook_is_that_status(settings):
    plan = make_plan(items=1, rated_per=PER_ROW)
    staff = make_user("madoguchi", divisions=["窓口課"], city="テスト市")
    period = add_period(plan, fiscal_year=2024)
    row = ScheduleRow.objects.get(item__plan=plan)
    book = openpyxl.load_workbook(
        io.BytesIO(sheetfiles.sheets_workbook_for(staff, period))
    )
    place = {name: c for _ws, _pk, _v, name, c in list(book["_meta"].values)[1:]}
    book["No.1"][place[f"status:{row.pk}"]] = "〇"
    buffer = io.BytesIO()
    book.save(buffer)
    upload = sheetfiles.read_upload(
        staff, period, SimpleUploadedFile("s.xlsx", buffer.getvalue())
    )
    assert upload.problems == []
    [entry] = upload.to_save
    assert entry.statuses[row.pk][0].code == "○"


# 6. Schedule rows without an activity


@pytest.fixture
def unlabelled_rows(db):
    """A plan rated per schedule row whose item 1 has two rows, no activity, FY2024's words differ."""
    plan = make_plan(items=1, rated_per=PER_ROW, first_fiscal_year=2024)
    ScheduleRow.objects.filter(item__plan=plan).update(
        activity="", years={"2024": "調査", "2025": "実施"}
    )
    item = plan.items.get()
    ScheduleRow.objects.create(item=item, years={"2024": "制度設計"}, order=2)
    return plan


def test_unlabelled_rows_are_named_by_their_words_in_the_sheet_form(
    client, unlabelled_rows
):
    staff = make_user("madoguchi", divisions=["窓口課"], city="テスト市")
    sheet = SurveySheet.objects.get(
        period=add_period(unlabelled_rows, fiscal_year=2024)
    )
    client.force_login(staff)
    page = client.get(reverse("surveys:sheet_edit", args=[sheet.pk]))
    legends = [el.get_text(strip=True) for el in soup(page).select("#statuses legend")]
    assert legends[1:] == ["調査", "制度設計"]


def test_unlabelled_rows_are_named_by_their_words_in_the_upload_preview(
    client, settings, unlabelled_rows
):
    staff = make_user("madoguchi", divisions=["窓口課"], city="テスト市")
    period = add_period(unlabelled_rows, fiscal_year=2024)
    rows = list(
        ScheduleRow.objects.filter(item__plan=unlabelled_rows).order_by("order")
    )
    book = openpyxl.load_workbook(
        io.BytesIO(sheetfiles.sheets_workbook_for(staff, period))
    )
    place = {name: c for _ws, _pk, _v, name, c in list(book["_meta"].values)[1:]}
    for row, code in zip(rows, ["◎", "△"], strict=True):
        book["No.1"][place[f"status:{row.pk}"]] = code
    client.force_login(staff)
    preview = upload(client, period, sheets_upload(book))
    assert "調査 — ◎" in text(preview)
    assert "制度設計 — △" in text(preview)


def test_unlabelled_rows_are_named_by_their_words_in_the_published_statuses(
    client, unlabelled_rows
):
    period = add_published_period(unlabelled_rows, fiscal_year=2024)
    sheet = SurveySheet.objects.get(period=period)
    grades = {g.code: g for g in unlabelled_rows.rating_scale.grades.all()}
    for row, code in zip(sheet.item.schedule_rows.all(), ["◎", "○"], strict=True):
        ScheduleStatus.objects.create(sheet=sheet, schedule_row=row, grade=grades[code])
    page = soup(client.get(sheet.item.get_absolute_url()))
    labels = [dt.get_text(strip=True) for dt in page.select(".sheet .rating dt")]
    assert labels == ["調査", "制度設計"]
