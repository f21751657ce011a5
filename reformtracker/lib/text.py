"""Reading values as people write them in plan documents."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Ways the source documents write "no value".
BLANKS = {"", "-", "—", "ー", "－", "―"}

_QUANTITY = re.compile(r"^\s*(\d[\d,]*(?:\.\d+)?)\s*([^\d\s]{0,10})\s*$")
# A unit that scales or qualifies the number ("1万人以上") is not a plain unit.
_QUALIFIERS = re.compile(r"[万億千]|以上|以下|未満|超|約|程度")


def clean(text: str | None) -> str:
    """Return the text stripped, or "" when it only says there is no value."""
    text = (text or "").strip()
    return "" if text in BLANKS else text


# Kana, ideographs (with 々 and ー), and Japanese punctuation such as 、。「」（）.
_JAPANESE = (
    "\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff08\uff09"
)
_SPACE_IN_JAPANESE = re.compile(f"(?<=[{_JAPANESE}])[ \u3000]+(?=[{_JAPANESE}])")


def join_japanese(text: str) -> str:
    """Remove the spaces between two Japanese characters, which text taken from a
    PDF keeps where the page broke a line or spaced a word (道 路ボランティア).

    Japanese is written without spaces, so none is lost; a space beside a Latin
    letter or a digit stays (PDCA サイクル and 10 人 do not change).
    """
    return _SPACE_IN_JAPANESE.sub("", text)


def parse_quantity(text: str) -> tuple[Decimal | None, str]:
    """Split "9,855人" into (9855, "人"); anything else gives (None, "")."""
    match = _QUANTITY.match(text)
    if not match or _QUALIFIERS.search(match[2]):
        return None, ""
    return Decimal(match[1].replace(",", "")), match[2]


# What makes a spreadsheet program read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def not_a_formula(value):
    """Text with a leading ' if it would start a formula in Excel; other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# What Japanese input methods give for the symbols plans rate and number with,
# beyond what NFKC folds: 〇 (ideographic zero) and ◯ (large circle) for ○.
_SYMBOLS = str.maketrans({"〇": "○", "◯": "○", "✕": "×", "✖": "×"})


def match_key(text: str) -> str:
    """Text as it is compared, the same however a person typed it.

    For codes, numbers and names typed by hand: NFKC folds full-width letters,
    digits and punctuation into their plain forms (Ｓ → S, ： → :) and Roman
    numerals into Latin letters (Ⅱ → II, as typed with I and I); 〇 and ◯ are
    ○, ✕ is ×; white space runs are one space, none at the ends. Only for
    comparing: what is stored keeps the characters as written.
    """
    return " ".join(unicodedata.normalize("NFKC", text).translate(_SYMBOLS).split())
