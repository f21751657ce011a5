"""Reading a plan workbook into plain records, with every problem at its place.

Nothing here writes to the database, which is only asked for the city the
自治体 cell names: `read_workbook` returns a PlanDraft, or raises
WorkbookInvalid listing each problem at its sheet, row and column, so that a
person can fix the whole file at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from plans.workbook import checks
from plans.workbook.cells import CellRefused
from plans.workbook.cells import read_cell
from plans.workbook.cells import too_long
from plans.workbook.columns import Column
from plans.workbook.columns import Sheet
from plans.workbook.schema import AREAS
from plans.workbook.schema import DIVISIONS
from plans.workbook.schema import INDICATORS
from plans.workbook.schema import ITEMS
from plans.workbook.schema import PLAN
from plans.workbook.schema import SCALE
from plans.workbook.schema import SCHEDULE_BASE
from plans.workbook.schema import SCHEDULE_KEY
from plans.workbook.schema import YEAR_HEADER
from plans.workbook.schema import schedule_sheet
from plans.workbook.schema import year_column
from reformtracker.lib.text import match_key
from reformtracker.lib.uploads import Problem
from reformtracker.lib.uploads import cell_text
from reformtracker.lib.uploads import open_workbook
from reformtracker.lib.uploads import reading
from reformtracker.lib.uploads import rows_within

# What a sheet of the workbook may declare, (rows, columns): a plan of
# thousands of items with their indicators and schedule rows fits, a padded
# hostile file does not.
SHEET_LAYOUT = (50_000, 64)


@dataclass
class PlanDraft:
    """What a plan workbook says, checked, as plain records (plan["city"] a City).

    Items, indicators and schedule rows keep their row number under "row",
    so that the import can refuse a cell only the database can judge (a key).
    `keyed` names the sheets that have the key column: older workbooks have
    none, and their rows are matched by number and position instead.
    """

    plan: dict
    grades: list[dict]
    areas: list[dict]
    divisions: list[dict]
    items: list[dict]
    indicators: list[dict]
    schedule: list[dict]
    keyed: frozenset[str] = frozenset()


class WorkbookInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def read_workbook(upload, *, by=None) -> PlanDraft:
    """Read and check a plan workbook; raise WorkbookInvalid listing every problem.

    `by` is the importing user, who must administer the workbook's city
    unless a superuser; None for a trusted caller (a command, a test).
    Raises reformtracker.lib.uploads.UploadRejected when the file is not a workbook at all.
    """
    workbook = open_workbook(upload)
    reader = Reader(workbook, by=by)
    try:
        with reading():
            draft = reader.read()
    finally:
        workbook.close()
    if reader.problems:
        raise WorkbookInvalid(reader.problems)
    return draft


def records_of(rows: list) -> list[dict]:
    return [record for _row, record in rows]


def records_with_rows(rows: list) -> list[dict]:
    return [{**record, "row": row} for row, record in rows]


def plan_years(plan: dict) -> range:
    """The plan's fiscal years, none while its first or last year is unreadable."""
    first, last = plan.get("first_fiscal_year"), plan.get("last_fiscal_year")
    return range(first, last + 1) if first and last else range(0)


