"""A column of the plan workbook and the sheet it stands in, and the usual kinds of columns.

A column stored in a model field takes its rules from that field (`field_column`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.validators import MaxLengthValidator


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    kind: str = "text"  # a key of cells.PARSERS
    required: bool = False
    max_length: int | None = None
    default: object = ""
    width: int = 16
    # Columns added after the first version may be absent from older files.
    optional: bool = False
    # Written by the export for the import, not for people to edit.
    hidden: bool = False
    # The model field's own checks, such as the characters an item number allows.
    validators: tuple = ()
    # Optional, and its absence leaves what is stored as it is (an empty
    # cell clears it): the English of a name, which the admin may have given.
    kept_when_absent: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    help: str
    columns: tuple[Column, ...]

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)


def field_column(
    model,
    key: str,
    header: str,
    help: str,
    kind: str = "text",
    *,
    field: str | None = None,
    **rules,
) -> Column:
    """A column stored in the model field `key` (or `field`), with the field's rules.

    The field gives the length limit; the cell is required when the field can
    be neither blank nor defaulted, and an empty cell takes the field's
    default. `rules` set anything else, or state where the workbook's rule
    differs from the model's.
    """
    model_field = model._meta.get_field(field or key)
    taken = {
        "max_length": model_field.max_length,
        "required": not model_field.blank and not model_field.has_default(),
        "validators": tuple(
            v for v in model_field.validators if not isinstance(v, MaxLengthValidator)
        ),
    }
    if model_field.has_default():
        taken["default"] = model_field.get_default()
    return Column(key, header, help, kind, **{**taken, **rules})


def item_number_column(model) -> Column:
    """The column of a sheet of rows per item that names the row's item by number."""
    return field_column(model, "item", "項目番号", "「取組項目」シートの番号")


def english_column(model, field: str, header: str, width: int = 30) -> Column:
    """The optional column of a name's English (django-modeltrans' `<field>_en`).

    As long as the Japanese may be; an empty cell means no English, and the
    English pages show the Japanese.
    """
    return Column(
        f"{field}_en",
        f"{header}（英語）",
        f"英語のページに出る{header}。空欄なら英語のページにも日本語で出ます",
        max_length=model._meta.get_field(field).max_length,
        default=None,
        optional=True,
        kept_when_absent=True,
        width=width,
    )


def english_values(record: dict, *fields: str) -> dict:
    """The English of `fields` a workbook record gives, None for an empty cell.

    A workbook without the English column gives none: what is stored stays.
    """
    return {f"{f}_en": record[f"{f}_en"] or None for f in fields if f"{f}_en" in record}


def key_column(model) -> Column:
    """The hidden column of a row's stable key; empty for a row not yet imported.

    Older workbooks have none: their rows are matched by number and position.
    """
    return field_column(
        model,
        "key",
        "キー",
        "行を見分けるための記号（非表示の列）。書き出したときに記入されます。変えずにおけば、"
        "行を並べ替えたり、番号や名称を変えたりしても同じ行として取り込まれ、調査票や実績は"
        "その行に残ります。新しい行では空欄にします。",
        default="",
        optional=True,
        hidden=True,
        width=12,
    )
