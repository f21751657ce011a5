"""Writing report workbooks that print and read well: cells, styles, widths, pages."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from copy import copy
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.styles import Border
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.styles import Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

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


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_width(text: str) -> int:
    """Width in Excel's character units: full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "FWA" else 1 for ch in text)


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
    """Write one cell. Text is always text: a leading "=" never makes a formula."""
    if isinstance(value, str):
        value = UNWRITABLE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    _style(cell, font, fill, alignment, border)
    return cell


def _style(cell, font, fill, alignment, border) -> None:
    """Apply a style, registering each combination with the workbook only once.

    Setting font, fill, alignment and border one by one makes openpyxl hash
    and look up each in the workbook's style lists; copying the resulting
    style array (indexes into that workbook's lists) to later cells costs
    nothing. Styles are keyed by identity (hashing them is what is slow);
    the cache holds the objects so that no identity is reused.
    """
    workbook = cell.parent.parent
    if not hasattr(workbook, "style_cache"):
        workbook.style_cache = {}
    key = (id(font), id(fill), id(alignment), border)
    cached = workbook.style_cache.get(key)
    if cached is None:
        cell.font = font
        cell.alignment = alignment
        if fill:
            cell.fill = fill
        if border:
            cell.border = BORDER
        workbook.style_cache[key] = (copy(cell._style), (font, fill, alignment))
    else:
        cell._style = copy(cached[0])


def put_merged(ws: Worksheet, row: int, first: int, last: int, value, **style):
    """Write a value across columns first..last of one row, borders on every cell.

    The range is registered directly as a plain CellRange: openpyxl's
    merge_cells (and MergedCellRange) restyle every cell's borders again,
    which dominates the time of a large report; the cells here are styled.
    """
    cell = put(ws, row, first, value, **style)
    for column in range(first + 1, last + 1):
        put(ws, row, column, None, **style)
    if last > first:
        bounds = CellRange(min_col=first, min_row=row, max_col=last, max_row=row)
        ws.merged_cells.add(bounds)
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


def set_widths(ws: Worksheet, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


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
    """A4 landscape, fitted to the page width, header rows repeated, page numbers."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze
    ws.oddFooter.center.text = "&P / &N"