class Reader:
    """Reads the sheets of one workbook, collecting problems instead of stopping."""

    def __init__(self, workbook, *, by=None):
        self.workbook = workbook
        self.by = by
        self.problems: list[Problem] = []
        self.keyed: set[str] = set()  # the sheets with a key column

    def problem(self, sheet: str, row: int | None, column: str | None, message: str):
        self.problems.append(Problem(sheet, row, column, message))

    def read(self) -> PlanDraft:
        plan = self.plan()
        years = plan_years(plan)
        grades = checks.unique(
            self.problem, SCALE, self.records(SCALE), "code", compared=match_key
        )
        if SCALE.name in self.workbook.sheetnames and not grades:
            self.problem(SCALE.name, None, None, _("List at least one grade."))
        areas, area_index = checks.check_areas(self.problem, self.records(AREAS))
        divisions = checks.unique(
            self.problem, DIVISIONS, self.records(DIVISIONS), "name"
        )
        numbered = checks.numbered(
            self.problem, self.records(ITEMS), plan.get("numbered_items", True)
        )
        items = checks.unique(self.problem, ITEMS, numbered, "number")
        items = checks.unique(self.problem, ITEMS, items, "key")
        indicators = checks.unique(
            self.problem, INDICATORS, self.records(INDICATORS), "key"
        )
        schedule = schedule_sheet(years)
        schedule_rows = checks.unique(
            self.problem, schedule, self.records(schedule, years=years), "key"
        )
        checks.check_items(self.problem, items, area_index, divisions)
        for sheet, rows in ((INDICATORS, indicators), (schedule, schedule_rows)):
            checks.check_item_numbers(self.problem, sheet, rows, items)
        return PlanDraft(
            plan=plan,
            grades=records_of(grades),
            areas=records_of(areas),
            divisions=records_of(divisions),
            items=records_with_rows(items),
            indicators=records_with_rows(indicators),
            schedule=records_with_rows(schedule_rows),
            keyed=frozenset(self.keyed),
        )

    def plan(self) -> dict:
        """The one row of the plan sheet, checked; {} when there is not one row."""
        rows = self.records(PLAN)
        plan = rows[0][1] if rows else {}
        if len(rows) != 1:
            self.problem(
                PLAN.name, None, None, _("Fill in exactly one row for the plan.")
            )
        else:
            checks.check_plan(self.problem, rows[0][0], plan, self.by)
        return plan

    # Sheets and cells

    def records(self, sheet: Sheet, *, years: range | None = None) -> list:
        """(row number, record) for each non-empty row of a sheet.

        For the schedule, `years` are the plan's: its year columns are found
        by their headers, and each record keeps its words under "years".
        """
        if sheet.name not in self.workbook.sheetnames:
            self.problem(sheet.name, None, None, _("The sheet is missing."))
            return []
        rows = rows_within(self.workbook[sheet.name], SHEET_LAYOUT)
        header = next(rows, ())
        positions = {cell_text(cell.value): i for i, cell in enumerate(header)}
        columns = list(sheet.columns)
        year_columns = []
        if years is not None:
            year_columns = self.year_columns(sheet, positions, years)
            columns = [*SCHEDULE_BASE, SCHEDULE_KEY, *year_columns]
        if any(c.key == "key" and c.header in positions for c in columns):
            self.keyed.add(sheet.name)
        missing = [
            c.header for c in columns if c.header not in positions and not c.optional
        ]
        for header_text in missing:
            self.problem(sheet.name, 1, header_text, _("The column is missing."))
        if missing:
            return []
        # An absent column that keeps what is stored gives no value at all.
        columns = [
            c for c in columns if c.header in positions or not c.kept_when_absent
        ]
        records = []
        for row_number, cells in enumerate(rows, start=2):
            if all(cell.value in (None, "") for cell in cells):
                continue
            record = self.record(sheet, row_number, columns, positions, cells)
            if years is not None:
                record["years"] = self.words(sheet, row_number, record, year_columns)
            records.append((row_number, record))
        return records

    def year_columns(self, sheet: Sheet, positions: dict, years: range) -> list:
        """A column for each header that names a fiscal year or a span of them.

        Refuses years outside the plan, a span that does not run forwards,
        and a second column for the same year or span.
        """
        columns, seen = [], {}
        for text in positions:
            match = YEAR_HEADER.match(match_key(text))
            if not match:
                continue
            first, last = int(match.group(1)), match.group(2)
            last = int(last) if last else None
            column = year_column(first, text, last=last)
            if last is not None and last <= first:
                self.problem(
                    sheet.name,
                    1,
                    text,
                    _("A span runs from its first fiscal year to a later one."),
                )
                continue
            outside = [y for y in (first, last) if y is not None and y not in years]
            for year in outside:
                self.problem(
                    sheet.name,
                    1,
                    text,
                    _("%(year)s is not a fiscal year of the plan.") % {"year": year},
                )
            if column.key in seen:
                self.problem(
                    sheet.name,
                    1,
                    text,
                    _("The column “%(header)s” already gives these years.")
                    % {"header": seen[column.key]},
                )
                continue
            seen[column.key] = text
            columns.append(column)
        return columns

    def words(self, sheet: Sheet, row: int, record: dict, columns: list) -> dict:
        """The row's words by key of ScheduleRow.years, each year given once at most.

        A word in a span's column applies to each of its years: a word in one
        of those years' own columns, or in an overlapping span, is refused.
        """
        words, given = {}, {}
        for column in columns:
            word = record.pop(column.key)
            if not word:
                continue
            years = column.key.split(":")[1]
            first, _sep, last = years.partition("-")
            covered = range(int(first), int(last or first) + 1)
            if clash := next((given[y] for y in covered if y in given), None):
                self.problem(
                    sheet.name,
                    row,
                    column.header,
                    _(
                        "The column “%(header)s” of this row already gives a word "
                        "for these years; leave one of them empty."
                    )
                    % {"header": clash},
                )
                continue
            given.update(dict.fromkeys(covered, column.header))
            words[years] = word
        return words

    def record(self, sheet: Sheet, row: int, columns: list, positions: dict, cells):
        record = {}
        for column in columns:
            position = positions.get(column.header, len(cells))
            cell = cells[position] if position < len(cells) else None
            record[column.key] = self.value(sheet, row, column, cell)
        return record

    def value(self, sheet: Sheet, row: int, column: Column, cell):
        """The cell's value; a refused one is reported at its place and read as the default."""
        try:
            value = read_cell(column, cell)
        except CellRefused as refused:
            self.problem(sheet.name, row, column.header, refused.message)
            return column.default
        # Kept although too long, so that the checks across rows see it as
        # it is written.
        if message := too_long(column, value):
            self.problem(sheet.name, row, column.header, message)
        return value
