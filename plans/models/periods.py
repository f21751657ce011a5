"""Reporting periods of a plan and the indicator values reported in each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.indicators import Indicator
from plans.models.plan import Plan
from reformtracker.lib.labels import period_label


class PeriodQuerySet(models.QuerySet):
    def published(self) -> PeriodQuerySet:
        return self.filter(state=Period.State.PUBLISHED)


class Period(models.Model):
    """A reporting period of a plan: a half or a whole fiscal year."""

    class Half(models.TextChoices):
        FIRST = "first", _("first half")
        SECOND = "second", _("second half")
        WHOLE = "whole", _("whole year")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PUBLISHED = "published", _("Published")

    plan = models.ForeignKey(
        Plan, models.CASCADE, related_name="periods", verbose_name=_("plan")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    half = models.CharField(_("half"), max_length=6, choices=Half)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.OPEN
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["plan", "fiscal_year", "half"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "half"], name="plans_period_unique"
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(state="open"),
                name="plans_period_one_open_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return period_label(self)

    @property
    def sort_key(self) -> tuple[int, int]:
        return period_order(self.fiscal_year, self.half)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


def period_order(fiscal_year: int, half: str) -> tuple[int, int]:
    """Sorts periods in time: a year's first half, its whole, its second half."""
    return (fiscal_year, ["first", "whole", "second"].index(half))


def next_period(plan: Plan) -> tuple[int, str] | None:
    """The (fiscal year, half) after the plan's latest period; None after its last."""
    halves = (
        [Period.Half.FIRST, Period.Half.SECOND]
        if plan.cadence == Plan.Cadence.HALF_YEARLY
        else [Period.Half.WHOLE]
    )
    latest = max((p.sort_key for p in plan.periods.all()), default=None)
    for year in plan.fiscal_years:
        for half in halves:
            if latest is None or period_order(year, half) > latest:
                return year, half.value
    return None


def opening_refusal(plan: Plan, fiscal_year: int, half: str) -> str | None:
    """Why the period cannot be opened, if it is not after every published one.

    Opening one earlier would put an old period on every division's dashboard
    while the results after it are already public.
    """
    published = [p for p in plan.periods.all() if p.is_published]
    latest = max(published, key=lambda p: p.sort_key, default=None)
    if latest and period_order(fiscal_year, half) <= latest.sort_key:
        return _(
            "%(period)s is already published; only a later period can be opened."
        ) % {"period": period_label(latest)}
    return None


class IndicatorValue(models.Model):
    """The actual value of an indicator in a period."""

    # PROTECT: an actual once reported stays; an import refuses to remove
    # its indicator (plans.workbook.removals).
    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    period = models.ForeignKey(
        Period,
        models.CASCADE,
        related_name="indicator_values",
        verbose_name=_("period"),
    )
    text = models.TextField(_("actual"), blank=True)
    value = models.DecimalField(
        _("actual (number)"), max_digits=18, decimal_places=4, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="plans_indicatorvalue_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text
