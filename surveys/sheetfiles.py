"""Survey sheets as an Excel workbook: downloaded prefilled, filled offline, uploaded back.

`sheets_workbook_for` writes one worksheet per sheet in the 調査票 layout, with
the cells a division fills in yellow and unlocked, and a hidden `_meta`
worksheet naming, per cell, the sheet, its version at download and the field.
`read_upload` reads a returned workbook without writing anything and says per
sheet what would change or why it is refused; `apply_upload` saves the
changes as drafts, all or nothing, through `SurveySheet.fill`, so version
checks and history apply as in the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from plans.models import IndicatorValue
from plans.models import Period
from reformtracker.lib import xlsx
from reformtracker.lib.text import match_key
from reformtracker.lib.uploads import Problem
from reformtracker.lib.uploads import UploadRejected
from reformtracker.lib.uploads import cell_text
from reformtracker.lib.uploads import is_formula
from reformtracker.lib.uploads import open_workbook
from reformtracker.lib.uploads import reading
from reformtracker.lib.uploads import rows_within
from surveys import access
from surveys import reports
from surveys.forms import ACTUAL_LIMIT
from surveys.forms import SHEET_LABELS
from surveys.forms import TEXT_LIMIT
from surveys.forms import division_fields
from surveys.models import SurveySheet

META = "_meta"
META_HEADER = ["worksheet", "sheet", "version", "field", "cell"]
INDICATOR = re.compile(r"indicator:([0-9]+)")
STATUS = re.compile(r"(status|status_reason):([0-9]+)")
CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")
UNLOCKED = Protection(locked=False)
# What an upload may declare: a sheet's worksheet is its texts, indicators
# and schedule rows, far within SHEET_ROWS; `_meta` has a row per input cell.
SHEET_ROWS = 1000
META_ROWS_PER_SHEET = 200


# Download


def sheets_workbook_for(user, period: Period) -> bytes:
    """The period's sheets the user may see, one worksheet each, ready to fill in."""
    plan = period.plan
    codes = [grade.code for grade in plan.rating_scale.grades.all()]
    workbook = xlsx.new_workbook()
    meta = []
    sheets = list(access.visible_sheets(user, reports.sheets_for_workbook(period)))
    titles = reports.sheet_titles(plan, period)
    for sheet, name in zip(sheets, reports.sheet_names(plan, sheets), strict=True):
        ws = xlsx.new_sheet(workbook, name)
        inputs = reports.write_sheet(ws, plan, period, sheet, titles)
        if sheet.is_fillable and access.may_fill(user, sheet):
            _mark_inputs(ws, inputs, codes, reports.rating_label(plan))
        else:
            note = (
                "この調査票は主担当課が記入します。貴課の記載は画面から入力してください。"
                if sheet.is_fillable
                else "この調査票は提出済みまたは締切済みのため、変更できません。"
            )
            xlsx.put_merged(ws, 4, 1, reports.SHEET_COLUMNS, note, border=False)
        ws.protection.sheet = True
        # Protected against layout changes, yet rows and columns can be resized
        # to read long text.
        ws.protection.formatRows = False
        ws.protection.formatColumns = False
        meta += [(name, sheet.pk, sheet.version, f, c) for f, c in inputs.items()]
    ws = workbook.create_sheet(META)
    ws.sheet_state = "veryHidden"
    for row in [META_HEADER, *meta]:
        ws.append(row)
    # Worksheets cannot be renamed, moved or deleted: `_meta` names them.
    workbook.security = WorkbookProtection(lockStructure=True)
    return xlsx.save(workbook)


def _mark_inputs(ws, inputs: dict[str, str], codes: list[str], rating: str) -> None:
    rating = rating.removesuffix("（C）")
    note = f"黄色のセルに記入してください。{rating}は一覧から選びます。"
    xlsx.put_merged(ws, 4, 1, reports.SHEET_COLUMNS, note, border=False)
    for coordinate in inputs.values():
        cell = ws[coordinate]
        cell.fill = xlsx.INPUT_FILL
        cell.protection = UNLOCKED
    validation = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(codes)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=rating,
        error="{}のいずれかを選んでください。".format("、".join(codes)),
    )
    ws.add_data_validation(validation)
    for name, coordinate in inputs.items():
        if name == "division_grade" or name.startswith("status:"):
            validation.add(coordinate)


