"""Keywords and texts are folded alike, in Python and by each database."""

import pytest
from django.db.models import Value

from plans.models import Plan
from reformtracker.lib.folding import Folded
from reformtracker.lib.folding import fold

TYPED = ["ＰＦＩ", "ｐｆｉ", "PFI", "ｺﾐｭﾆﾃｨ", "Ｎｏ．３６", "第Ⅱ期", "ＳＮＳ発信"]


def test_full_width_letters_and_digits_fold_to_plain_lower_case():
    assert fold("ＰＦＩ") == fold("ｐｆｉ") == fold("PFI") == "pfi"
    assert fold("Ｎｏ．３６") == "no.36"


def test_half_width_katakana_folds_to_full_width():
    assert fold("ｺﾐｭﾆﾃｨ") == "コミュニティ"


@pytest.mark.parametrize("text", TYPED)
def test_the_database_folds_as_python_does(seed_plan, text):
    folded = (
        Plan.objects.filter(pk=seed_plan.pk)
        .annotate(folded=Folded(Value(text)))
        .values_list("folded", flat=True)
        .get()
    )
    assert folded == fold(text)
