from decimal import Decimal

import pytest

from reformtracker.lib.text import clean
from reformtracker.lib.text import join_japanese
from reformtracker.lib.text import match_key
from reformtracker.lib.text import parse_quantity


@pytest.mark.parametrize("blank", ["", "-", "—", "ー", "  ", None])
def test_clean_treats_dashes_as_no_value(blank):
    assert clean(blank) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9,855人", (Decimal("9855"), "人")),
        ("92回/年", (Decimal("92"), "回/年")),
        ("98.5%", (Decimal("98.5"), "%")),
        ("1万人以上", (None, "")),
        ("市との協働事業数:73 大学との協働事業数:25", (None, "")),
    ],
)
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("〇", "○"), ("◯", "○"), ("Ⅱ", "II"), ("Ｓ", "S"), ("1：", "1:"), ("改革＞組織", "改革>組織")],
)  # fmt: skip
def test_match_key_reads_a_symbol_as_japanese_input_gives_it(typed, meant):
    assert match_key(typed) == match_key(meant)


@pytest.mark.parametrize(
    ("extracted", "joined"),
    [
        ("道 路ボランティア", "道路ボランティア"),
        ("推進員 登録", "推進員登録"),
        ("地域健康づ くり推進員", "地域健康づくり推進員"),
        ("コ ー ド", "コード"),
        ("人々 の", "人々の"),
        ("採択を行った。 予算編成", "採択を行った。予算編成"),
        ("財政課、\u3000行政経営課", "財政課、行政経営課"),
        ("PDCA サイクル", "PDCA サイクル"),
        ("10 人", "10 人"),
        ("Plan Do", "Plan Do"),
        ("行の\n終わり", "行の\n終わり"),
    ],
)
def test_join_japanese_removes_only_spaces_between_japanese(extracted, joined):
    assert join_japanese(extracted) == joined