# Upload


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class SheetUpload:
    """One worksheet of an upload: its sheet, what would change, or why it is refused."""

    worksheet: str
    sheet: SurveySheet
    version: int
    changes: list[Change] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    actuals: dict[int, str] = field(default_factory=dict)
    # Per schedule row (plans rated per row): [grade, reason].
    statuses: dict[int, list] = field(default_factory=dict)
    refusal: str = ""

    @property
    def will_save(self) -> bool:
        return bool(self.changes) and not self.refusal


@dataclass
class UploadPlan:
    period: Period
    sheets: list[SheetUpload] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def to_save(self) -> list[SheetUpload]:
        return [s for s in self.sheets if s.will_save]

    @property
    def refused(self) -> list[SheetUpload]:
        return [s for s in self.sheets if s.refusal]

    @property
    def unchanged(self) -> list[SheetUpload]:
        return [s for s in self.sheets if not s.changes and not s.refusal]

    @property
    def can_apply(self) -> bool:
        return not self.problems and bool(self.to_save)


@dataclass
class _Listed:
    """A worksheet as `_meta` lists it: its sheet, version and input cells."""

    worksheet: str
    pk: int
    version: int
    cells: dict[str, str] = field(default_factory=dict)


def read_upload(user, period: Period, upload) -> UploadPlan:
    """Read a filled-in workbook and say what saving it would do; write nothing.

    Raises UploadRejected when the file is not a workbook from this app.
    """
    workbook = open_workbook(upload)
    try:
        with reading():
            return _Reader(user, period, workbook).read()
    finally:
        workbook.close()


def apply_upload(user, plan: UploadPlan) -> int:
    """Save every accepted sheet's changes as a draft, all or nothing; return how many.

    SurveySheet.fill's Refused or Conflict rolls back every sheet saved before it.
    """
    if plan.problems:
        raise UploadRejected(_("The workbook has problems; nothing was saved."))
    entries = plan.to_save
    with transaction.atomic():
        for entry in entries:
            entry.sheet.fill(
                by=user,
                version=entry.version,
                fields=entry.fields,
                actuals=entry.actuals,
                statuses={pk: tuple(status) for pk, status in entry.statuses.items()},
            )
    return len(entries)


def _normalised(text: str) -> str:
    """Text as compared and stored: Windows line ends made plain, no outer blanks."""
    return text.replace("\r\n", "\n").strip()


def _grade_key(code: str) -> str:
    """A grade as typed with a Japanese input method: Ｓ is S, 〇 and ◯ are ○."""
    return match_key(code)


def _formula(label: str) -> str:
    return _(
        "“%(field)s” holds a formula; formulas are not accepted. "
        "Type the text or number itself."
    ) % {"field": label}


def _too_long(label: str, limit: int) -> str:
    return _("“%(field)s” is longer than %(limit)d characters.") % {
        "field": label,
        "limit": limit,
    }


