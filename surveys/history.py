"""A sheet's history for people: who changed what, and when."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field

from django.contrib.auth import get_user_model
from django.db.models import OuterRef
from django.db.models import Subquery
from django.utils.html import format_html
from django.utils.translation import gettext as _

from plans.models import IndicatorValue
from reformtracker.lib.diff import inline_diff
from reformtracker.lib.labels import japanese
from reformtracker.lib.labels import own
from surveys.models import PROXY_ENTRY
from surveys.models import SurveySheet

# Bookkeeping fields that change with every save and say nothing to a reader;
# a change of state is shown on its own.
_QUIET = ["updated_at", "version", "submitted_at", "state"]


@dataclass
class Change:
    when: datetime.datetime
    who: object
    what: list[str] = field(default_factory=list)
    state: str = ""
    # Saved by HQ on the division's behalf (代理入力).
    proxy: bool = False
    # Actuals are saved after the sheet in one save: list them as later.
    rank: int = 0


def sheet_history(sheet: SurveySheet) -> list[Change]:
    """Every recorded change to the sheet and its indicator actuals, newest first."""
    changes = []
    previous = None
    names = field_names(sheet.period.plan)
    records = sheet.history.select_related("history_user").order_by(
        "history_date", "history_id"
    )
    for record in records:
        if previous is None:
            change = Change(
                record.history_date, record.history_user, [_("Sheet created")]
            )
        else:
            delta = record.diff_against(previous, excluded_fields=_QUIET)
            change = Change(
                record.history_date,
                record.history_user,
                [names.get(c.field) or verbose_name(c.field) for c in delta.changes],
            )
        if previous is None or previous.state != record.state:
            change.state = SurveySheet.State(record.state).label
        change.proxy = record.history_change_reason == PROXY_ENTRY
        if change.what or change.state:
            changes.append(change)
        previous = record
    changes += _actual_changes(sheet)
    return sorted(changes, key=lambda c: (c.when, c.rank), reverse=True)


def field_names(plan) -> dict[str, str]:
    """What the plan calls the sheet's fields it names in its own words."""
    names = {text.field: japanese(label) for text, label in plan.sheet_texts() if label}
    if plan.reason_label:
        names["division_reason"] = own(plan, "reason_label")
    return names


def field_label(plan, name: str) -> str:
    """A sheet field's name as the plan calls it, else the model's."""
    return field_names(plan).get(name) or verbose_name(name)


def verbose_name(name: str) -> str:
    return str(SurveySheet._meta.get_field(name).verbose_name)


def _actual_changes(sheet: SurveySheet) -> list[Change]:
    records = (
        IndicatorValue.history.filter(
            period_id=sheet.period_id, indicator__item_id=sheet.item_id
        )
        .select_related("history_user", "indicator")
        .order_by("history_date", "history_id")
    )
    last_text: dict[int, str] = {}
    changes = []
    for record in records:
        before = last_text.get(record.indicator_id, "")
        if record.text != before:
            indicator = record.indicator
            changes.append(
                Change(
                    record.history_date,
                    record.history_user,
                    [
                        format_html(
                            _("Actual of {indicator}: {before} → {after}"),
                            indicator=japanese(f"{indicator.marker}{indicator.name}"),
                            before=japanese(before) or "—",
                            after=japanese(record.text) or "—",
                        )
                    ],
                    rank=1,
                )
            )
        last_text[record.indicator_id] = record.text
    return changes


def with_last_editor(sheets) -> list:
    """The sheets, each with `last_editor`: who saved it last (None before anyone has).

    Two queries whatever the number of sheets: the sheets with the id of their
    latest history's user, then those users.
    """
    latest = SurveySheet.history.filter(id=OuterRef("pk")).order_by("-history_date")
    sheets = list(
        sheets.annotate(last_editor_id=Subquery(latest.values("history_user_id")[:1]))
    )
    ids = {s.last_editor_id for s in sheets if s.last_editor_id and s.version > 1}
    users = get_user_model().objects.in_bulk(ids)
    for sheet in sheets:
        sheet.last_editor = (
            users.get(sheet.last_editor_id) if sheet.version > 1 else None
        )
    return sheets


