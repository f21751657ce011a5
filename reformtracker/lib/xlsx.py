"""Writing report workbooks that print and read well: cells, styles, widths, pages."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from array import array
from collections.abc import Collection

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.styles import Border
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.styles import Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.header_footer import HeaderFooter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.page import PrintOptions
from openpyxl.worksheet.page import PrintPageSetup
from openpyxl.worksheet.properties import WorksheetProperties
from openpyxl.worksheet.worksheet import Worksheet

from reformtracker.lib.xlsx_writer import CoveredCell
from reformtracker.lib.xlsx_writer import save as save  # the API: xlsx.save

# Excel's Japanese default; set on every cell so no cell falls back to Calibri.
FONT_NAME = "游ゴシック"
FONT = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8F1FE")
AREA_FILL = PatternFill("solid", fgColor="F2F2F2")
# Cells a person fills in a downloaded sheet: light yellow, like a form.
INPUT_FILL = PatternFill("solid", fgColor="FFF5CC")
_THIN = Side(style="thin", color="767676")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MIDDLE = Alignment(vertical="center")
RIGHT = Alignment(horizontal="right")
# Points per line of 10-point text, for rows whose height Excel cannot fit itself.
LINE_HEIGHT = 14
# Characters XML cannot hold. openpyxl refuses the control characters but
# writes U+FFFE and U+FFFF, and the workbook then opens neither in Excel nor
# in openpyxl; they are dropped with the rest.
UNWRITABLE = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ufffe\uffff]")
# Excel's longest text in a cell; openpyxl cuts longer ones to it.
MAX_TEXT = 32767


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook._cell_styles = _CellStyles(workbook._cell_styles)
    return workbook


class _CellStyles(IndexedList):
    """The workbook's cell styles, openpyxl's list with an `add` hashing once.

    Saving looks up every styled cell's style here (Cell.style_id).
    IndexedList.add hashes the style twice, three times for a new one, each
    hash a Python call (StyleArray.__hash__): 9% of the time it took to save
    a 調査票 workbook under cProfile. The list and its indexes are the same.
    """

    def add(self, value) -> int:
        index = self._dict.get(value)
        if index is None:
            index = self._dict[value] = len(self)
            list.append(self, value)
        return index


def new_sheet(workbook: Workbook, title: str) -> Worksheet:
    """workbook.create_sheet(title), for a title no other worksheet has.

    The title must be valid already: at most 31 characters, none of
    []:*?/\\, unlike every other title even ignoring case. create_sheet
    checks the last by comparing the title with every other worksheet's,
    quadratic in the number of worksheets: for a 580-sheet workbook, a tenth
    of the time it takes to build. Made without a parent, the worksheet skips
    the check; it is then given its workbook and title as create_sheet would.

    It has set_print's page settings from the start, the objects its other
    worksheets share: openpyxl's own footer (HeaderFooter), made for each
    worksheet only to be replaced, was a third of the time a worksheet took
    to make.
    """
    ws = Worksheet.__new__(Worksheet)
    ws._parent = workbook
    ws._WorkbookChild__title = title
    ws._setup()
    _share_print_settings(ws)
    workbook._add_sheet(ws)
    return ws


def _shared(workbook: Workbook, key: tuple, make):
    """make(), made once per workbook for `key`, for its worksheets to share.

    What is shared is the same object on every worksheet given it: it is
    set up once and never changed for one worksheet alone.
    """
    parts = workbook.__dict__.setdefault("shared_parts", {})
    part = parts.get(key)
    if part is None:
        part = parts[key] = make()
    return part


class _CharWidths(dict):
    """Each character's width, looked up in unicodedata once."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "FWA" else 1
        return width


_CHAR_WIDTHS = _CharWidths()