class _Reader:
    def __init__(self, user, period: Period, workbook):
        self.user = user
        self.period = period
        self.workbook = workbook
        self.plan = UploadPlan(period=period)
        self.grades = {
            _grade_key(grade.code): grade
            for grade in period.plan.rating_scale.grades.all()
        }
        self.values: dict[int, IndicatorValue] = {}
        # The plan's own labels for its texts, such as 取組状況.
        self.labels = dict(period.plan.text_fields)
        # What the plan's form lets a division change: nothing else is read.
        self.fields = set(division_fields(period.plan))
        self.rates_rows = period.plan.rates_schedule_rows

    def problem(self, worksheet: str, coordinate: str | None, message: str) -> None:
        row = column = None
        if coordinate:
            row, index = coordinate_to_tuple(coordinate)
            column = get_column_letter(index)
        self.plan.problems.append(Problem(worksheet, row, column, message))

    def read(self) -> UploadPlan:
        listed = self.listed()
        sheets = {
            sheet.pk: sheet
            for sheet in self.period.sheets.filter(
                pk__in=[entry.pk for entry in listed]
            )
            .select_related("item", "division_grade")
            # Prefetched for SurveySheet.is_division_member, and for the statuses.
            .prefetch_related(
                "item__division_links",
                "item__schedule_rows",
                "statuses__grade",
            )
        }
        self.values = {
            value.pk: value
            for value in IndicatorValue.objects.filter(
                period=self.period,
                indicator__item__in=[sheet.item_id for sheet in sheets.values()],
            ).select_related("indicator")
        }
        for entry in listed:
            sheet = sheets.get(entry.pk)
            if sheet is None:
                self.problem(entry.worksheet, None, self.mismatch())
            elif entry.worksheet not in self.workbook.sheetnames:
                self.problem(
                    entry.worksheet,
                    None,
                    _("The worksheet is missing; download the workbook again."),
                )
            else:
                self.plan.sheets.append(self.read_sheet(entry, sheet))
        return self.plan

    def mismatch(self) -> str:
        return _(
            "The workbook does not match this period's sheets; download it again "
            "from this period's page."
        )

    def listed(self) -> list[_Listed]:
        """The worksheets `_meta` lists, in workbook order; refuse a foreign file."""
        not_ours = UploadRejected(
            _(
                "This is not a workbook downloaded from ReformTracker. Download the "
                "survey sheets of the period, fill them in and upload that file."
            )
        )
        if META not in self.workbook.sheetnames:
            raise not_ours
        listed: dict[str, _Listed] = {}
        layout = (
            1 + META_ROWS_PER_SHEET * self.period.sheets.count(),
            len(META_HEADER),
        )
        rows = rows_within(self.workbook[META], layout, values_only=True)
        if list(next(rows, ())[: len(META_HEADER)]) != META_HEADER:
            raise not_ours
        for row in rows:
            try:
                worksheet, pk, version, name, coordinate = row[: len(META_HEADER)]
                pk, version = int(pk), int(version)
            except (TypeError, ValueError) as error:
                raise not_ours from error
            if not isinstance(worksheet, str):
                raise not_ours
            entry = listed.setdefault(worksheet, _Listed(worksheet, pk, version))
            if (
                (entry.pk, entry.version) != (pk, version)
                or not self.fillable(name)
                or not self.in_layout(coordinate)
            ):
                raise not_ours
            entry.cells[name] = coordinate
        if len({entry.pk for entry in listed.values()}) != len(listed):
            raise not_ours
        return list(listed.values())

    def fillable(self, name) -> bool:
        """Whether `_meta` names a field the plan's form has."""
        return (
            name in self.fields
            or bool(INDICATOR.fullmatch(str(name)))
            or (self.rates_rows and bool(STATUS.fullmatch(str(name))))
        )

    @staticmethod
    def in_layout(coordinate) -> bool:
        """Whether `_meta` names a cell that a sheet's worksheet can have."""
        if not CELL.fullmatch(str(coordinate)):
            return False
        row, column = coordinate_to_tuple(coordinate)
        return row <= SHEET_ROWS and column <= reports.SHEET_COLUMNS

    def read_sheet(self, entry: _Listed, sheet: SurveySheet) -> SheetUpload:
        result = SheetUpload(entry.worksheet, sheet, entry.version)
        cells = self.cells(entry)
        for name, coordinate in entry.cells.items():
            cell = cells.get(coordinate)
            status = STATUS.fullmatch(name)
            if status:
                self.read_status(result, status, coordinate, cell)
                continue
            indicator = INDICATOR.fullmatch(name)
            if indicator:
                value = self.values.get(int(indicator.group(1)))
                if value is None or value.indicator.item_id != sheet.item_id:
                    self.problem(entry.worksheet, None, self.mismatch())
                    continue
                label = f"{value.indicator.marker}{value.indicator.name}"
            else:
                label = str(self.labels.get(name) or SHEET_LABELS[name])
            if is_formula(cell):
                self.problem(entry.worksheet, coordinate, _formula(label))
                continue
            text = _normalised(cell_text(cell.value if cell else None))
            if name == "division_grade":
                self.read_grade(result, coordinate, label, text)
                continue
            limit = ACTUAL_LIMIT if indicator else TEXT_LIMIT
            if len(text) > limit:
                self.problem(entry.worksheet, coordinate, _too_long(label, limit))
                continue
            old = value.text if indicator else getattr(sheet, name)
            if _normalised(old) == text:
                continue
            result.changes.append(Change(label, old, text))
            if indicator:
                result.actuals[value.pk] = text
            else:
                result.fields[name] = text
        result.refusal = self.refusal(result)
        return result

    def read_status(self, result: SheetUpload, match, coordinate, cell) -> None:
        """A schedule row's status or its reason, for plans rated per row."""
        kind, pk = match.group(1), int(match.group(2))
        row = next(
            (r for r in result.sheet.item.schedule_rows.all() if r.pk == pk), None
        )
        if row is None:
            self.problem(result.worksheet, None, self.mismatch())
            return
        label = row.label_for(self.period.fiscal_year)
        if is_formula(cell):
            self.problem(result.worksheet, coordinate, _formula(label))
            return
        current = next(
            (s for s in result.sheet.statuses.all() if s.schedule_row_id == pk), None
        )
        # [grade, reason], shared by the row's two cells.
        status = result.statuses.setdefault(
            pk, [current.grade if current else None, current.reason if current else ""]
        )
        text = _normalised(cell_text(cell.value if cell else None))
        if kind == "status":
            self.read_row_grade(result, coordinate, label, text, status)
        else:
            self.read_row_reason(result, coordinate, label, text, status)

    def read_row_grade(self, result, coordinate, label, text, status) -> None:
        grade = self.grades.get(_grade_key(text)) if text else None
        if text and grade is None:
            self.problem(result.worksheet, coordinate, self.not_a_grade(text))
        elif grade != status[0]:
            old = status[0]
            status[0] = grade
            result.changes.append(
                Change(label, old.code if old else "", grade.code if grade else "")
            )

    def read_row_reason(self, result, coordinate, label, text, status) -> None:
        if len(text) > TEXT_LIMIT:
            self.problem(result.worksheet, coordinate, _too_long(label, TEXT_LIMIT))
        elif text != _normalised(status[1]):
            result.changes.append(
                Change(f"{label}（{SHEET_LABELS['division_reason']}）", status[1], text)
            )
            status[1] = text

    def read_grade(self, result: SheetUpload, coordinate, label, text) -> None:
        grade = self.grades.get(_grade_key(text)) if text else None
        if text and grade is None:
            self.problem(result.worksheet, coordinate, self.not_a_grade(text))
        elif grade != result.sheet.division_grade:
            result.fields["division_grade"] = grade
            old = result.sheet.division_grade
            result.changes.append(
                Change(label, old.code if old else "", grade.code if grade else "")
            )

    def not_a_grade(self, text: str) -> str:
        return _(
            "“%(value)s” is not a rating of this plan; choose one of %(codes)s."
        ) % {"value": text, "codes": "、".join(g.code for g in self.grades.values())}

    def cells(self, entry: _Listed) -> dict:
        """The listed cells of a worksheet by coordinate, read in one pass."""
        wanted = {coordinate_to_tuple(c): c for c in entry.cells.values()}
        rows = [row for row, _column in wanted]
        columns = [column for _row, column in wanted]
        found = {}
        worksheet = self.workbook[entry.worksheet]
        for cells in rows_within(
            worksheet,
            (SHEET_ROWS, reports.SHEET_COLUMNS),
            min_row=min(rows),
            max_row=max(rows),
            min_col=min(columns),
            max_col=max(columns),
        ):
            for cell in cells:
                # Read-only empty cells have no place; they read as blank.
                place = (getattr(cell, "row", None), getattr(cell, "column", None))
                if place in wanted:
                    found[wanted[place]] = cell
        return found

    def refusal(self, result: SheetUpload) -> str:
        """Why the sheet's changes cannot be saved, or ""."""
        sheet = result.sheet
        if not result.changes:
            return ""
        if not access.may_fill(self.user, sheet):
            return _("Only the responsible division can fill this sheet.")
        if not sheet.is_fillable:
            return sheet.state_refusal()
        if sheet.version != result.version:
            return _(
                "Someone saved this sheet in the app after the workbook was "
                "downloaded, so the workbook's copy is out of date. Download the "
                "workbook again and enter your changes there."
            )
        return ""
