"""English beside a plan's Japanese names, where a city gives it.

django-modeltrans keeps the English in one JSON field per model (`i18n`) and
adds `<field>_en` to read and write it. The Japanese field is never changed
by it: what a division wrote stays attached to the same record.
"""

from __future__ import annotations

from modeltrans.fields import TranslatedVirtualField
from modeltrans.fields import TranslationField
from simple_history.models import HistoricalRecords


def english(*fields: str) -> TranslationField:
    return TranslationField(fields=fields)


def not_edited_in_forms(model) -> list[str]:
    """The fields django-modeltrans adds that a form must not offer.

    `name_ja` and `name_i18n` are other ways to `name`; a form edits `name` and
    its English (`name_en`).
    """
    return [
        f.name
        for f in model._meta.private_fields
        if isinstance(f, TranslatedVirtualField) and not f.name.endswith("_en")
    ]


class TranslatedHistory(HistoricalRecords):
    """The history of a record with English names: `i18n` is kept with the rest.

    The fields django-modeltrans adds (`name_ja`, `name_en`, `name_i18n`) are
    views of `name` and `i18n` with no column, so the history leaves them out.
    """

    def fields_included(self, model):
        return [f for f in super().fields_included(model) if f.concrete]
