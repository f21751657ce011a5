"""Fuzzing the survey sheet form through the real view.

Whatever a division posts to its sheet's edit page, the answer is a clear one:
a redirect after saving exactly what the form promises to keep, or the form
again (200) with an error on each field that is wrong, or a 409 when someone
saved first or the sheet is no longer open. Never a server error, and a
refusal writes nothing: the sheet, its indicator actuals and their history
stay as they were. A saved sheet exports to Excel and reads back.

What the form keeps of a posted text (Django's CharField): surrounding
whitespace is stripped (str.strip, so U+3000 and the ASCII separators
\\x1c-\\x1f too); the length limit applies after stripping; a NUL character
is refused (code null_characters_not_allowed), never stored. An absent text
field clears the text, as an empty textarea does. A field posted twice keeps
its last value.

What the export keeps of a stored text (surveys.xlsx.put and XML): the
characters a workbook cannot hold (C0 controls other than tab and line ends,
U+FFFE, U+FFFF) are dropped; CR LF and a lone CR read back as LF; a text
starting with "=" stays text, never a formula.

Each example runs in a savepoint that is rolled back, so every example starts
from the seed sheet in a state the example chooses.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import event
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from plans.models import Grade
from plans.models import IndicatorValue
from surveys import reports
from surveys import sheetfiles
from surveys.forms import ACTUAL_LIMIT
from surveys.forms import SHEET_LABELS
from surveys.forms import TEXT_LIMIT
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet
from tests.fuzz import FUZZ
from tests.fuzz import examples
from tests.html import soup

TEXTS = ("plan_text", "done_text", "next_text", "division_reason")

# Any character HTTP can carry: lone surrogates cannot be encoded in UTF-8.
CHARACTERS = st.characters(exclude_categories=["Cs"])
TRICKY = [
    "",
    " ",
    "\u3000",
    "\x00",
    "実績\x00あり",
    "=1+1",
    '=HYPERLINK("http://example.com","見る")',
    "+81-42-341-1211",
    "-1",
    "@SUM(A1:A2)",
    "\t=cmd|' /C calc'!A0",
    "\r\n",
    "前\r\n後",
    "前\r後",
    "\x01\x08\x0b\x0c\x1b",
    "\x1c\x1d\x1e\x1f",
    "\x7f\x85\xa0",
    "\u2028\u2029",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "_x000D_",
    "１０，０００人",
    "ｶﾞｲﾄﾞ",
    "👍🏽👨‍👩‍👧",
    "\U0010ffff",
    "<script>alert(1)</script>",
    "{{ sheet }}{% csrf_token %}",
    "%(count)d%s",
    "'; DROP TABLE surveys_surveysheet; --",
]
PADDING = ["", " ", "\u3000", "\n", "\r\n", "\t \x1f", "\x00"]


def repeat(chunk: str, length: int) -> str:
    return (chunk * length)[:length]


def texts(limit: int, *, savable: bool) -> st.SearchStrategy[str]:
    """Short and tricky texts, padded texts, texts around the limit.

    Texts that are not `savable` may hold NUL and run up to 40,000 characters.
    """
    characters = CHARACTERS.filter(lambda ch: ch != "\x00") if savable else CHARACTERS
    tricky = [t for t in TRICKY if not (savable and "\x00" in t)]
    padding = [p for p in PADDING if not (savable and "\x00" in p)]
    short = st.text(characters, max_size=30)
    body = st.one_of(short, st.sampled_from(tricky))
    strategies = [
        short,
        st.sampled_from(tricky),
        st.builds(
            lambda before, text, after: before + text + after,
            st.sampled_from(padding),
            body,
            st.sampled_from(padding),
        ),
        st.builds(
            repeat,
            st.text(characters, min_size=1, max_size=3),
            st.integers(limit - 2, limit if savable else limit + 2),
        ),
    ]
    if not savable:
        strategies.append(
            st.builds(
                repeat,
                st.text(characters, min_size=1, max_size=3),
                st.integers(1, 40_000),
            )
        )
    return st.one_of(*strategies)


def posted(values: st.SearchStrategy, *, always: bool = False) -> st.SearchStrategy:
    """A field posted once, posted twice (a list), or, unless `always`, absent (None)."""
    twice = st.lists(values, min_size=2, max_size=2)
    return (
        st.one_of(values, values, twice)
        if always
        else st.one_of(values, values, st.none(), twice)
    )


# Values that name things only the database knows are tagged and resolved
# per example: ("current",) is the sheet's version, ("own", i) the i-th grade
# of the plan's scale, ("other", i) the i-th grade of another scale.
CURRENT = st.one_of(
    st.just(("current",)),
    st.builds(lambda form: ("current", form), st.sampled_from(["{} ", "{}.00", "+{}"])),
)
VERSIONS = st.one_of(
    CURRENT,
    st.integers(-2, 10**25).map(str),
    st.text(CHARACTERS, max_size=8),
    st.sampled_from(["", "１", "1_0", "1e0", "9" * 5000, "\x00"]),
)
OWN_GRADES = st.one_of(st.tuples(st.just("own"), st.integers(0, 2)), st.just(""))
GRADES = st.one_of(
    OWN_GRADES,
    st.tuples(st.just("other"), st.integers(0, 3)),
    st.text(CHARACTERS, max_size=6),
    st.integers(-1, 10**20).map(str),
)
ACTIONS = st.one_of(
    st.sampled_from(["save", "submit", "Submit", "submit ", "publish"]),
    st.text(CHARACTERS, max_size=6),
)
# Fields the form does not have, some naming columns a division must not set.
EXTRA_NAMES = st.one_of(
    st.sampled_from(
        [
            "state",
            "hq_grade",
            "hq_reason",
            "return_note",
            "submitted_at",
            "item",
            "period",
            "updated_at",
            "status_1",
            "actual_of_another_sheet",
        ]
    ),
    st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
)


@dataclass(frozen=True)
class Post:
    texts: dict
    actuals: list
    grade: object
    version: object
    action: object
    extras: dict


def posts(*, savable: bool) -> st.SearchStrategy[Post]:
    """Posts of anything, or posts whose every field the form accepts on saving."""
    return st.builds(
        Post,
        texts=st.fixed_dictionaries(
            {name: posted(texts(TEXT_LIMIT, savable=savable)) for name in TEXTS}
        ),
        actuals=st.lists(posted(texts(ACTUAL_LIMIT, savable=savable)), max_size=3),
        grade=posted(OWN_GRADES if savable else GRADES),
        version=posted(CURRENT, always=True) if savable else posted(VERSIONS),
        action=posted(st.sampled_from(["save", "submit"]) if savable else ACTIONS),
        extras=st.dictionaries(
            EXTRA_NAMES, st.text(CHARACTERS, max_size=10), max_size=3
        ),
    )


POSTS = st.one_of(posts(savable=True), posts(savable=False))
STARTS = st.fixed_dictionaries(
    {
        "state": st.sampled_from(["draft", "draft", "draft", "returned", "submitted"]),
        "prefilled": st.booleans(),
        "b_needs_reason": st.booleans(),
    }
)


@contextmanager
def rolled_back():
    """Run one example in a savepoint and undo everything it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def prepare(sheet: SurveySheet, user, start: dict) -> SurveySheet:
    """Put the sheet in the example's starting state."""
    sheet = SurveySheet.objects.select_related("period__plan").get(pk=sheet.pk)
    grades = sheet.period.plan.rating_scale.grades
    grades.filter(code="B").update(reason_required=start["b_needs_reason"])
    if start["prefilled"]:
        values = IndicatorValue.objects.filter(
            period=sheet.period, indicator__item=sheet.item
        )
        sheet.fill(
            by=user,
            version=sheet.version,
            fields={
                "done_text": "研修を2回実施した。",
                "next_text": "来年度も継続する。",
                "division_grade": grades.get(code="A"),
                "division_reason": "予定どおり実施した。",
            },
            actuals={value.pk: "9,855人" for value in values},
        )
    SurveySheet.objects.filter(pk=sheet.pk).update(
        state=start["state"],
        return_note="指標を記入してください。" if start["state"] == "returned" else "",
    )
    return SurveySheet.objects.select_related("period__plan").get(pk=sheet.pk)


