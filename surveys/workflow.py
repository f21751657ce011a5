"""Workflows over many sheets: opening a period, publishing it, chasing missing sheets."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError
from django.db import transaction
from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from plans.models import Division
from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import Membership
from plans.models import Period
from plans.models import Plan
from plans.models import opening_refusal
from surveys import access
from surveys.forms import SheetForm
from surveys.mail import send_period_opened
from surveys.mail import send_submission_digest
from surveys.models import Conflict
from surveys.models import Notice
from surveys.models import Refused
from surveys.models import SurveySheet
from surveys.reminders import responsible_divisions


def previous_period(period: Period) -> Period | None:
    earlier = [
        p
        for p in period.plan.periods.exclude(pk=period.pk)
        if p.sort_key < period.sort_key
    ]
    return max(earlier, key=lambda p: p.sort_key, default=None)


def _planned_text(item: Item, fiscal_year: int) -> str:
    """What the plan says for the year: the schedule's words, else the content."""
    lines = [
        f"{row.activity} ({row.word_for(fiscal_year)})"
        if row.activity
        else row.word_for(fiscal_year)
        for row in item.schedule_rows.all()
        if row.word_for(fiscal_year)
    ]
    return "\n".join(lines) or item.content


@transaction.atomic
def open_period(
    *,
    plan: Plan,
    fiscal_year: int,
    half: str,
    deadline: datetime.date,
    by,
    site_url: str | None = None,
) -> Period:
    """Open a period, create a sheet for every item and sub-item, and tell each
    division how many it has (once committed; mail links start with `site_url`).

    P, if the plan asks for it, is carried from the item's A in the previous
    period, or from the plan's schedule for the year when there is none. Re-listed items share their
    source's sheet, so they get none; nor do ended or merged items, whose
    earlier sheets stay. Every indicator gets an empty actual.
    """
    access.check_hq(
        by, plan.city_id, _("Only the reform headquarters can open a period.")
    )
    refusal = opening_refusal(plan, fiscal_year, half)
    if refusal:
        raise Refused(refusal)
    period = _new_period(plan, fiscal_year, half, deadline)
    before = previous_period(period)
    carried = dict(before.sheets.values_list("item_id", "next_text")) if before else {}
    items = items_to_survey(plan).prefetch_related(
        "schedule_rows", "indicators", "division_links__division__members"
    )
    asks_for_plan = "plan_text" in dict(plan.text_fields)
    sheets = []
    values = []
    for item in items:
        plan_text = ""
        if asks_for_plan:
            plan_text = carried.get(item.pk) or _planned_text(item, fiscal_year)
        sheets.append(SurveySheet(item=item, period=period, plan_text=plan_text))
        values += [
            IndicatorValue(indicator=i, period=period) for i in item.indicators.all()
        ]
    # Each with its first history record. In bulk, so no save signal stamps the
    # plan: a sheet shows on no public page before its period is published.
    bulk_create_with_history(sheets, SurveySheet, default_user=by)
    bulk_create_with_history(values, IndicatorValue, default_user=by)
    counts = Counter(d for item in items for d in responsible_divisions(item))
    transaction.on_commit(lambda: send_period_opened(period, counts, site_url))
    return period


def items_to_survey(plan: Plan):
    """The items that get a sheet when a period opens: active and not re-listings."""
    return plan.items.active().filter(relisted_from=None)


def opening_summary(plan: Plan) -> dict[str, int]:
    """What opening a period will create, shown to HQ before it does."""
    items = items_to_survey(plan)
    return {
        "sheets": items.count(),
        "divisions": Division.objects.filter(item_links__item__in=items)
        .distinct()
        .count(),
        "indicators": Indicator.objects.filter(item__in=items).count(),
    }


@transaction.atomic
def cancel_period(*, period: Period, by) -> None:
    """Remove a period opened by mistake, while no sheet of it has been saved."""
    access.check_hq(
        by, period.plan.city_id, _("Only the reform headquarters can cancel a period.")
    )
    period = Period.objects.select_for_update().get(pk=period.pk)
    refusal = cancel_refusal(period)
    if refusal:
        raise Refused(refusal)
    period.delete()


def cancel_refusal(period: Period) -> str | None:
    """Why the period can no longer be cancelled, if it cannot."""
    if not period.is_open:
        return _("A published period cannot be cancelled.")
    # A sheet counts as saved once its division saved it, or another division
    # wrote its part for it.
    written = ~Q(version=1, state=SurveySheet.State.DRAFT) | Q(
        contributions__isnull=False
    )
    saved = period.sheets.filter(written).distinct().count()
    if saved:
        return _(
            "%(count)d sheets have already been saved; the period can no longer be cancelled."
        ) % {"count": saved}
    return None


def _new_period(plan: Plan, fiscal_year: int, half: str, deadline) -> Period:
    """The period, created unless the plan has one open or this one already.

    The database's constraints decide, so two HQ officers opening periods at
    the same moment get one period and one refusal.
    """
    try:
        with transaction.atomic():
            return Period.objects.create(
                plan=plan, fiscal_year=fiscal_year, half=half, deadline=deadline
            )
    except IntegrityError as error:
        if plan.periods.filter(state=Period.State.OPEN).exists():
            message = _("This plan already has an open period; publish it first.")
        else:
            message = _("This period already exists.")
        raise Refused(message) from error


@transaction.atomic
def publish_period(*, period: Period, by) -> None:
    """Publish a period once HQ has accepted every sheet; citizens see it from then on."""
    access.check_hq(
        by,
        period.plan.city_id,
        _("Only the reform headquarters can publish a period."),
    )
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.is_open:
        raise Refused(_("This period is already published."))
    pending = publish_pending(period)
    if pending:
        raise Refused(
            _("%(count)d sheets are not accepted yet; accept or rate them all first.")
            % {"count": pending}
        )
    period.state = Period.State.PUBLISHED
    period.published_at = timezone.now()
    period.save()


