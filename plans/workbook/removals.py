"""Rows the workbook leaves out: deleted, unless survey data depends on them.

An import never deletes survey data, nor attaches it to another row. The
foreign keys from sheets, actuals and statuses to the plan are PROTECT; the
import asks the database what a removal would take with it and, if that is
survey data, refuses the removal with a message that names it (which kind,
which periods), so that nothing is written. An actual never filled in is not
survey data: open_period creates one for every indicator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import router
from django.db.models import Model
from django.db.models import ProtectedError
from django.db.models import RestrictedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import Period
from plans.workbook.changes import Changes


def survey_data(obj: Model) -> list[Model]:
    """The survey rows that deleting `obj` would take with it."""
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except ProtectedError as error:
        return [row for row in error.protected_objects if not is_blank_actual(row)]
    except RestrictedError:
        pass  # a link among rows removed together; checked by the reader
    return []


def is_blank_actual(row: Model) -> bool:
    return isinstance(row, IndicatorValue) and not row.text and row.value is None


def depends(rows: list[Model]) -> str:
    """What depends on a row, as a sentence: each kind of survey row with its periods."""
    periods = defaultdict(set)
    for row in rows:
        periods[row._meta.verbose_name_plural].add(period_of(row))
    parts = [
        _("%(kind)s (%(periods)s)")
        % {
            "kind": kind,
            "periods": "、".join(
                str(p) for p in sorted(filter(None, found), key=lambda p: p.sort_key)
            ),
        }
        for kind, found in sorted(periods.items())
    ]
    return _("Survey data depends on it: %(data)s.") % {"data": "、".join(parts)}


def period_of(row: Model) -> Period | None:
    """The period of a survey row: its own, or that of the sheet it belongs to."""
    for field in row._meta.concrete_fields:
        if field.many_to_one and field.related_model is Period:
            return getattr(row, field.name)
    for field in row._meta.concrete_fields:
        if field.many_to_one and any(
            f.many_to_one and f.related_model is Period
            for f in field.related_model._meta.concrete_fields
        ):
            return period_of(getattr(row, field.name))
    return None


def remove(
    changes: Changes,
    sheet: str,
    column: str,
    gone: list[Model],
    *,
    refusal: Callable[[Model], str],
    label: Callable[[Model], str],
) -> None:
    """Delete the rows `gone`, or, if survey data depends on any, refuse each such one.

    `refusal(row)` says which row cannot be removed; what depends on it
    follows. `label(row)` names a deleted row in the preview.
    """
    if not gone:
        return
    blocked = {row: data for row in gone if (data := survey_data(row))}
    for row, data in blocked.items():
        changes.refuse(sheet, column, f"{refusal(row)} {depends(data)}")
    if blocked:
        return
    model = type(gone[0])
    pks = [row.pk for row in gone]
    blank = IndicatorValue.objects.filter(text="", value=None)
    if model is Item:
        blank.filter(indicator__item__in=pks).delete()
    elif model is Indicator:
        blank.filter(indicator__in=pks).delete()
    model.objects.filter(pk__in=pks).delete()
    for row in gone:
        changes.add(sheet, label(row), "delete")