def text_width(text: str) -> int:
    """Width in Excel's character units: full-width characters count twice."""
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def put(
    ws: Worksheet,
    row: int,
    column: int,
    value,
    *,
    font: Font = FONT,
    fill: PatternFill | None = None,
    alignment: Alignment = WRAP,
    border: bool = True,
):
    """Write one cell. Text is always text: a leading "=" never makes a formula.

    The cell is made with its style and text directly: openpyxl's setters
    would look the style up again and scan the text for the characters
    UNWRITABLE has already removed, which is most of a large report's time.
    """
    cell = _empty(ws, row, column, _style(ws.parent, font, fill, alignment, border))
    if isinstance(value, str):
        cell._value = UNWRITABLE.sub("", value)[:MAX_TEXT]
        cell.data_type = "s"
    elif value is not None:
        cell.value = value
    return cell


def _empty(ws: Worksheet, row: int, column: int, style: StyleArray) -> Cell:
    """An empty cell with its own copy of `style`, added to the worksheet.

    Cell(ws, row=row, column=column, style_array=style) and ws._add_cell,
    with the slots set directly and the style copied by array's constructor
    (StyleArray's own is a Python call): 0.36 µs a cell instead of 0.89.
    """
    cell = Cell.__new__(Cell)
    cell.parent = ws
    cell._style = _copy(style)
    cell.row = row
    cell.column = column
    cell._value = None
    cell._hyperlink = None
    cell.data_type = "n"
    cell._comment = None
    ws._cells[(row, column)] = cell
    if row > ws._current_row:
        ws._current_row = row
    return cell


def _copy(style: StyleArray) -> StyleArray:
    """StyleArray(style) without StyleArray's constructor, a Python call."""
    return array.__new__(StyleArray, "i", style)


def _style(workbook, font, fill, alignment, border) -> StyleArray:
    """A style's indexes into the workbook's style lists, registered there once.

    Setting font, fill, alignment and border one by one makes openpyxl hash
    and look up each in the workbook's lists; the resulting style array is
    kept and copied into later cells. Styles are keyed by identity (hashing
    them is what is slow); the cache holds the objects so that no identity
    is reused.
    """
    if not hasattr(workbook, "style_cache"):
        workbook.style_cache = {}
    key = (id(font), id(fill), id(alignment), border)
    cached = workbook.style_cache.get(key)
    if cached is None:
        style = StyleArray()
        style.fontId = workbook._fonts.add(font)
        style.alignmentId = workbook._alignments.add(alignment)
        if fill:
            style.fillId = workbook._fills.add(fill)
        if border:
            style.borderId = workbook._borders.add(BORDER)
        cached = workbook.style_cache[key] = (style, (font, fill, alignment))
    return cached[0]


def put_merged(ws: Worksheet, row: int, first: int, last: int, value, **style):
    """Write a value across columns first..last of one row, borders on every cell.

    The range is registered directly as a plain CellRange: openpyxl's
    merge_cells (and MergedCellRange) restyle every cell's borders again,
    which dominates the time of a large report; the cells here are styled.
    It is added to the set without MultiCellRange.add's check that no range
    already holds it, a scan of every range of the sheet per merge: a
    report's merges never overlap.
    """
    cell = put(ws, row, first, value, **style)
    if last > first:
        # Its own copy: the first cell's style may change afterwards (a
        # sheet to fill in marks its input cells), the covered cells' not.
        covered = _copy(cell._style)
        for column in range(first + 1, last + 1):
            ws._cells[(row, column)] = CoveredCell(ws, row, column, covered)
        ws.merged_cells.ranges.add(_row_range(row, first, last))
    return cell


def _row_range(row: int, first: int, last: int) -> CellRange:
    """CellRange(min_col=first, min_row=row, max_col=last, max_row=row), made faster.

    CellRange checks each bound through a descriptor, ten times the time of
    storing them: these are positive integers in order already.
    """
    bounds = CellRange.__new__(CellRange)
    bounds.__dict__.update(
        min_col=first, min_row=row, max_col=last, max_row=row, title=None
    )
    return bounds


