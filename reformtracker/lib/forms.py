"""The base of the forms people fill in on the app's pages (not the admin's), and their fields."""

from __future__ import annotations

from django import forms


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
