"""The committee's opinions (委員会意見) and what the city does with them (対応).

A committee member writes an opinion on a published period, or on one item of
it. HQ answers with the city's response (対応方針) and, when something is to be
done, assigns a division, which reports what it did (対応状況) while the next
period is open. HQ chooses which opinions the public sees: a public opinion
shows with its response on the item page (or the plan page, for the period),
and the division's report once that next period is published.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import Division
from plans.models import Item
from plans.models import Period
from surveys import access
from surveys.mail import send_opinion_assigned
from surveys.models.sheets import Refused

TEXT_LIMIT = 4000


class OpinionQuerySet(models.QuerySet):
    def public(self) -> OpinionQuerySet:
        """Those citizens see: answered, chosen by HQ, of a published period."""
        return self.filter(public=True, period__state=Period.State.PUBLISHED).exclude(
            response=""
        )


class Opinion(models.Model):
    """A committee opinion with HQ's response and the assigned division's report."""

    period = models.ForeignKey(
        Period, models.PROTECT, related_name="opinions", verbose_name=_("period")
    )
    item = models.ForeignKey(
        Item,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("item"),
        help_text=_("Empty for an opinion on the period as a whole."),
    )
    text = models.TextField(_("opinion"), max_length=TEXT_LIMIT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    response = models.TextField(_("response"), max_length=TEXT_LIMIT, blank=True)
    division = models.ForeignKey(
        Division,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("assigned division"),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Shown to the public with its response once the period is published."
        ),
    )

    action = models.TextField(_("action taken"), max_length=TEXT_LIMIT, blank=True)
    action_period = models.ForeignKey(
        Period,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported in"),
    )

    history = HistoricalRecords()
    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee opinion")
        verbose_name_plural = _("committee opinions")
        ordering = ["period", "item__order", "written_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""), name="surveys_opinion_has_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.item.number if self.item else ''}".strip()

    def get_absolute_url(self) -> str:
        return reverse("surveys:opinion", args=[self.pk])

    @property
    def city_id(self) -> int:
        return self.period.plan.city_id

    @property
    def is_answered(self) -> bool:
        return bool(self.response)

    @property
    def shows_action(self) -> bool:
        """Whether the public sees the division's report: its period is published."""
        return bool(self.action) and bool(
            self.action_period and self.action_period.is_published
        )

    def report_period(self) -> Period | None:
        """The period whose sheets carry the division's report: the plan's next
        period after the opinion's, while it is open."""
        later = [
            p
            for p in self.period.plan.periods.all()
            if p.sort_key > self.period.sort_key
        ]
        following = min(later, key=lambda p: p.sort_key, default=None)
        return following if following and following.is_open else None

    @classmethod
    def record(cls, *, by, period: Period, item: Item | None, text: str) -> Opinion:
        """A committee member's opinion on a published period or one of its items."""
        if not access.is_committee(by, period.plan.city_id):
            raise PermissionDenied(gettext("Only committee members write opinions."))
        if not period.is_published:
            raise Refused(gettext("Opinions are written on a published period."))
        if item is not None and item.plan_id != period.plan_id:
            raise PermissionDenied(gettext("The item is not of this period's plan."))
        opinion = cls(period=period, item=item, text=text, author=by)
        opinion._history_user = by
        opinion.save()
        return opinion

    def answer(
        self,
        *,
        by,
        response: str,
        division: Division | None,
        public: bool,
        site_url: str | None = None,
    ) -> None:
        """HQ's response, the division that acts on it, and whether the public sees it.

        A division newly given the opinion is told (notice and mail).
        """
        access.check_hq(by, self.city_id, gettext("Only HQ answers an opinion."))
        if division is not None and division.city_id != self.city_id:
            raise PermissionDenied(gettext("The division is not of this city."))
        if public and not response:
            raise Refused(
                gettext("Write the response before making an opinion public.")
            )
        with transaction.atomic():
            current = Opinion.objects.select_for_update().get(pk=self.pk)
            if current.action and division != current.division:
                raise Refused(
                    gettext(
                        "The division has already reported on this opinion; "
                        "it cannot be given to another one."
                    )
                )
            newly_assigned = division is not None and division != current.division
            current.response = response
            current.division = division
            current.public = public
            current.responded_at = timezone.now()
            current._history_user = by
            current.save()
            if newly_assigned:
                transaction.on_commit(lambda: send_opinion_assigned(current, site_url))
        self.refresh_from_db()

    def report(self, *, by, text: str) -> None:
        """The assigned division's report of what it did, in the next period."""
        if not (self.division_id and self.division_id in access.division_ids(by)):
            raise PermissionDenied(
                gettext("Only the division HQ assigned reports on this opinion.")
            )
        period = self.report_period()
        if period is None:
            raise Refused(
                gettext(
                    "The report is written while the next period is open; "
                    "it is not open now."
                )
            )
        with transaction.atomic():
            current = Opinion.objects.select_for_update().get(pk=self.pk)
            current.action = text
            current.action_period = period
            current._history_user = by
            current.save()
        self.refresh_from_db()