@dataclass(frozen=True)
class Outcome:
    """What a bulk action did to one sheet, said to HQ."""

    sheet: SurveySheet
    done: bool
    message: str


def accept_as_prefilled(sheets, *, by) -> list[Outcome]:
    """HQ accepts each submitted sheet with the rating it already shows.

    In a second-round plan that is HQ's own rating if one was recorded, else
    the division's, taken as HQ's (the button says so). Each sheet is accepted
    or refused on its own; a grade that needs HQ's reason and has none is refused.
    """
    outcomes = []
    for sheet in sheets:
        grade, reason = None, ""
        if sheet.period.plan.second_round:
            grade = sheet.hq_grade or sheet.division_grade
            reason = sheet.hq_reason
            if (grade and grade.reason_required or not grade) and not reason:
                outcomes.append(
                    Outcome(
                        sheet,
                        False,
                        _("Needs HQ's reason: open the sheet to write it."),
                    )
                )
                continue
        try:
            sheet.accept(by=by, grade=grade, reason=reason)
        except Refused as error:
            outcomes.append(Outcome(sheet, False, error.message))
            continue
        outcomes.append(
            Outcome(
                sheet,
                True,
                _("Accepted as %(grade)s.") % {"grade": grade}
                if grade
                else _("Accepted."),
            )
        )
    return outcomes


def submit_as_saved(sheets, *, by) -> list[Outcome]:
    """Submit each sheet as it was saved (after an upload), with the form's checks.

    Each sheet is submitted or refused on its own, saying what is missing.
    """
    outcomes = []
    for sheet in sheets:
        form = SheetForm.submission_of(sheet)
        if not form.is_valid():
            problems = [
                f"{form[name].label}: {message}" if name != "__all__" else message
                for name, messages in form.errors.items()
                for message in messages
            ]
            outcomes.append(Outcome(sheet, False, " ".join(problems)))
            continue
        try:
            form.fill(by)
        except Refused as error:
            outcomes.append(Outcome(sheet, False, error.message))
            continue
        except Conflict:
            message = _("Someone saved the sheet meanwhile: open it to check.")
            outcomes.append(Outcome(sheet, False, message))
            continue
        outcomes.append(Outcome(sheet, True, _("Submitted.")))
    return outcomes


def set_highlight(sheets, *, on: bool, by) -> list[Outcome]:
    """HQ marks the sheets as examples for the progress report (参考1), or unmarks them."""
    outcomes = []
    for sheet in sheets:
        sheet.highlight = on
        sheet._history_user = by
        sheet.save(update_fields=["highlight"])
        message = (
            _("Shown in the progress report's examples.")
            if on
            else _("Removed from the progress report's examples.")
        )
        outcomes.append(Outcome(sheet, True, message))
    return outcomes


def return_all(sheets, *, by, note: str, site_url: str) -> list[Outcome]:
    """HQ returns each submitted sheet with the same note; each division is mailed."""
    outcomes = []
    for sheet in sheets:
        try:
            notified = sheet.return_to_division(by=by, note=note, site_url=site_url)
        except Refused as error:
            outcomes.append(Outcome(sheet, False, error.message))
            continue
        message = (
            _("Returned; the division could not be e-mailed.")
            if notified is False
            else _("Returned.")
        )
        outcomes.append(Outcome(sheet, True, message))
    return outcomes


def digest_submissions(period: Period) -> int:
    """Tell the city's HQ the sheets submitted since the period's last digest.

    Returns how many sheets were listed (0: nothing new, nothing sent).
    """
    last = (
        Notice.objects.filter(period=period, kind=Notice.Kind.SUBMISSIONS)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    sheets = period.sheets.filter(state=SurveySheet.State.SUBMITTED)
    if last:
        sheets = sheets.filter(submitted_at__gt=last)
    sheets = list(sheets.select_related("item", "period").order_by("submitted_at"))
    hq = [
        membership.user
        for membership in period.plan.city.memberships.filter(
            role=Membership.Role.HQ, user__is_active=True
        ).select_related("user")
    ]
    if not sheets or not hq:
        return 0
    send_submission_digest(period, sheets, hq)
    return len(sheets)


def publish_pending(period: Period) -> int:
    """How many sheets HQ must still accept before the period can be published."""
    return period.sheets.exclude(state=SurveySheet.State.ACCEPTED).count()


def sheet_progress(sheets: QuerySet) -> dict[int, list[tuple[str, str, int]]]:
    """How many of the sheets of each period are in each stage: by period id,
    (stage, label, count) per stage, counted by the database in one query.

    A draft nobody has saved yet is 未着手 (not started); once saved, 作成中.
    """
    draft = Q(state=SurveySheet.State.DRAFT)
    stages = {
        "new": (_("Not started"), draft & Q(version=1)),
        "draft": (_("Being written"), draft & Q(version__gt=1)),
        **{
            state.value: (state.label, Q(state=state))
            for state in SurveySheet.State
            if state != SurveySheet.State.DRAFT
        },
    }
    # distinct: a sheet of two of the user's divisions comes once per division.
    counts = (
        sheets.order_by()
        .values("period")
        .annotate(
            **{
                stage: Count("pk", filter=where, distinct=True)
                for stage, (_label, where) in stages.items()
            }
        )
    )
    return {
        row["period"]: [
            (stage, label, row[stage]) for stage, (label, _where) in stages.items()
        ]
        for row in counts
    }