def snapshot() -> dict:
    """Every sheet, actual and status row, and how many history records each has."""
    return {
        "sheets": {row[0]: row for row in SurveySheet.objects.values_list()},
        "values": {row[0]: row for row in IndicatorValue.objects.values_list()},
        "statuses": sorted(ScheduleStatus.objects.values_list()),
        "history": (
            SurveySheet.history.count(),
            IndicatorValue.history.count(),
            ScheduleStatus.history.count(),
        ),
    }


# The oracle: what Django's form fields make of a posted value.


def last(raw):
    """The value Django reads of a field posted several times: the last one."""
    return raw[-1] if isinstance(raw, list) else raw


def clean_text(raw, limit: int) -> tuple[str, set[str]]:
    """A CharField(strip=True, max_length=limit, required=False) whose line
    breaks are stored as LF."""
    value = (last(raw) or "").strip().replace("\r\n", "\n").replace("\r", "\n")
    codes = set()
    if len(value) > limit:
        codes.add("max_length")
    if "\x00" in value:
        codes.add("null_characters_not_allowed")
    return value, codes


def clean_version(raw) -> tuple[int | None, set[str]]:
    """An IntegerField: a trailing ".0" is dropped, the rest must be int()."""
    value = last(raw)
    if value in (None, ""):
        return None, {"required"}
    try:
        return int(re.sub(r"\.0*\s*$", "", value)), set()
    except ValueError:
        return None, {"invalid"}


