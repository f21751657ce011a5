"""Keyword folding in the database agrees with Python's on any text a plan holds.

A search folds the keyword in Python and the texts in the database
(reformtracker.lib.folding): where the two disagree, a keyword typed one way
misses a text written another. On PostgreSQL the database skips normalizing a
text that is NFKC already, so both kinds are drawn. The characters are those
Japanese plans are written in: ASCII, full-width forms, half-width and
full-width katakana with their sound marks, hiragana, kanji, roman numerals,
circled digits, the ideographic space and Japanese punctuation.
"""

from __future__ import annotations

from django.db.models import Value
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from plans.models import Plan
from reformtracker.lib.folding import Folded
from reformtracker.lib.folding import fold
from tests.fuzz import FUZZ
from tests.fuzz import examples


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


@settings(FUZZ, max_examples=examples(200))
@given(text=st.text(PLAN_CHARACTERS, max_size=40))
def test_the_database_folds_a_plan_text_as_python_does(seed_plan, text):
    folded = (
        Plan.objects.filter(pk=seed_plan.pk)
        .annotate(folded=Folded(Value(text)))
        .values_list("folded", flat=True)
        .get()
    )
    assert folded == fold(text)
