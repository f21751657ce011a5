"""Corrections after publication: HQ reopens a published sheet, it is corrected, HQ publishes.

What citizens read does not move while a correction is being written: the
corrected values wait in the Correction until HQ publishes it, and then
the sheet changes in one step, its history recording who published it and
the public log what changed and why.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Plan
from surveys import access
from surveys.forms import division_fields
from surveys.models import Correction
from surveys.models import Refused
from surveys.models import SurveySheet

GRADES = ("division_grade", "hq_grade")
# The history's change reason of a sheet's save by a published correction.
CORRECTION = "correction"


def corrected_fields(plan: Plan) -> list[str]:
    """The sheet's fields a correction may change: the division's, and HQ's rating."""
    fields = division_fields(plan)
    if plan.second_round:
        fields += ["hq_grade", "hq_reason"]
    return fields


def values_of(sheet: SurveySheet) -> dict:
    """The sheet's correctable values, grades by id."""
    return {
        name: getattr(sheet, f"{name}_id" if name in GRADES else name)
        for name in corrected_fields(sheet.period.plan)
    }


def open_correction(sheet: SurveySheet, *, by, note: str) -> Correction:
    """HQ reopens a published sheet; its values start as the published ones."""
    access.check_hq(
        by,
        sheet.period.plan.city_id,
        _("Only the reform headquarters can reopen a published sheet."),
    )
    if not sheet.period.is_published:
        raise Refused(_("Only a sheet of a published period is corrected this way."))
    try:
        with transaction.atomic():
            return Correction.objects.create(
                sheet=sheet, note=note, values=values_of(sheet), opened_by=by
            )
    except IntegrityError:
        raise Refused(_("This sheet is already being corrected.")) from None


def open_correction_of(sheet: SurveySheet) -> Correction | None:
    return sheet.corrections.filter(state=Correction.State.OPEN).first()


def save_correction(correction: Correction, *, by, values: dict) -> None:
    """The division (or HQ) writes the corrected values; nothing public changes."""
    sheet = correction.sheet
    if not access.may_fill(by, sheet):
        raise PermissionDenied(
            _("Only the responsible division and HQ can correct this sheet.")
        )
    with transaction.atomic():
        current = Correction.objects.select_for_update().get(pk=correction.pk)
        if current.state != Correction.State.OPEN:
            raise Refused(_("This correction has already been published."))
        plan = sheet.period.plan
        # A division corrects its own part; HQ's rating is HQ's to correct.
        fields = (
            corrected_fields(plan)
            if access.is_hq(by, plan.city_id)
            else division_fields(plan)
        )
        current.values = {
            **current.values,
            **{name: values[name] for name in fields if name in values},
        }
        current.save(update_fields=["values"])
    correction.refresh_from_db()


def changes_of(correction: Correction) -> list[tuple[str, object, object]]:
    """(field, published value, corrected value) of each field the correction changes."""
    published = values_of(correction.sheet)
    return [
        (name, published[name], value)
        for name, value in correction.values.items()
        if name in published and published[name] != value
    ]


def publish_correction(correction: Correction, *, by) -> None:
    """HQ publishes the correction: the sheet takes its values and the log its changes."""
    sheet = correction.sheet
    access.check_hq(
        by,
        sheet.period.plan.city_id,
        _("Only the reform headquarters can publish a correction."),
    )
    with transaction.atomic():
        current = Correction.objects.select_for_update().get(pk=correction.pk)
        if current.state != Correction.State.OPEN:
            raise Refused(_("This correction has already been published."))
        locked = SurveySheet.objects.select_for_update().get(pk=sheet.pk)
        current.sheet = locked
        changes = changes_of(current)
        if not changes:
            raise Refused(_("Nothing was corrected: change a value, or withdraw it."))
        grades = {g.pk: g.code for g in locked.period.plan.rating_scale.grades.all()}
        for name, _before, after in changes:
            setattr(locked, f"{name}_id" if name in GRADES else name, after)
        locked._change_reason = CORRECTION
        locked._save_by(by)

        def shown(name, value):  # a grade by its code, as the log shows it
            return grades.get(value, "") if name in GRADES else value

        current.changes = [
            [name, shown(name, b), shown(name, a)] for name, b, a in changes
        ]
        current.state = Correction.State.PUBLISHED
        current.published_by = by
        current.published_at = timezone.now()
        current.save()
    correction.refresh_from_db()


def withdraw_correction(correction: Correction, *, by) -> None:
    """HQ drops a correction not yet published: the sheet stays as published."""
    access.check_hq(by, correction.sheet.period.plan.city_id)
    with transaction.atomic():
        deleted, _rows = Correction.objects.filter(
            pk=correction.pk, state=Correction.State.OPEN
        ).delete()
    if not deleted:
        raise Refused(_("This correction has already been published."))
