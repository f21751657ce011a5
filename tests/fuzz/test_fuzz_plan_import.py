"""Fuzzing the plan workbook import through the admin pages.

Each example edits the seed plan's export the way a person might in Excel,
badly: cells set to any text, number, date, boolean or formula, rows deleted
or duplicated, headers cleared, columns deleted. The workbook is uploaded to
the admin import page as the administrator and, when a preview comes back
with changes, confirmed with its token.

Whatever the workbook holds, the answer is a clear one. Either the upload is
refused (400) with a message, or with problems that each name their sheet,
and nothing is written: every plan table, the survey sheets, the actuals and
all their history stay exactly as they were. Or the preview writes nothing,
the confirmation imports what the preview showed, and the plan it leaves is
valid: every stored value fits its field, and exporting the plan again gives
a workbook that re-imports with no change.

A second, faster property goes cell by cell, through far more values: in any
column, a value is refused with a problem at its sheet, row and column, or is
read as a value its model field can store, and the cell the export writes for
it reads back as the same value.

What the import keeps of a cell: text stripped; numbers rounded to the four
decimal places the indicators store; dates only from 1900 on (Excel has no
earlier ones); the export writes numbers of more than 15 significant digits,
which Excel cannot hold, as text.

Each example of the first property runs in a savepoint that is rolled back,
so every example starts from the seed plan.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.urls import reverse
from hypothesis import event
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from plans import admin_workbook
from plans import workbook
from plans.models import Division
from plans.models import Grade
from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import ScheduleRow
from reformtracker.lib import xlsx
from tests.fuzz import FUZZ
from tests.fuzz import examples
from tests.html import soup
from tests.plans.test_workbook import TABLES
from tests.plans.test_workbook import as_upload
from tests.plans.test_workbook import problems_shown
from tests.plans.test_workbook import row_of

SHEETS = ["プラン", "評価区分", "分野", "所管課", "取組項目", "指標", "工程表", "説明"]
DATA_SHEETS = SHEETS[:-1]

# Text openpyxl can write: no lone surrogates, none of the control characters
# it refuses (IllegalCharacterError). U+FFFE and U+FFFF it does write.
CHARACTERS = st.characters(exclude_categories=["Cs"]).filter(
    lambda ch: not ILLEGAL_CHARACTERS_RE.match(ch)
)
WORDS = [
    "",
    " ",
    "○",
    "×",
    "〇",
    "はい",
    "いいえ",
    "TRUE",
    "0",
    "1",
    "-1",
    "1.5",
    "2017",
    "２０１７",
    "²⁰¹⁷",
    "1899",
    "2200",
    "2201",
    "2017年度",
    "2030年度（令和12年度）",
    "半期",
    "通年",
    "項目",
    "工程表の行",
    "P、D、A",
    "D=取組状況",
    "A、A",
    "X",
    "sab",
    "status4",
    "新しい区分",
    "#259d63",
    "#12345G",
    "1-1",
    "43",
    "、、",
    "政策課、政策課",
    "存在しない課",
    "1,234.5",
    "1e13",
    "1e14",
    "-99999999999999.9999",
    "0.00001",
    "12345678901234.5678",
    "NaN",
    "Infinity",
    "1e-5000",
    "2017/3/31",
    "2017-03-31",
    "1899-12-30",
    "1899-12-31",
    "1900-01-01",
    "1900-02-29",
    "1900-03-01",
    "0001-01-01",
    "9999-12-31",
    "=1+1",
    "@SUM(A1)",
    "\uffff",
    "_x000D_",
    "👍🏽",
    "\u3000全角\u3000",
    "a\r\nb",
    "\t",
]
FORMULAS = ["=1+1", '=HYPERLINK("http://example.com")', "=A1", "=#REF!", "=SUM(1:1)"]


def repeat(chunk: str, length: int) -> str:
    return (chunk * length)[:length]


@dataclass(frozen=True)
class Formula:
    text: str


@dataclass(frozen=True)
class Text:
    """Text that starts with "=", stored as text, not as a formula."""

    text: str


@dataclass(frozen=True)
class CopyOf:
    """The value of another row's cell in the same column."""

    row: int


