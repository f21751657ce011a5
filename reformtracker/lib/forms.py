"""The base of the forms people fill in on the app's pages (not the admin's)."""

from __future__ import annotations

from django import forms


class ColonlessForm(forms.Form):
    """A form whose labels end without Django's label suffix (a colon), as the
    pages show every label: above its field, in Japanese and in English."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
