"""Keywords and texts are folded alike, in Python and by each database.

On PostgreSQL the database skips normalizing a text that is NFKC already, so
the texts compared are of both kinds: a few typed ones, and any text drawn from
the characters Japanese plans are written in (ASCII, full-width forms,
half-width and full-width katakana with their sound marks, hiragana, kanji,
roman numerals, circled digits, the ideographic space and Japanese punctuation).
"""

import pytest
from django.db.models import Value
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from plans.models import Plan
from reformtracker.lib.folding import Folded
from reformtracker.lib.folding import fold
from tests.fuzz import FUZZ
from tests.fuzz import examples

TYPED = ["ＰＦＩ", "ｐｆｉ", "PFI", "ｺﾐｭﾆﾃｨ", "Ｎｏ．３６", "第Ⅱ期", "ＳＮＳ発信"]


def _between(first: int, last: int):
    return st.characters(min_codepoint=first, max_codepoint=last)


PLAN_CHARACTERS = st.one_of(
    _between(0x20, 0x7E),  # ASCII
    _between(0xFF01, 0xFF9F),  # full-width forms, half-width katakana and marks
    _between(0x3041, 0x30FF),  # hiragana, katakana
    _between(0x4E00, 0x4FFF),  # kanji (the first of their block)
    _between(0x2160, 0x217F),  # roman numerals
    _between(0x2460, 0x2473),  # circled digits
    st.sampled_from("\u3000、。「」（）・ー〜\n"),
)


def folded_by_the_database(plan: Plan, text: str) -> str:
    return (
        Plan.objects.filter(pk=plan.pk)
        .annotate(folded=Folded(Value(text)))
        .values_list("folded", flat=True)
        .get()
    )


def test_full_width_letters_and_digits_fold_to_plain_lower_case():
    assert fold("ＰＦＩ") == fold("ｐｆｉ") == fold("PFI") == "pfi"
    assert fold("Ｎｏ．３６") == "no.36"


def test_half_width_katakana_folds_to_full_width():
    assert fold("ｺﾐｭﾆﾃｨ") == "コミュニティ"


@pytest.mark.parametrize("text", TYPED)
def test_the_database_folds_as_python_does(seed_plan, text):
    assert folded_by_the_database(seed_plan, text) == fold(text)


@settings(FUZZ, max_examples=examples(200))
@given(text=st.text(PLAN_CHARACTERS, max_size=40))
def test_the_database_folds_any_plan_text_as_python_does(seed_plan, text):
    assert folded_by_the_database(seed_plan, text) == fold(text)