ROWS = st.integers(2, 90)
# Any value a cell can hold.
CELL_VALUES = st.one_of(
    st.none(),
    st.text(CHARACTERS, max_size=20),
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    st.builds(
        repeat, st.text(CHARACTERS, min_size=1, max_size=4), st.integers(1, 1_200)
    ),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.booleans(),
    st.sampled_from(FORMULAS).map(Formula),
    st.sampled_from(["=1+1", "=text"]).map(Text),
)
VALUES = st.one_of(CELL_VALUES, st.builds(CopyOf, ROWS), st.builds(CopyOf, ROWS))


def write(cell, value) -> None:
    """Put a value in a cell as a person would in Excel."""
    if isinstance(value, Formula):
        cell.value = value.text
    elif isinstance(value, Text):
        cell.value = value.text
        cell.data_type = "s"
    else:
        cell.value = value


@dataclass(frozen=True)
class SetCell:
    """Set a cell; `column` is a position or the header of the column."""

    sheet: str
    row: int
    column: int | str
    value: object

    def apply(self, book) -> None:
        ws = book[self.sheet]
        row = min(self.row, ws.max_row + 1)
        if isinstance(self.column, str):
            row = max(2, min(self.row, ws.max_row))
            headers = [cell.value for cell in ws[1]]
            if self.column not in headers:
                return
            column = headers.index(self.column) + 1
        else:
            column = min(self.column, ws.max_column + 1)
        value = self.value
        if isinstance(value, CopyOf):
            value = ws.cell(max(2, min(value.row, ws.max_row)), column).value
        write(ws.cell(row, column), value)


@dataclass(frozen=True)
class Change:
    """Any other change: a function of the workbook."""

    function: object

    def apply(self, book) -> None:
        self.function(book)


# Edits of a whole row or column, by position; a position past the sheet's
# end is its last row or column, so any position makes an edit.
LINE_EDITS = {
    "delete row": lambda ws, n: ws.delete_rows(min(n, ws.max_row)),
    "duplicate row": lambda ws, n: ws.append(
        [cell.value for cell in ws[min(n, ws.max_row)]]
    ),
    "clear header": lambda ws, n: setattr(
        ws.cell(1, min(n, ws.max_column)), "value", None
    ),
    "delete column": lambda ws, n: ws.delete_cols(min(n, ws.max_column)),
}


@dataclass(frozen=True)
class LineEdit:
    """An edit of LINE_EDITS to one sheet at a row or column position."""

    kind: str
    sheet: str
    position: int

    def apply(self, book) -> None:
        LINE_EDITS[self.kind](book[self.sheet], self.position)


