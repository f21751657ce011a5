"""One cell of the plan workbook: read as its column's kind, and written back.

Each parser takes the cell's text, as a person typed it, and its raw value
(a number or a date when Excel stored one), and returns the value the import
keeps or raises CellRefused saying why. `to_cell` is the way back for the
export: a value a parser returned, written by `to_cell`, reads back the same.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from plans.workbook.columns import Column
from plans.workbook.schema import NO
from plans.workbook.schema import NO_WORDS
from plans.workbook.schema import YES
from plans.workbook.schema import YES_WORDS
from reformtracker.lib.uploads import cell_text
from reformtracker.lib.uploads import is_formula

LIST_SPLIT = re.compile(r"[、,，\r\n]")
# The decimal places of the indicators' numbers (Indicator.baseline_value).
STORED_PLACES = Decimal("0.0001")
# What fits in the indicators' numbers: 18 digits, four of them decimals.
NUMBER_LIMIT = 10**14
# The first day of Excel's calendar (the 1900 date system).
FIRST_EXCEL_DATE = datetime.date(1900, 1, 1)


class CellRefused(Exception):
    """A cell whose value cannot be taken; the message tells the person why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def not_a(text: str, what: str) -> CellRefused:
    return CellRefused(_("“%(text)s” is not %(what)s.") % {"text": text, "what": what})


def parse_text(text: str, raw) -> str:
    return text


def parse_year(text: str, raw) -> int:
    # Four digits: str.isdigit() also takes ² and the like, which int() refuses.
    if not (re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2200):
        raise not_a(text, _("a fiscal year such as 2017"))
    return int(text)


def parse_decimal(text: str, raw) -> Decimal:
    try:
        number = (
            Decimal(str(raw))
            if isinstance(raw, int | float)
            else Decimal(text.replace(",", ""))
        )
    except InvalidOperation:
        raise not_a(text, _("a number")) from None
    if number.is_finite() and abs(number) < NUMBER_LIMIT:
        # As stored, with four decimal places: 99999999999999.99999 rounds
        # to 10**14, which the column cannot hold.
        number = number.quantize(STORED_PLACES)
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise not_a(text, _("a number"))
    return number


def parse_date(text: str, raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        date = raw.date()
    elif isinstance(raw, datetime.date):
        date = raw
    else:
        try:
            date = datetime.date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise not_a(text, _("a date such as 2017/3/31")) from None
    # Excel has no dates before 1900: exported, such a date would not read
    # back as itself.
    if date < FIRST_EXCEL_DATE:
        raise not_a(text, _("a date from 1900 on, such as 2017/3/31"))
    return date


def parse_flag(text: str, raw) -> bool:
    if text.upper() in YES_WORDS:
        return True
    if text.upper() in NO_WORDS:
        return False
    raise not_a(text, _("○ or ×"))


def parse_list(text: str, raw) -> list[str]:
    return [part.strip() for part in LIST_SPLIT.split(text) if part.strip()]


def parse_fields(text: str, raw) -> list[tuple[str, str]]:
    """(code, label) of each entry of 記入項目: P、D=取組状況、A=\"課題、今後\".

    Entries are separated as lists are; a label holding a separator, a
    quote or outer spaces is quoted, with a quote inside doubled. A label
    without quotes is read as before quotes, to its entry's end.
    """
    entries, position = [], 0
    while position < len(text):
        end = separator_at(text, position)
        code, equals, label = text[position:end].partition("=")
        if equals and label.strip().startswith('"'):
            start = text.index('"', position + len(code) + 1)
            label, end = quoted(text, start)
        else:
            label = label.strip()
        if code.strip() or equals:
            entries.append((code.strip(), label))
        position = end + 1
    return entries


def separator_at(text: str, position: int) -> int:
    """Where the entry starting at `position` ends: the next separator or the end."""
    match = LIST_SPLIT.search(text, position)
    return match.start() if match else len(text)


def quoted(text: str, start: int) -> tuple[str, int]:
    """The quoted label opening at `start`, and where its entry ends."""
    label, position = [], start + 1
    while True:
        close = text.find('"', position)
        if close < 0:
            raise CellRefused(_('A quoted label has no closing ".'))
        label.append(text[position:close])
        if text.startswith('""', close):
            label.append('"')
            position = close + 2
            continue
        end = separator_at(text, close + 1)
        if text[close + 1 : end].strip():
            raise CellRefused(
                _("After a quoted label comes 、 or the end, not “%(text)s”.")
                % {"text": text[close + 1 : end].strip()}
            )
        return "".join(label), end


def fields_cell(entries) -> str:
    """記入項目 as the export writes it: each label quoted if it must be to read back."""
    return "、".join(
        code + (f"={quote_label(label)}" if label or not code else "")
        for code, label in entries
    )


def quote_label(label: str) -> str:
    if label != label.strip() or '"' in label or LIST_SPLIT.search(label):
        return '"{}"'.format(label.replace('"', '""'))
    return label


def parse_colour(text: str, raw) -> str:
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", text):
        raise not_a(text, _("a colour such as #259d63"))
    return text.lower()


PARSERS = {
    "text": parse_text,
    "year": parse_year,
    "decimal": parse_decimal,
    "date": parse_date,
    "flag": parse_flag,
    "list": parse_list,
    "fields": parse_fields,
    "colour": parse_colour,
}


def read_cell(column: Column, cell):
    """The value of a cell (None for a cell past the row's end) as its column keeps it."""
    if cell is not None and is_formula(cell):
        raise CellRefused(_("Formulas are not accepted; type the value itself."))
    raw = cell.value if cell is not None else None
    text = cell_text(raw)
    if not text:
        if column.required:
            raise CellRefused(_("This cell is required."))
        return [] if column.kind in ("list", "fields") else column.default
    value = PARSERS[column.kind](text, raw)
    for validator in column.validators:
        try:
            validator(value)
        except ValidationError as error:
            raise CellRefused(" ".join(error.messages)) from error
    return value


def too_long(column: Column, value) -> str | None:
    """Why a text or list is longer than its field holds; a list counts as stored, joined by 、."""
    stored = (
        "、".join(value) if isinstance(value, list) and column.kind == "list" else value
    )
    # Only texts have a length: the other kinds hold numbers, dates and flags,
    # or (colours) a fixed number of characters.
    if not (column.max_length and isinstance(stored, str)):
        return None
    if len(stored) <= column.max_length:
        return None
    return _("At most %(limit)d characters (this has %(length)d).") % {
        "limit": column.max_length,
        "length": len(stored),
    }


def to_cell(column: Column, value):
    """A value as the export writes it in its column's cell."""
    if column.kind == "flag":
        return YES if value else NO
    if column.kind == "list":
        return "、".join(value or [])
    if column.kind == "fields":
        return fields_cell(value or [])
    if column.kind == "decimal" and value is not None:
        if value == value.to_integral_value():
            return int(value)
        # Excel numbers keep 15 significant digits; a longer number is
        # written as text, so that it reads back whole.
        if len(value.normalize().as_tuple().digits) > 15:
            return str(value)
        return float(value)
    return value
