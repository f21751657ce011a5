import datetime

import pytest

from reformtracker.lib.fiscal import era_date_label
from reformtracker.lib.fiscal import fiscal_year_label
from reformtracker.lib.fiscal import fiscal_year_short


@pytest.mark.parametrize(
    ("fiscal_year", "label", "short"),
    [
        (1988, "昭和63年度", "S63"),
        (1989, "平成元年度", "H1"),
        (2017, "平成29年度", "H29"),
        (2018, "平成30年度", "H30"),
        (2019, "令和元年度", "R1"),
        (2020, "令和2年度", "R2"),
        (2024, "令和6年度", "R6"),
    ],
)
def test_fiscal_year_label(fiscal_year, label, short):
    assert fiscal_year_label(fiscal_year) == label
    assert fiscal_year_short(fiscal_year) == short


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_era_date_label(day, label):
    assert era_date_label(day) == label
