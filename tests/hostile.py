"""Workbooks crafted to make a reader spend time or memory: for the tests and bench/.

Each takes a real workbook's bytes and rewrites its raw XML, as an attacker
with a zip tool would: openpyxl would not write such a file itself.
"""

from __future__ import annotations

import io
import re
import zipfile

WORKSHEET = re.compile(r"xl/worksheets/sheet[0-9]+\.xml")
DIMENSION = re.compile(rb"<dimension ref=\"[^\"]*\"\s*/>")


def rewritten(data: bytes, change) -> bytes:
    """The workbook with each part's bytes replaced by `change(name, bytes)`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, change(entry.filename, source.read(entry)))
    return buffer.getvalue()


def padded_to_row(data: bytes, row: int, *, leave: str = "") -> bytes:
    """Every worksheet but `leave` declared A1:XFD<row>, with one cell in a row at `row`."""

    def change(name: str, xml: bytes) -> bytes:
        if not WORKSHEET.fullmatch(name) or name == leave:
            return xml
        dimension = f'<dimension ref="A1:XFD{row}"/>'.encode()
        if DIMENSION.search(xml):
            xml = DIMENSION.sub(dimension, xml, count=1)
        else:
            xml = xml.replace(b"<sheetData", dimension + b"<sheetData", 1)
        cell = (
            f'<row r="{row}"><c r="XFD{row}" t="inlineStr"><is><t>x</t></is></c></row>'
        )
        if b"<sheetData/>" in xml:
            return xml.replace(
                b"<sheetData/>", f"<sheetData>{cell}</sheetData>".encode()
            )
        return xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>", 1)

    return rewritten(data, change)


def cut_short(data: bytes, part: str) -> bytes:
    """The workbook with the XML of `part` ending halfway."""
    return rewritten(
        data, lambda name, xml: xml[: len(xml) // 2] if name == part else xml
    )


def with_shared_strings(data: bytes, megabytes: int) -> bytes:
    """The workbook whose shared strings unpack to `megabytes` of one repeated text.

    Written in blocks so that even hundreds of megabytes stay quick to build.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    string = b"<si><t>" + "進捗".encode() * 500 + b"</t></si>"
    block = string * (1024 * 1024 // len(string))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for entry in source.infolist():
            if entry.filename != "xl/sharedStrings.xml":
                target.writestr(entry.filename, source.read(entry))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for _ in range(megabytes):
                part.write(block)
            part.write(b"</sst>")
    return buffer.getvalue()


def meta_part(data: bytes) -> str:
    """The path of the `_meta` worksheet's XML in a sheets workbook."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook = archive.read("xl/workbook.xml").decode()
    links = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="_meta"[^>]*r:id="([^"]+)"', workbook).group(1)
    target = re.search(
        rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', links
    )
    path = (target.group(1) or target.group(2)).lstrip("/")
    return path if path.startswith("xl/") else f"xl/{path}"