def clean_grade(raw, scale_grades: dict[int, Grade]) -> tuple[Grade | None, set]:
    """A ModelChoiceField over the plan's grades: the pk is looked up as an integer."""
    value = last(raw)
    if value in (None, ""):
        return None, set()
    try:
        return scale_grades[int(value)], set()
    except (ValueError, KeyError):
        return None, {"invalid_choice"}


@dataclass
class Expected:
    errors: dict[str, set[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    actuals: dict[int, str] = field(default_factory=dict)
    grade: Grade | None = None
    version: int | None = None
    submit: bool = False

    def error(self, name: str, code: str) -> None:
        self.errors.setdefault(name, set()).add(code)


class Example:
    """One post resolved against the database: the data to send and what must happen."""

    def __init__(self, post: Post, sheet: SurveySheet):
        self.sheet = sheet
        plan = sheet.period.plan
        own = list(plan.rating_scale.grades.order_by("order"))
        other = list(Grade.objects.exclude(scale=plan.rating_scale).order_by("pk"))
        self.values = list(
            IndicatorValue.objects.filter(
                period=sheet.period, indicator__item=sheet.item
            ).order_by("indicator__order")
        )
        another_value = (
            IndicatorValue.objects.filter(period=sheet.period)
            .exclude(indicator__item=sheet.item)
            .first()
        )

        def resolve(raw):
            if isinstance(raw, list):
                return [resolve(part) for part in raw]
            if isinstance(raw, tuple):
                kind, *rest = raw
                if kind == "current":
                    return (rest[0] if rest else "{}").format(sheet.version)
                return str((own if kind == "own" else other)[rest[0]].pk)
            return raw

        data = {}

        def put(name, raw):
            if raw is not None:
                data[name] = resolve(raw)

        for name, raw in post.texts.items():
            put(name, raw)
        for value, raw in zip(self.values, post.actuals, strict=False):
            put(f"actual_{value.pk}", raw)
        put("division_grade", post.grade)
        put("version", post.version)
        put("action", post.action)
        for name, raw in post.extras.items():
            if name == "actual_of_another_sheet":
                name = f"actual_{another_value.pk}"
            data.setdefault(name, raw)
        self.data = data
        self.expected = self.expect({g.pk: g for g in own})

    def expect(self, scale_grades: dict[int, Grade]) -> Expected:
        data, expected = self.data, Expected()
        cleaned = {}
        for name in TEXTS:
            cleaned[name], codes = clean_text(data.get(name), TEXT_LIMIT)
            for code in codes:
                expected.error(name, code)
        for value in self.values:
            name = f"actual_{value.pk}"
            expected.actuals[value.pk], codes = clean_text(data.get(name), ACTUAL_LIMIT)
            for code in codes:
                expected.error(name, code)
        expected.grade, codes = clean_grade(data.get("division_grade"), scale_grades)
        for code in codes:
            expected.error("division_grade", code)
        expected.version, codes = clean_version(data.get("version"))
        for code in codes:
            expected.error("version", code)
        expected.submit = last(data.get("action")) == "submit"
        if expected.submit:
            # SheetForm.clean: D is required; a rating needs a reason if its
            # grade says so, and no rating needs a reason.
            ok = {name: v for name, v in cleaned.items() if name not in expected.errors}
            if not ok.get("done_text"):
                expected.error("done_text", "required")
            grade = None if "division_grade" in expected.errors else expected.grade
            reason = ok.get("division_reason", "")
            if grade and grade.reason_required and not reason:
                expected.error("division_reason", "reason_required")
            if not grade and not reason:
                expected.error("division_grade", "rating_required")
        expected.texts = cleaned
        return expected


def form_errors(response) -> dict[str, set[str]]:
    return {
        name: {error.code for error in errors}
        for name, errors in response.context["form"].errors.as_data().items()
    }


# Reading a sheet back from the workbooks.

# Characters XML 1.0 cannot hold: the export drops them.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_exported(text: str) -> str:
    """A stored text as a workbook gives it back."""
    return UNWRITABLE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def read_cells(ws) -> dict[str, object]:
    """Every stored cell of a read-only worksheet: {coordinate: cell}."""
    return {
        cell.coordinate: cell
        for row in ws.iter_rows()
        for cell in row
        if hasattr(cell, "coordinate")
    }


def input_cells(data: bytes, sheet: SurveySheet) -> tuple[str, dict[str, str]]:
    """The sheet's worksheet in a period workbook and its input cells by field."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = [
        row
        for row in book[sheetfiles.META].iter_rows(min_row=2, values_only=True)
        if row[1] == sheet.pk
    ]
    book.close()
    assert rows, "the sheet is not in the workbook"
    return rows[0][0], {row[3]: row[4] for row in rows}


def exported_values(data: bytes, worksheet: str, cells: dict[str, str]) -> dict:
    """{field: (value, data type)} of the input cells, read back with openpyxl."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    found = read_cells(book[worksheet])
    book.close()
    return {
        name: (
            (found[coordinate].value, found[coordinate].data_type)
            if coordinate in found
            else (None, "n")
        )
        for name, coordinate in cells.items()
    }


def wanted_values(sheet: SurveySheet, values: list[IndicatorValue]) -> dict:
    """{field: text} of what the sheet holds, as the workbook's input cells name them."""
    wanted = {name: getattr(sheet, name) for name in TEXTS}
    wanted["division_grade"] = sheet.division_grade.code if sheet.division_grade else ""
    for value in values:
        wanted[f"indicator:{value.pk}"] = value.text
    return wanted


def check_read_back(got: dict, wanted: dict) -> None:
    for name, text in wanted.items():
        value, data_type = got[name]
        assert data_type != "f", f"{name} came back as a formula"
        assert (value or "") == as_exported(text), name


def check_exports(user, sheet: SurveySheet, values: list[IndicatorValue]) -> None:
    """The period workbook opens, shows what is stored, and re-uploads as no change."""
    data = sheetfiles.sheets_workbook_for(user, sheet.period)
    worksheet, cells = input_cells(data, sheet)
    wanted = wanted_values(sheet, values)
    assert set(wanted) <= set(cells)
    check_read_back(exported_values(data, worksheet, cells), wanted)
    # Uploading the download unchanged proposes no change, except where the
    # export had to drop or convert characters.
    upload = sheetfiles.read_upload(
        user, sheet.period, SimpleUploadedFile("sheets.xlsx", data)
    )
    assert upload.problems == []
    [entry] = [entry for entry in upload.sheets if entry.sheet.pk == sheet.pk]
    labels = {name: str(label) for name, label in sheet.period.plan.text_fields}
    labels["division_reason"] = str(SHEET_LABELS["division_reason"])
    labels |= {
        f"indicator:{v.pk}": f"{v.indicator.marker}{v.indicator.name}" for v in values
    }
    altered = {
        labels[name]
        for name, text in wanted.items()
        if name != "division_grade" and as_exported(text) != text
    }
    assert {change.label for change in entry.changes} <= altered
    event("saved: the export alters a text" if altered else "saved: plain texts")


@pytest.fixture
def staff_client(client, division_staff):
    client.force_login(division_staff)
    return client


@settings(FUZZ, max_examples=examples(120))
@given(post=POSTS, start=STARTS)
def test_a_posted_sheet_is_saved_whole_or_refused_whole(
    staff_client, division_staff, own_sheet, post, start
):
    with rolled_back():
        sheet = prepare(own_sheet, division_staff, start)
        example = Example(post, sheet)
        expected = example.expected
        before = snapshot()

        response = staff_client.post(
            reverse("surveys:sheet_edit", args=[sheet.pk]), example.data
        )

        after = snapshot()
        event(f"HTTP {response.status_code}")
        if start["state"] == "submitted":
            assert response.status_code == 409
            assert sheet.state_refusal() in response.content.decode()
            assert after == before
            return
        if expected.errors:
            assert response.status_code == 200
            assert form_errors(response) == expected.errors
            assert soup(response).select(".error-summary li")
            assert after == before
            return
        if expected.version != sheet.version:
            assert response.status_code == 409
            assert soup(response).find(id="conflict") is not None
            assert after == before
            return

        assert response.status_code == 302
        assert response["Location"] == (
            sheet.get_absolute_url()
            if expected.submit
            else reverse("surveys:sheet_edit", args=[sheet.pk])
        )
        saved = SurveySheet.objects.select_related("division_grade").get(pk=sheet.pk)
        assert {name: getattr(saved, name) for name in TEXTS} == expected.texts
        assert saved.division_grade == expected.grade
        assert saved.state == ("submitted" if expected.submit else start["state"])
        assert saved.version == sheet.version + 1
        assert (saved.hq_grade_id, saved.hq_reason, saved.return_note) == (
            sheet.hq_grade_id,
            sheet.hq_reason,
            sheet.return_note,
        )
        values = list(
            IndicatorValue.objects.filter(pk__in=[v.pk for v in example.values])
            .select_related("indicator")
            .order_by("indicator__order")
        )
        assert {v.pk: v.text for v in values} == expected.actuals
        # One history record for the sheet, one per actual that changed.
        changed = sum(v.text != expected.actuals[v.pk] for v in example.values)
        assert after["history"] == (
            before["history"][0] + 1,
            before["history"][1] + changed,
            before["history"][2],
        )
        # Nothing else moved.
        for key in ("sheets", "values"):
            own = {sheet.pk} if key == "sheets" else set(expected.actuals)
            assert {k: v for k, v in after[key].items() if k not in own} == {
                k: v for k, v in before[key].items() if k not in own
            }
        check_exports(division_staff, saved, values)


# Texts a division can save, with everything the export has to handle.
SAVABLE = st.one_of(
    st.text(CHARACTERS.filter(lambda ch: ch != "\x00"), max_size=40),
    st.sampled_from([t for t in TRICKY if "\x00" not in t]),
).map(str.strip)


@settings(FUZZ, max_examples=examples(10))
@given(saved=st.fixed_dictionaries(dict.fromkeys(TEXTS, SAVABLE) | {"actual": SAVABLE}))
def test_saved_texts_read_back_from_the_report_workbook(
    staff_client, division_staff, own_sheet, saved
):
    """The HQ report of every sheet (調査票) opens and shows the saved texts."""
    with rolled_back():
        values = list(
            IndicatorValue.objects.filter(
                period=own_sheet.period, indicator__item=own_sheet.item
            )
            .select_related("indicator")
            .order_by("indicator__order")
        )
        data = {name: saved[name] for name in TEXTS}
        data |= {f"actual_{value.pk}": saved["actual"] for value in values}
        data |= {"version": own_sheet.version, "action": "save"}
        response = staff_client.post(
            reverse("surveys:sheet_edit", args=[own_sheet.pk]), data
        )
        assert response.status_code == 302
        sheet = SurveySheet.objects.select_related("period__plan").get(pk=own_sheet.pk)
        for value in values:
            value.refresh_from_db()

        # The report lays the sheet out as the period workbook does.
        worksheet, cells = input_cells(
            sheetfiles.sheets_workbook_for(division_staff, sheet.period), sheet
        )
        report = reports.sheets_workbook(sheet.period.plan, sheet.period)
        check_read_back(
            exported_values(report, worksheet, cells), wanted_values(sheet, values)
        )


def test_a_noncharacter_in_a_saved_text_leaves_the_workbooks_readable(
    staff_client, division_staff, own_sheet
):
    """U+FFFE and U+FFFF are saved as posted, and dropped from the workbooks.

    openpyxl writes them, but then neither Excel nor openpyxl can open the
    file: before the export dropped them, one such character in one sheet
    broke the period's workbook and the HQ report for everyone.
    """
    response = staff_client.post(
        reverse("surveys:sheet_edit", args=[own_sheet.pk]),
        {
            "version": own_sheet.version,
            "action": "save",
            "done_text": "研修を\uffff実施した。",
            "next_text": "\ufffe",
        },
    )
    assert response.status_code == 302
    own_sheet.refresh_from_db()
    assert (own_sheet.done_text, own_sheet.next_text) == (
        "研修を\uffff実施した。",
        "\ufffe",
    )

    data = sheetfiles.sheets_workbook_for(division_staff, own_sheet.period)
    worksheet, cells = input_cells(data, own_sheet)
    report = reports.sheets_workbook(own_sheet.period.plan, own_sheet.period)
    for workbook in (data, report):
        got = exported_values(workbook, worksheet, cells)
        assert (got["done_text"][0], got["next_text"][0]) == ("研修を実施した。", None)
