"""The app's select writes the markup Django's own select does, faster."""

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from reformtracker.lib.forms import Select

CHOICES = [
    (None, gettext_lazy("All")),  # a lazy label, and a value Django writes as ""
    (1, "\u2003総務 & <財政>"),  # a label to escape
    ('a"b', "引用符の値"),  # a value to escape
    (3, mark_safe("<b>既に安全</b>")),  # a label marked safe is written as it is
    ("グループ", [(4, "四"), (5, "五")]),  # an optgroup
]


def _rendered(widget, value) -> str:
    field = forms.ChoiceField(choices=CHOICES, required=False, widget=widget)

    class Form(forms.Form):
        choice = field

    form = Form({"choice": value}, auto_id="id_%s")
    return str(form["choice"])


@pytest.mark.parametrize("value", ["", "1", "5", 'a"b', "unknown"])
def test_a_select_is_written_as_djangos_own(value):
    assert parse_html(_rendered(Select, value)) == parse_html(
        _rendered(forms.Select, value)
    )


def test_the_chosen_option_is_the_one_selected():
    html = _rendered(Select, "5")
    assert '<option value="5" selected>五</option>' in html
    assert html.count("selected") == 1
    assert "&lt;財政&gt;" in html and "&amp;" in html