# Values of the kind a column holds, the corner cases of that kind included.
LONG_TEXT = st.builds(
    repeat, st.text(CHARACTERS, min_size=1, max_size=4), st.integers(1, 1_200)
)
KIND_VALUES = {
    "text": st.one_of(st.text(CHARACTERS, max_size=20), LONG_TEXT),
    "year": st.one_of(
        st.integers(1890, 2210),
        st.sampled_from(
            ["2017", "２０１７", "²⁰¹⁷", "2017.0", "9" * 40, 2018.0, 2018.5]
        ),
    ),
    "decimal": st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats(),
        st.integers(-(10**15), 10**15),
        st.sampled_from(
            [
                "1,234.5",
                "1e13",
                "1e14",
                "99999999999999.99999",
                "12345678901234.5678",
                "0.00001",
                "1e-5000",
                "１２",
            ]
        ),
    ),
    "date": st.one_of(
        st.dates().map(lambda date: date.isoformat()),
        st.dates().map(lambda date: f"{date.year}/{date.month}/{date.day}"),
        st.dates(),
        st.datetimes(),
        st.sampled_from(["1899-12-30", "1899-12-31", "1900-02-29", "2017/3/31"]),
    ),
    "flag": st.sampled_from(
        ["○", "×", "〇", "はい", "いいえ", "TRUE", "0", "1", "たぶん"]
    ),
    "list": st.one_of(
        st.lists(st.text(CHARACTERS, max_size=12), max_size=40).map("、".join),
        st.builds(lambda name, n: "、".join([name] * n), LONG_TEXT, st.integers(1, 3)),
    ),
    "colour": st.one_of(
        st.from_regex(r"#[0-9A-Fa-f]{6}", fullmatch=True),
        st.text(CHARACTERS, max_size=8),
    ),
    # 記入項目: codes, labels, separators and quotes in any order.
    "fields": st.one_of(
        st.lists(
            st.sampled_from([*'PDA=、,，\n\r "取組', "D=", '""']), max_size=20
        ).map("".join),
        st.sampled_from(['P、D="取組状況、成果"、A', 'D="a""b"', 'D="open', 'D="a" b']),
    ),
}
# Cells a person edits while keeping the workbook sound: (sheet, header, kind).
EDITABLE = [
    ("プラン", "評価区分名", "text"),
    ("プラン", "番号の表示", "flag"),
    ("プラン", "2次評価", "flag"),
    ("評価区分", "名称", "text"),
    ("評価区分", "説明", "text"),
    ("評価区分", "色", "colour"),
    ("評価区分", "理由必須", "flag"),
    ("分野", "番号", "text"),
    ("所管課", "旧名称", "list"),
    ("所管課", "有効", "flag"),
    ("取組項目", "分野", "text"),
    ("取組項目", "取組項目名", "text"),
    ("取組項目", "目的・ねらい", "text"),
    ("取組項目", "内容", "text"),
    ("取組項目", "新規", "flag"),
    ("取組項目", "フォローアップ", "flag"),
    ("取組項目", "所管課", "list"),
    ("指標", "記号", "text"),
    ("指標", "指標名", "text"),
    ("指標", "単位", "text"),
    ("指標", "現状値", "text"),
    ("指標", "現状値（数値）", "decimal"),
    ("指標", "現状値の時点", "date"),
    ("指標", "目標値", "text"),
    ("指標", "目標値（数値）", "decimal"),
    ("指標", "目標年度", "year"),
    ("工程表", "実施内容", "text"),
    ("工程表", "2018年度（平成30年度）", "text"),
]
COLUMNS = st.integers(1, 13)
CAREFUL_EDITS = st.one_of(
    *[
        st.sampled_from(EDITABLE).flatmap(
            lambda place: st.builds(
                SetCell,
                st.just(place[0]),
                ROWS,
                st.just(place[1]),
                st.one_of(*[KIND_VALUES[place[2]]] * 3, VALUES),
            )
        )
    ]
    * 4,
    st.builds(
        LineEdit, st.just("duplicate row"), st.sampled_from(["指標", "工程表"]), ROWS
    ),
    st.builds(LineEdit, st.just("delete row"), st.just("工程表"), ROWS),
)
DATA_SHEET = st.sampled_from(DATA_SHEETS)
ANY_EDITS = st.one_of(
    st.builds(SetCell, DATA_SHEET, ROWS, COLUMNS, VALUES),
    st.builds(SetCell, st.sampled_from(SHEETS), st.integers(1, 90), COLUMNS, VALUES),
    st.builds(LineEdit, st.just("delete row"), DATA_SHEET, ROWS),
    st.builds(LineEdit, st.just("duplicate row"), DATA_SHEET, ROWS),
    st.builds(LineEdit, st.just("clear header"), DATA_SHEET, COLUMNS),
    st.builds(LineEdit, st.just("delete column"), DATA_SHEET, COLUMNS),
)
EDIT_LISTS = st.one_of(
    st.lists(CAREFUL_EDITS, min_size=1, max_size=4),
    st.lists(st.one_of(CAREFUL_EDITS, ANY_EDITS), min_size=1, max_size=4),
)