# A returned sheet's conversation, and what changed since HQ returned it.


@dataclass
class Note:
    when: datetime.datetime
    who: object
    text: str
    by_hq: bool


def returns(sheet: SurveySheet) -> list:
    """The history records of each time HQ returned the sheet, oldest first."""
    found, before = [], None
    records = sheet.history.select_related("history_user").order_by(
        "history_date", "history_id"
    )
    for record in records:
        returned = record.state == SurveySheet.State.RETURNED
        if returned and (before is None or before.state != record.state):
            found.append(record)
        before = record
    return found


def conversation(sheet: SurveySheet) -> list[Note]:
    """HQ's return notes and the replies to them, in the order they were written."""
    notes = [
        Note(r.history_date, r.history_user, r.return_note, by_hq=True)
        for r in returns(sheet)
    ]
    notes += [
        Note(r.written_at, r.author, r.text, r.by_hq)
        for r in sheet.replies.select_related("author")
    ]
    return sorted(notes, key=lambda note: note.when)


@dataclass
class Revision:
    """A field of a resubmitted sheet that is not what it was when HQ returned it."""

    label: str
    before: str
    after: str

    @property
    def diff(self) -> str:
        return inline_diff(self.before, self.after)


def since_return(sheet: SurveySheet) -> list[Revision]:
    """What the division changed after HQ last returned the sheet, field by field.

    Empty for a sheet that was never returned. The texts, the division's
    rating and reason; indicator actuals and row statuses are in the history.
    """
    returned = returns(sheet)
    if not returned:
        return []
    then = returned[-1]
    plan = sheet.period.plan
    names = field_names(plan)
    fields = [name for name, _label in plan.text_fields]
    if not plan.rates_schedule_rows:
        fields += ["division_reason"]
    revisions = [
        Revision(
            names.get(name) or verbose_name(name),
            getattr(then, name),
            getattr(sheet, name),
        )
        for name in fields
        if getattr(then, name) != getattr(sheet, name)
    ]
    if then.division_grade_id != sheet.division_grade_id:
        grades = {g.pk: g.code for g in plan.rating_scale.grades.all()}
        revisions.append(
            Revision(
                verbose_name("division_grade"),
                grades.get(then.division_grade_id, ""),
                grades.get(sheet.division_grade_id, ""),
            )
        )
    return revisions


# An opinion's history: each save, with the texts as they were written.

_OPINION_QUIET = ["responded_at", "written_at"]


@dataclass
class Edit:
    label: str
    text: str


@dataclass
class Version:
    when: datetime.datetime
    who: object
    edits: list[Edit]


def opinion_history(opinion) -> list[Version]:
    """Every save of the opinion, newest first, with what each one wrote."""
    versions = []
    previous = None
    fields = {f.name: f for f in type(opinion)._meta.fields}
    for record in opinion.history.select_related("history_user").order_by(
        "history_date", "history_id"
    ):
        if previous is None:
            names = [n for n in ("text", "response", "action") if getattr(record, n)]
        else:
            delta = record.diff_against(previous, excluded_fields=_OPINION_QUIET)
            names = [c.field for c in delta.changes]
        edits = [
            Edit(str(fields[name].verbose_name), _shown(record, fields[name]))
            for name in names
            if name in fields
        ]
        if edits:
            versions.append(Version(record.history_date, record.history_user, edits))
        previous = record
    return versions[::-1]


def _shown(record, model_field) -> str:
    """A field's value in a historical record, as a reader would say it."""
    if model_field.name == "public":
        return _("yes") if record.public else _("no")
    if model_field.is_relation:
        related = getattr(record, model_field.name, None)
        return str(related) if related else "—"
    return getattr(record, model_field.name) or "—"
