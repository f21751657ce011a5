"""Chasing the sheets not yet submitted: who is responsible, what is missing, reminders.

The HQ queue lists, per division, the first sheets missing and how many in
all (`missing_summary`); a reminder e-mails a division its own (`missing_of`);
the daily run (send_reminders) goes through every missing sheet
(`missing_by_division`).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.db.models import Exists
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from plans.models import Division
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Period
from surveys import access
from surveys.mail import send_missing_reminder
from surveys.models import Refused
from surveys.models import Reminder
from surveys.models import SurveySheet


def responsible_divisions(item: Item) -> list[Division]:
    """The divisions chased for the item's sheet: those it names, leaving out
    a collective one (各所管課) unless the item names no other."""
    divisions = item.division_list
    return [d for d in divisions if not d.collective] or divisions


MISSING_STATES = (SurveySheet.State.DRAFT, SurveySheet.State.RETURNED)


def missing_by_division(period: Period) -> dict[Division, list[SurveySheet]]:
    """Sheets not yet submitted, under each responsible division, with its members.

    Every sheet of the period: for the daily reminders. See
    responsible_divisions for the collective divisions (各所管課).
    """
    missing = defaultdict(list)
    sheets = (
        period.sheets.filter(state__in=MISSING_STATES)
        .select_related("item", "period")
        .prefetch_related("item__division_links__division__members")
        .order_by("item__order", "item_id")
    )
    for sheet in sheets:
        for division in responsible_divisions(sheet.item):
            missing[division].append(sheet)
    return dict(sorted(missing.items(), key=lambda pair: pair[0].name))


def _responsible_links() -> QuerySet[ItemDivision]:
    """The links of items to the divisions chased for their sheets, as
    responsible_divisions chooses them: a collective division only where the
    item names no other."""
    named = ItemDivision.objects.filter(
        item=OuterRef("item"), division__collective=False
    )
    return ItemDivision.objects.filter(
        Q(division__collective=False) | ~Exists(named)
    ).order_by()


def missing_of(period: Period, division: Division) -> list[SurveySheet]:
    """The division's sheets not yet submitted in the period, in the plan's order."""
    chased = _responsible_links().filter(division=division).values("item")
    return list(
        period.sheets.filter(state__in=MISSING_STATES, item__in=chased)
        .select_related("item", "period")
        .order_by("item__order", "item_id")
    )


def missing_summary(
    period: Period, shown: int
) -> list[tuple[Division, list[SurveySheet], int]]:
    """Each division with sheets not yet submitted, by name: the first `shown`
    of them in the plan's order, and how many it has in all.

    Two queries, of the sheets shown and their divisions only, however many
    sheets are missing: the window functions rank each division's sheets and
    count them all.
    """
    links = _responsible_links().filter(
        item__in=period.sheets.filter(state__in=MISSING_STATES).values("item")
    )
    by_division = F("division")
    first = sorted(
        links.select_related("division")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=by_division,
                order_by=[F("item__order").asc(), F("item_id").asc()],
            ),
            total=Window(Count("pk"), partition_by=by_division),
        )
        .filter(rank__lte=shown),
        key=lambda link: link.rank,
    )
    sheets = {
        sheet.item_id: sheet
        for sheet in period.sheets.filter(item__in={link.item_id for link in first})
        .select_related("item", "period")
        .order_by()  # keyed by item
    }
    summary: dict[int, tuple[Division, list[SurveySheet], int]] = {}
    for link in first:
        entry = summary.setdefault(link.division_id, (link.division, [], link.total))
        entry[1].append(sheets[link.item_id])
    return sorted(summary.values(), key=lambda entry: entry[0].name)


def remind_division(
    *, period: Period, division: Division, by, site_url: str | None = None
) -> Reminder:
    """E-mail a division the list of its sheets not yet submitted, and record it.

    `by` is None for the daily reminders of send_reminders. Refused when the
    division has nothing missing or nobody to write to.
    """
    if by is not None:
        access.check_hq(
            by,
            period.plan.city_id,
            _("Only the reform headquarters can send reminders."),
        )
    sheets = missing_of(period, division)
    if not period.is_open or not sheets:
        raise Refused(_("This division has no sheet left to submit in this period."))
    delivered = send_missing_reminder(division, period, sheets, site_url)
    if delivered is None:
        raise Refused(
            _("Nobody is registered in %(division)s; tell them another way.")
            % {"division": division}
        )
    return Reminder.objects.create(
        period=period,
        division=division,
        sent_by=by,
        sheet_count=len(sheets),
        delivered=delivered,
    )


def latest_reminders(period: Period) -> dict[int, Reminder]:
    """Each division's latest reminder in the period, by division id."""
    latest = {}
    for reminder in period.reminders.select_related("sent_by"):
        latest.setdefault(reminder.division_id, reminder)
    return latest
