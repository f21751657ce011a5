"""Writing report workbooks that print and read well: cells, styles, widths, pages."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Collection
from datetime import UTC
from datetime import datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED
from zipfile import ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment
from openpyxl.styles import Border
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.styles import Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.header_footer import HeaderFooter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.page import PrintOptions
from openpyxl.worksheet.page import PrintPageSetup
from openpyxl.worksheet.properties import WorksheetProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element
from openpyxl.xml.functions import SubElement

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
    return workbook


def new_sheet(workbook: Workbook, title: str) -> Worksheet:
    """workbook.create_sheet(title), for a title no other worksheet has.

    The title must be valid already: at most 31 characters, none of
    []:*?/\\, unlike every other title even ignoring case. create_sheet
    checks the last by comparing the title with every other worksheet's,
    quadratic in the number of worksheets: for a 580-sheet workbook, a tenth
    of the time it takes to build. Made without a parent, the worksheet skips
    the check; it is then given its workbook and title as create_sheet would.
    """
    ws = Worksheet(parent=None)
    ws._parent = workbook
    ws._WorkbookChild__title = title
    workbook._add_sheet(ws)
    return ws


def save(workbook: Workbook) -> bytes:
    """The workbook's file; the workbook is spent afterwards.

    Its cells are dropped once written: each refers back to its worksheet,
    so a workbook left as it is lives on, cells and all, until a full
    garbage collection, which then scans every object of the process.
    """
    buffer = BytesIO()
    workbook.properties.modified = datetime.now(UTC).replace(tzinfo=None)
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        _InMemoryWriter(workbook, archive).save()
    for ws in workbook.worksheets:
        ws._cells.clear()
    return buffer.getvalue()


class _InMemoryWriter(ExcelWriter):
    """openpyxl's writer (Workbook.save), each worksheet's XML kept in memory.

    openpyxl writes every worksheet to a temporary file, copies the file into
    the archive and deletes it: three file operations a worksheet, on a disk
    other processes share, for a 580-sheet workbook longer than writing its
    cells. The XML is the same; only where it waits before the archive differs.
    """

    def __init__(self, workbook, archive):
        super().__init__(workbook, archive)
        self._elements = {}

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _WorksheetWriter(ws, BytesIO(), self._elements)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


class _WorksheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer; what worksheets share is serialised once.

    set_widths and set_print give the worksheets of a workbook the same
    column, page and footer objects (see _shared). Serialising them again
    for each of the 580 worksheets of a 調査票 workbook took a quarter of the
    time it took to save it; the element made for the first worksheet is
    written for the others, the same XML. `elements` holds them for one
    save, keyed by the ids of the objects, which the workbook holds (so no
    id is reused) until the save ends.
    """

    def __init__(self, ws, out, elements: dict):
        super().__init__(ws, out=out)
        self._elements = elements

    def _send_once(self, key, to_tree) -> None:
        element = self._elements.get(key, self)
        if element is self:
            element = self._elements[key] = to_tree()
        self.xf.send(element)

    def _send_part(self, part) -> None:
        if part:
            self._send_once(id(part), part.to_tree)

    def write_properties(self):
        self._send_part(self.ws.sheet_properties)

    def write_cols(self):
        # Each worksheet has its own holder (whose to_tree sets its
        # max_outline, which write_format reads): what it holds is shared.
        cols = self.ws.column_dimensions
        self._send_once(tuple(map(id, cols.values())), cols.to_tree)

    def write_print(self):
        self._send_part(self.ws.print_options)

    def write_margins(self):
        self._send_part(self.ws.page_margins)

    def write_page(self):
        self._send_part(self.ws.page_setup)

    def write_header(self):
        self._send_part(self.ws.HeaderFooter)

    def write_merged_cells(self):
        """The merged ranges, written as openpyxl writes them.

        openpyxl turns each range back into text, parses the text into a new
        range object, checks it and serialises it generically: nearly a fifth
        of the time it takes to save a 調査票 workbook with its 8,190 merges.
        """
        ranges = self.ws.merged_cells.ranges
        if ranges:
            element = Element("mergeCells", count=str(len(ranges)))
            for bounds in ranges:
                SubElement(element, "mergeCell", ref=bounds.coord)
            self.xf.send(element)


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
    """An empty cell with its own copy of `style`, added to the worksheet."""
    cell = Cell(ws, row=row, column=column, style_array=style)
    ws._add_cell(cell)
    return cell


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
    for column in range(first + 1, last + 1):
        _empty(ws, row, column, cell._style)
    if last > first:
        bounds = CellRange(min_col=first, min_row=row, max_col=last, max_row=row)
        ws.merged_cells.ranges.add(bounds)
    return cell


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
    ws.row_dimensions[row].height = min(lines * LINE_HEIGHT + 4, 409)


def set_print(ws: Worksheet, *, title_rows: str | None, freeze: str | None) -> None:
    """A4 landscape, fitted to the page width, header rows repeated, page numbers.

    The settings other than `title_rows` and `freeze` are the same objects on
    every worksheet of the workbook.
    """
    (
        ws.page_setup,
        ws.print_options,
        ws.page_margins,
        ws.sheet_properties,
        ws.HeaderFooter,
    ) = _shared(ws.parent, ("print",), lambda: _print_settings(ws))
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze


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