def header_row(
    ws: Worksheet, row: int, titles: list[str], first_column: int = 1
) -> None:
    for offset, title in enumerate(titles):
        put(
            ws,
            row,
            first_column + offset,
            title,
            font=BOLD,
            fill=HEADER_FILL,
            alignment=CENTER,
        )


@functools.cache
def grade_font(colour: str) -> Font:
    return Font(name=FONT_NAME, size=11, bold=True, color=colour.lstrip("#").upper())


def put_grade(ws: Worksheet, row: int, column: int, grade) -> None:
    if grade is None:
        put(ws, row, column, None, alignment=CENTER)
    else:
        put(
            ws,
            row,
            column,
            grade.code,
            font=grade_font(grade.colour),
            alignment=CENTER,
        )


def set_widths(
    ws: Worksheet, widths: list[float], *, hidden: Collection[int] = ()
) -> None:
    """Set the column widths, in characters; hide the columns numbered in `hidden`.

    Worksheets of a workbook with the same widths share the column objects.
    """
    columns = _shared(
        ws.parent,
        ("widths", tuple(widths), tuple(hidden)),
        lambda: {
            get_column_letter(index): ColumnDimension(
                ws,
                index=get_column_letter(index),
                width=width,
                hidden=index in hidden,
            )
            for index, width in enumerate(widths, start=1)
        },
    )
    ws.column_dimensions.update(columns)


def fit_row(ws: Worksheet, row: int, texts: list[tuple[str, float]]) -> None:
    """Set a row's height for (text, column width) pairs.

    Excel fits wrapped rows itself on opening, except rows with merged cells
    and printouts made without opening; the estimate keeps those readable.
    """
    lines = 1
    for text, width in texts:
        if text:
            lines = max(
                lines,
                sum(
                    max(1, math.ceil(text_width(part) / max(width - 1, 1)))
                    for part in text.splitlines()
                ),
            )
    set_height(ws, row, min(lines * LINE_HEIGHT + 4, 409))


def set_height(ws: Worksheet, row: int, height: float) -> None:
    """Set a row's height, in points.

    Rows of a workbook with the same height share one RowDimension: it holds
    nothing of its row (the writer takes the row's number from the cells).
    Making and serialising one for each of the 3,260 fitted rows of a
    580-sheet 調査票 workbook took about 7% of its time (cProfile). openpyxl
    sets a dimension's `index` to the row it was last looked up for; nothing
    writes it.
    """
    ws.row_dimensions[row] = _shared(
        ws.parent, ("height", height), lambda: RowDimension(ws, ht=height)
    )


def set_print(ws: Worksheet, *, title_rows: str | None, freeze: str | None) -> None:
    """A4 landscape, fitted to the page width, header rows repeated, page numbers.

    The settings other than `title_rows` and `freeze` are the same objects on
    every worksheet of the workbook.
    """
    _share_print_settings(ws)
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze


def _share_print_settings(ws: Worksheet) -> None:
    (
        ws.page_setup,
        ws.print_options,
        ws.page_margins,
        ws.sheet_properties,
        ws.HeaderFooter,
    ) = _shared(ws.parent, ("print",), lambda: _print_settings(ws))


def _print_settings(ws: Worksheet) -> tuple:
    page_setup = PrintPageSetup(
        ws,
        orientation=Worksheet.ORIENTATION_LANDSCAPE,
        paperSize=Worksheet.PAPERSIZE_A4,
        fitToWidth=1,
        fitToHeight=0,
    )
    properties = WorksheetProperties()
    properties.pageSetUpPr.fitToPage = True
    margins = PageMargins()
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    footer = HeaderFooter()
    footer.oddFooter.center.text = "&P / &N"
    return (
        page_setup,
        PrintOptions(horizontalCentered=True),
        margins,
        properties,
        footer,
    )