def edited(data: bytes, edits: list) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for edit in edits:
        edit.apply(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@contextmanager
def rolled_back():
    """Run one example in a savepoint and undo everything it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def snapshot() -> dict:
    """Every row an import may touch, the actuals, and every history table's size."""
    state = {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in [*TABLES, IndicatorValue]
    }
    state["history"] = {
        model.__name__: model.history.count() for model in [*TABLES, IndicatorValue]
    }
    return state


def check_valid(plan: Plan) -> None:
    """Every stored value of every imported table fits its field."""
    plan.full_clean()
    for model in TABLES:
        exclude = [f.name for f in model._meta.fields if f.is_relation]
        for obj in model.objects.all():
            obj.clean_fields(exclude=exclude)


def really_unreadable(data: bytes) -> bool:
    """Whether openpyxl itself fails on the file, as the upload page says."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for ws in book:
            for _row in ws.iter_rows(values_only=True):
                pass
    except Exception:  # noqa: BLE001 - any failure to parse is what is claimed
        return True
    return False


def check_refusal(response, data: bytes) -> None:
    """A 400 that says why: an upload error, or problems each naming its sheet."""
    assert response.status_code == 400
    page = soup(response)
    error = page.select_one("#upload-error")
    problems = page.select("#problems tbody tr")
    assert error or problems
    if error:
        message = error.get_text(strip=True)
        assert message
        # "Could not be read" must be true of the file, not hide a bug in
        # the reader (uploads.reading turns any ValueError into this message).
        if "読み取れませんでした" in message:
            assert really_unreadable(data), message
        event("refused: " + message[:30])
    for tr in problems:
        sheet, row, column, message = (td.get_text(strip=True) for td in tr("td"))
        assert sheet in SHEETS and message, (sheet, row, column, message)
        if row:
            assert column, (sheet, row, message)
    if problems:
        event("refused with problems")


@pytest.fixture
def seed_export(seed_plan) -> bytes:
    return workbook.export_plan(seed_plan)


@pytest.fixture
def admin_client(client, administrator, settings):
    client.force_login(administrator)
    return client


@settings(FUZZ, max_examples=examples(30))
@given(edits=EDIT_LISTS)
def test_an_edited_plan_workbook_is_imported_whole_or_refused_whole(
    admin_client, seed_plan, seed_export, edits
):
    url = reverse("admin:plans_plan_import")
    with rolled_back():
        data = edited(seed_export, edits)
        before = snapshot()

        response = admin_client.post(url, {"file": as_upload(data)})

        assert snapshot() == before, "the preview wrote something"
        if response.status_code != 200:
            check_refusal(response, data)
            return
        changes = response.context["changes"]
        token = soup(response).select_one("input[name=token]")
        if not changes:
            event("previewed: no change")
            assert token is None
            assert soup(response).find(id="no-changes") is not None
            return
        event("previewed and confirmed")

        response = admin_client.post(url, {"token": token["value"]})

        if response.status_code != 302:
            check_refusal(response, data)
            assert snapshot() == before
            return
        # The confirmation did what the preview showed.
        [message] = [str(m) for m in get_messages(response.wsgi_request)]
        assert admin_workbook.summary(changes) in message
        plan = Plan.objects.get(pk=changes.plan.pk)
        check_valid(plan)
        again = workbook.export_plan(plan)
        redo = workbook.import_plan(
            workbook.read_workbook(as_upload(again)), dry_run=True
        )
        assert redo.lines == []


# Cell by cell, far more values than whole workbooks allow: a value in any
# column is refused at its place, or read as a value its field can store and
# that reads back the same from an export.

ALL_SHEETS = (*workbook.SHEETS, workbook.schedule_sheet([2018]))
MODELS = {
    "プラン": Plan,
    "評価区分": Grade,
    "分野": PolicyArea,
    "所管課": Division,
    "取組項目": Item,
    "指標": Indicator,
    "工程表": ScheduleRow,
}
# Read as words the import turns into field values later, or (an item's
# empty number, in plans without numbers) fills in later.
LATER = {
    ("プラン", "cadence"),
    ("プラン", "rating_target"),
    ("プラン", "sheet_fields"),
    ("プラン", "item_status_rule"),
    ("取組項目", "number"),
    ("取組項目", "state"),
}
PLACES = [(sheet.name, column.key) for sheet in ALL_SHEETS for column in sheet.columns]


def column_of(sheet_name: str, key: str) -> workbook.Column:
    sheet = next(sheet for sheet in ALL_SHEETS if sheet.name == sheet_name)
    return next(column for column in sheet.columns if column.key == key)


def stored_field(sheet: workbook.Sheet, column: workbook.Column):
    """The model field that stores the column as it is read, if there is one."""
    try:
        model_field = MODELS[sheet.name]._meta.get_field(column.key)
    except FieldDoesNotExist:
        return None
    if model_field.is_relation or (sheet.name, column.key) in LATER:
        return None
    return model_field


def read_back(data: bytes):
    """The cell A2 of a saved workbook, read as the import reads it."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cell = next(book.active.iter_rows(min_row=2, max_row=2, max_col=1), [None])[0]
    return book, cell


def with_value(value) -> bytes:
    book = openpyxl.Workbook()
    write(book.active.cell(2, 1), value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cells() -> st.SearchStrategy:
    """A column, each kind of column as likely as another, and a value for it."""
    kinds = sorted({column_of(*place).kind for place in PLACES})
    return st.sampled_from(kinds).flatmap(
        lambda kind: st.tuples(
            st.sampled_from([p for p in PLACES if column_of(*p).kind == kind]),
            st.one_of(*[KIND_VALUES[kind]] * 3, CELL_VALUES),
        )
    )


@settings(FUZZ, max_examples=examples(250))
@given(cell=cells())
# Corners always tried: each was a bug once.
@example(cell=(("指標", "target_fiscal_year"), "²⁰¹⁷"))
@example(cell=(("所管課", "former_names"), "、".join(["旧協働推進課"] * 50)))
@example(cell=(("指標", "baseline_value"), "99999999999999.99999"))
@example(cell=(("指標", "baseline_value"), "12345678901234.5678"))
@example(cell=(("指標", "baseline_as_of"), "1899-12-31"))
def test_any_cell_is_refused_at_its_place_or_reads_back_from_the_export(cell):
    (sheet_name, key), value = cell
    sheet = next(sheet for sheet in ALL_SHEETS if sheet.name == sheet_name)
    column = column_of(sheet_name, key)
    data = with_value(value)
    if really_unreadable(data):
        return  # refused as a file that cannot be read
    book, typed = read_back(data)
    reader = workbook.Reader(book)
    read = reader.value(sheet, 2, column, typed)
    if reader.problems:
        for problem in reader.problems:
            assert (problem.sheet, problem.row, problem.column) == (
                sheet.name,
                2,
                column.header,
            )
            assert problem.message
        return
    model_field = stored_field(sheet, column)
    if model_field is not None:
        model_field.clean("、".join(read) if column.kind == "list" else read, None)
    # Exported as export_plan writes it, the value reads back the same.
    export = xlsx.new_workbook()
    ws = export.create_sheet(sheet.name)
    xlsx.put(ws, 2, 1, workbook.to_cell(column, read))
    if column.kind == "date" and read:
        ws.cell(2, 1).number_format = "yyyy/m/d"
    book, typed = read_back(xlsx.save(export))
    again = workbook.Reader(book)
    assert again.value(sheet, 2, column, typed) == read
    assert again.problems == []


# Regressions the fuzzer found: each is refused at its place; nothing is written.


def set_column(sheet: str, header: str, value):
    def change(book):
        ws = book[sheet]
        column = [cell.value for cell in ws[1]].index(header) + 1
        ws.cell(row_of(ws, "1") if sheet != "所管課" else 2, column).value = value

    return change


FOUND = {
    # Stored whole on SQLite, a database error (500) on PostgreSQL.
    "former names longer than the field": (
        set_column("所管課", "旧名称", "、".join(["旧協働推進課"] * 50)),
        "シート「所管課」2行目の列「旧名称」: 300文字以内で入力してください（349文字あります）。",
    ),
    # isdigit() is true of ², which int() refuses: the ValueError was
    # reported as a file that could not be read.
    "superscript digits as a year": (
        set_column("指標", "目標年度", "²⁰²⁰"),
        "シート「指標」2行目の列「目標年度」: 「²⁰²⁰」は西暦の年度（例: 2017）ではありません。",
    ),
    "a year of 5,000 digits": (
        set_column("指標", "目標年度", "9" * 5000),
        "シート「指標」2行目の列「目標年度」: 「{}」は西暦の年度（例: 2017）ではありません。".format(
            "9" * 5000
        ),
    ),
    # Rounded to four places as stored, 10**14: the column overflowed (500).
    "a number that rounds beyond the column": (
        set_column("指標", "現状値（数値）", "99999999999999.99999"),
        "シート「指標」2行目の列「現状値（数値）」: 「99999999999999.99999」は数値ではありません。",
    ),
}


@pytest.mark.parametrize("case", FOUND)
def test_found_by_fuzzing_and_refused_at_its_place(
    admin_client, seed_plan, seed_export, case
):
    change, message = FOUND[case]
    before = snapshot()
    response = admin_client.post(
        reverse("admin:plans_plan_import"),
        {"file": as_upload(edited(seed_export, [Change(change)]))},
    )
    assert response.status_code == 400
    assert message in problems_shown(response)
    assert snapshot() == before


def test_a_date_before_1900_is_refused_as_excel_cannot_hold_it(
    admin_client, seed_plan, seed_export
):
    """Imported, 1899-12-31 was exported as a time of day and did not re-import."""
    before = snapshot()
    change = set_column("指標", "現状値の時点", "1899-12-31")
    response = admin_client.post(
        reverse("admin:plans_plan_import"),
        {"file": as_upload(edited(seed_export, [Change(change)]))},
    )
    assert response.status_code == 400
    [problem] = problems_shown(response)
    assert problem.startswith("シート「指標」2行目の列「現状値の時点」: 「1899-12-31」")
    assert snapshot() == before


def test_a_noncharacter_in_a_plan_leaves_its_export_readable(seed_plan):
    """U+FFFF, saved in the admin, no longer makes the plan workbook unreadable."""
    item = seed_plan.items.get(number="1")
    item.title = "協働推進体制の\uffff充実"
    item.save()
    book = openpyxl.load_workbook(io.BytesIO(workbook.export_plan(seed_plan)))
    ws = book["取組項目"]
    assert ws.cell(row_of(ws, "1"), 4).value == "協働推進体制の充実"


def test_a_number_of_16_digits_reads_back_whole_from_the_export(seed_plan, seed_export):
    """Excel numbers keep 15 digits: written as a number, the export lost the rest.

    On PostgreSQL the import stores all 18 digits and the re-import of the
    export then changed the value; SQLite itself keeps only 15.
    """
    change = set_column("指標", "現状値（数値）", "12345678901234.5678")
    workbook.import_plan(
        workbook.read_workbook(as_upload(edited(seed_export, [Change(change)]))),
        dry_run=False,
    )
    again = workbook.export_plan(Plan.objects.get(pk=seed_plan.pk))
    redo = workbook.import_plan(workbook.read_workbook(as_upload(again)), dry_run=True)
    assert redo.lines == []
