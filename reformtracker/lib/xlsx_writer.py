"""Saving a workbook: openpyxl's writer, made faster for reports of many worksheets.

reformtracker.lib.xlsx lays out the cells; `save` writes the file. The XML is
the one openpyxl writes; what differs is where it waits and how often the
parts the worksheets share are serialised.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED
from zipfile import ZipFile

from openpyxl import Workbook
from openpyxl.cell._writer import write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element
from openpyxl.xml.functions import SubElement


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
    column, page and footer objects (see xlsx._shared). Serialising them again
    for each of the 580 worksheets of a 調査票 workbook took a quarter of the
    time it took to save it; the element made for the first worksheet is
    written for the others, the same XML; so are the attributes of the rows
    that share a RowDimension (set_height). `elements` holds them for one
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

    def write_row(self, xf, row, row_idx):
        """openpyxl's write_row, with shortcuts for what reports repeat.

        A row's attributes are worked out once per RowDimension (set_height
        shares one between the rows of a height); a covered cell is written
        as openpyxl writes an empty styled cell, <c r=".." s=".." t="n"></c>.
        """
        attrs = {"r": f"{row_idx}"}
        dims = self.ws.row_dimensions.get(row_idx)
        if dims is not None:
            cached = self._elements.get(id(dims))
            if cached is None:
                cached = self._elements[id(dims)] = dict(dims)
            attrs.update(cached)
        with xf.element("row", attrs):
            for cell in row:
                if type(cell) is CoveredCell:
                    style = self._covered_style(cell)
                    with xf.element("c", {"r": cell.coordinate, "s": style, "t": "n"}):
                        continue
                if cell._comment is not None:
                    self.ws._comments.append(CommentRecord.from_cell(cell))
                if cell._value is None and not cell.has_style and not cell._comment:
                    continue
                write_cell(xf, self.ws, cell, cell.has_style)

    def _covered_style(self, cell: CoveredCell) -> str:
        """The style index of a covered cell, looked up once per merged range.

        The cells a range covers share one StyleArray (xlsx.put_merged); the
        first is looked up when it is written, as before, so the workbook's
        list of styles keeps its order.
        """
        key = id(cell._style)
        style = self._elements.get(key)
        if style is None:
            style = self._elements[key] = f"{cell.style_id}"
        return style

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


class CoveredCell:
    """A cell a merged range covers, with what openpyxl's writer reads of it.

    Excel draws a merged range's borders from the cells it covers, so each
    is written, empty, with the range's style, as openpyxl writes its
    MergedCells. Nothing else reads them; a Cell (or a MergedCell) for each,
    a third of the cells of a 調査票 workbook, cost a tenth of its time.
    The style's index is looked up when the cell is written, as a Cell's
    is, so the workbook's list of styles comes out in the same order.
    """

    __slots__ = ("parent", "coordinate", "_style")
    _value = None
    _comment = None
    hyperlink = None
    data_type = "n"

    def __init__(self, ws: Worksheet, row: int, column: int, style: StyleArray):
        self.parent = ws
        self.coordinate = f"{get_column_letter(column)}{row}"
        self._style = style

    @property
    def has_style(self) -> bool:
        return any(self._style)

    @property
    def style_id(self) -> int:
        return self.parent.parent._cell_styles.add(self._style)
