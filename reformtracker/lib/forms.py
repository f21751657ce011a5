"""The base of the forms people fill in on the app's pages (not the admin's), and their fields."""

from __future__ import annotations

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class ColonlessForm(forms.Form):
    """A form whose labels end without Django's label suffix (a colon), as the
    pages show every label: above its field, in Japanese and in English."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


def japanese_text(
    label: str, *, max_length: int, rows: int, help_text: str = ""
) -> forms.CharField:
    """A required text of several lines that people write in Japanese (lang="ja")."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, "lang": "ja"}),
    )


def _escaped(text) -> str:
    """Django's conditional_escape, without its wrapper for lazy texts: most of its cost."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class Select(forms.Select):
    """Django's select, its options written out here rather than through two
    templates each: at 500 options (a plan's areas, a period's items) that took
    30 ms a page, this 1.5 ms. The markup is Django's, and so are the options; a
    select's options have no attribute of their own but `selected`.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', name, flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts += (
                f'<option value="{_escaped(option["value"])}"'
                f"{' selected' if option['selected'] else ''}>"
                f"{_escaped(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (each text is escaped above)
