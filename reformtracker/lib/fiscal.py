"""Japanese fiscal years (年度) and era (和暦) names.

A fiscal year runs from 1 April to 31 March and is stored as the Western year
it starts in (2017 for 平成29年度). Its era name is the era of 1 April, except
that an era starting in April to December names its whole fiscal year: FY2019
is 令和元年度 by the national rule for the 2019 change.
"""

from __future__ import annotations

import datetime

# (first day, name); a future era change is one more row.
ERAS = [
    (datetime.date(1926, 12, 25), "昭和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(2019, 5, 1), "令和"),
]


def _era_of(day: datetime.date) -> tuple[str, int]:
    for start, name in reversed(ERAS):
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day} is before the first known era")


def _year_word(year: int) -> str:
    return "元" if year == 1 else str(year)


def era_fiscal_year(fiscal_year: int) -> tuple[str, int]:
    """Return the era name and era year of a fiscal year: 2017 → ("平成", 29)."""
    april = datetime.date(fiscal_year, 4, 1)
    for start, name in ERAS:
        if april < start <= datetime.date(fiscal_year, 12, 31):
            # An era that starts in April to December names the whole fiscal
            # year (令和元年度); one that starts in January to March leaves it
            # to the old era (FY1988 stays 昭和63年度).
            return name, 1
    return _era_of(april)


def fiscal_year_label(fiscal_year: int) -> str:
    """平成29年度 for 2017."""
    name, year = era_fiscal_year(fiscal_year)
    return f"{name}{_year_word(year)}年度"


def fiscal_years_label(first: int, last: int) -> str:
    """平成29～30年度 for 2017 to 2018; 平成30～令和元年度 across an era change."""
    first_era, first_year = era_fiscal_year(first)
    last_era, last_year = era_fiscal_year(last)
    tail = (
        _year_word(last_year)
        if last_era == first_era
        else f"{last_era}{_year_word(last_year)}"
    )
    return f"{first_era}{_year_word(first_year)}～{tail}年度"


def fiscal_year_short(fiscal_year: int) -> str:
    """H29 for 2017, R6 for 2024: for compact table headers."""
    name, year = era_fiscal_year(fiscal_year)
    initial = {"昭和": "S", "平成": "H", "令和": "R"}[name]
    return f"{initial}{year}"


def era_date_label(day: datetime.date) -> str:
    """令和元年5月1日 for 2019-05-01."""
    name, year = _era_of(day)
    return f"{name}{_year_word(year)}年{day.month}月{day.day}日"
