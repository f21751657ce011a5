"""Survey sheets (調査票): one per item and period, filled by divisions, rated by HQ."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import Division
from plans.models import Grade
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import Period
from plans.models import ScheduleRow
from surveys import access
from surveys.mail import send_returned_notice

if TYPE_CHECKING:
    from surveys.models.notes import Contribution
    from surveys.models.notes import Reply


class Refused(Exception):
    """An action not possible while the sheet or period is in its present state.

    The views show it as a 409 page with the message. An action the user may
    not take at all raises PermissionDenied instead.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Conflict(Exception):
    """Someone saved the sheet after this user loaded it."""

    def __init__(self, current: SurveySheet, loaded_version: int):
        super().__init__(f"sheet {current.pk} is at version {current.version}")
        self.current = current
        self.loaded_version = loaded_version


# The history's change reason of a save HQ made on a division's behalf (代理入力).
PROXY_ENTRY = "proxy"
# ... and of the lead division taking its submission back.
WITHDRAWN = "withdrawn"


class SurveySheetQuerySet(models.QuerySet):
    def published(self) -> SurveySheetQuerySet:
        return self.filter(period__state=Period.State.PUBLISHED)

    def for_queue(self) -> SurveySheetQuerySet:
        return self.select_related(
            "item__area", "period__plan", "division_grade", "hq_grade"
        ).prefetch_related("item__division_links__division")


def rating_field(verbose_name) -> models.ForeignKey:
    """A grade given to a sheet, by the division or by HQ; empty until given."""
    return models.ForeignKey(
        Grade,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class SurveySheet(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    # PROTECT, as the schedule row of a status and the indicator of a value:
    # survey data is never deleted with the plan's structure; an item ends
    # (Item.State) instead.
    item = models.ForeignKey(
        Item, models.PROTECT, related_name="sheets", verbose_name=_("item")
    )
    period = models.ForeignKey(
        Period, models.CASCADE, related_name="sheets", verbose_name=_("period")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.DRAFT
    )
    plan_text = models.TextField(_("plan (P)"), blank=True)
    done_text = models.TextField(_("done (D)"), blank=True)
    next_text = models.TextField(_("next steps (A)"), blank=True)
    division_grade = rating_field(_("division's rating"))
    division_reason = models.TextField(_("division's reason"), blank=True)
    hq_grade = rating_field(_("HQ's rating"))
    hq_reason = models.TextField(_("HQ's reason"), blank=True)
    return_note = models.TextField(
        _("note from HQ"),
        blank=True,
        help_text=_(
            "Why HQ returned the sheet; shown to the division until it resubmits."
        ),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    highlight = models.BooleanField(
        _("highlight in the progress report"),
        default=False,
        help_text=_("HQ shows the item among the examples that went well (参考1)."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_(
            "Goes up by one on every save, so a save based on an older version is refused."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = SurveySheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey sheet")
        verbose_name_plural = _("survey sheets")
        ordering = ["period", "item__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "period"], name="surveys_sheet_one_per_item_and_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} / {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:sheet", args=[self.pk])

    # Who fills the sheet and when; the rules built on them are in surveys.access.

    def is_division_member(self, user) -> bool:
        mine = access.division_ids(user)
        return any(link.division_id in mine for link in self.item.division_links.all())

    @property
    def lead_division(self) -> Division | None:
        """The division that fills and submits the sheet (主担当): the first the
        plan lists, leaving out a collective one (各所管課)."""
        divisions = self.item.division_list
        return next((d for d in divisions if not d.collective), None) or next(
            iter(divisions), None
        )

    def is_lead_member(self, user) -> bool:
        lead = self.lead_division
        return lead is not None and lead.pk in access.division_ids(user)

    def contributing_divisions(self, user) -> list[Division]:
        """The user's divisions that share the item without leading it."""
        mine = access.division_ids(user)
        lead = self.lead_division
        return [
            d
            for d in self.item.division_list
            if d.pk in mine and d != lead and not d.collective
        ]

    def contribute(self, *, by, text: str) -> Contribution:
        """Write (or rewrite) the part of the user's division that shares the item."""
        if not access.may_contribute(by, self):
            raise PermissionDenied(
                gettext(
                    "Only a division sharing the item writes a part, while it is "
                    "being filled."
                )
            )
        division = self.contributing_divisions(by)[0]
        with transaction.atomic():
            current = self._locked()
            if not current.is_fillable:
                raise Refused(self.state_refusal())
            contribution, _created = self.contributions.update_or_create(
                division=division, defaults={"text": text, "author": by}
            )
        return contribution

    def withdraw(self, *, by) -> None:
        """The lead division takes back its submission while HQ has not decided."""
        if not self.is_lead_member(by):
            raise PermissionDenied(
                gettext("Only the lead division can withdraw its submission.")
            )
        with transaction.atomic():
            current = self._locked()
            if not (current.period.is_open and current.state == self.State.SUBMITTED):
                raise Refused(
                    gettext(
                        "Only a submitted sheet HQ has not decided on can be withdrawn."
                    )
                )
            current.state = self.State.DRAFT
            current._change_reason = WITHDRAWN
            current._save_by(by)
        self.refresh_from_db()

    @property
    def is_fillable(self) -> bool:
        return self.period.is_open and self.state in (
            self.State.DRAFT,
            self.State.RETURNED,
        )

    # State changes. Each checks the user (PermissionDenied) and the state
    # (Refused) first and changes nothing when it refuses.

    def fill(
        self,
        *,
        by,
        version: int,
        fields: dict,
        actuals: dict[int, str],
        statuses: dict[int, tuple] | None = None,
        submit: bool = False,
    ) -> None:
        """Save the division's texts, rating and indicator actuals; submit if asked.

        The row is locked and its version compared with the one the form was
        loaded at, so of two people saving the same sheet the second is refused
        with a Conflict instead of overwriting the first.
        """
        if not access.may_fill(by, self):
            raise PermissionDenied(
                gettext("Only the responsible division can fill this sheet.")
            )
        with transaction.atomic():
            current = self._locked()
            if access.is_proxy(by, self):
                current._change_reason = PROXY_ENTRY
            if current.version != version:
                raise Conflict(SurveySheet.objects.get(pk=self.pk), version)
            if not current.is_fillable:
                raise Refused(self.state_refusal())
            for name, value in fields.items():
                setattr(current, name, value)
            if submit:
                current.state = self.State.SUBMITTED
                current.submitted_at = timezone.now()
            current._save_by(by)
            for value in IndicatorValue.objects.filter(
                period=self.period, indicator__item=self.item, pk__in=actuals
            ):
                if value.text != actuals[value.pk]:
                    value.text = actuals[value.pk]
                    value._history_user = by
                    value.save()
            current._save_statuses(statuses or {}, by)
        self.refresh_from_db()

    def _save_statuses(self, statuses: dict[int, tuple], by) -> None:
        """Store {schedule row id: (grade, reason)} for the item's own schedule rows."""
        if not statuses:
            return
        existing = {s.schedule_row_id: s for s in self.statuses.all()}
        for row in self.item.schedule_rows.filter(pk__in=statuses):
            grade, reason = statuses[row.pk]
            status = existing.get(row.pk) or ScheduleStatus(
                sheet=self, schedule_row=row
            )
            if status.pk and (status.grade_id, status.reason) == (
                grade.pk if grade else None,
                reason,
            ):
                continue
            status.grade, status.reason = grade, reason
            status._history_user = by
            status.save()

    def return_to_division(
        self, *, by, note: str, site_url: str | None = None
    ) -> bool | None:
        """HQ sends the sheet back to the division with a note, and tells them by e-mail.

        The mail's link starts with `site_url` (the address HQ used), else SITE_URL.

        Returns whether the e-mail went out once the return is committed: False
        if it failed, None if nobody had an address or the caller's own
        transaction has not committed yet.
        """
        notified = {}
        with transaction.atomic():
            current = self._to_review(
                by, gettext("Only a submitted sheet of an open period can be returned.")
            )
            current.state = self.State.RETURNED
            current.return_note = note
            current._save_by(by)
            transaction.on_commit(
                lambda: notified.update(sent=send_returned_notice(current, site_url))
            )
        self.refresh_from_db()
        return notified.get("sent")

    def reply(self, *, by, text: str) -> Reply:
        """A note to the sheet's conversation with HQ, while a return is being dealt with.

        The division answers HQ's return note (or HQ the division) while the
        sheet is returned or resubmitted and its period is open.
        """
        if not access.may_fill(by, self):
            raise PermissionDenied(
                gettext("Only the responsible division and HQ can write here.")
            )
        with transaction.atomic():
            current = self._locked()
            if not current.takes_replies():
                raise Refused(
                    gettext(
                        "Replies are for a sheet HQ has returned, while its period "
                        "is open."
                    )
                )
            return current.replies.create(
                author=by, by_hq=access.is_proxy(by, current), text=text
            )

    def takes_replies(self) -> bool:
        """Whether the sheet has a return being dealt with, in an open period."""
        return (
            self.period.is_open
            and self.state in (self.State.RETURNED, self.State.SUBMITTED)
            and self.history.filter(state=self.State.RETURNED).exists()
        )

    def accept(self, *, by, grade: Grade | None, reason: str) -> None:
        """HQ gives the second-round rating and accepts the sheet."""
        with transaction.atomic():
            current = self._to_review(
                by, gettext("Only a submitted sheet of an open period can be rated.")
            )
            current.state = self.State.ACCEPTED
            current.hq_grade = grade
            current.hq_reason = reason
            current.return_note = ""
            current._save_by(by)
        self.refresh_from_db()

    def _to_review(self, by, refusal: str) -> SurveySheet:
        """The locked sheet, for HQ to return or accept; refused unless submitted."""
        access.check_hq(
            by,
            self.period.plan.city_id,
            gettext("Only the reform headquarters can review sheets."),
        )
        current = self._locked()
        if not (current.period.is_open and current.state == self.State.SUBMITTED):
            raise Refused(refusal)
        return current

    def _locked(self) -> SurveySheet:
        """This sheet's row locked, after its period's: publishing waits, or is waited for."""
        period = Period.objects.select_for_update().get(pk=self.period_id)
        current = SurveySheet.objects.select_for_update().get(pk=self.pk)
        current.period = period
        return current

    def state_refusal(self) -> str:
        if not self.period.is_open:
            return gettext(
                "This period is closed; its sheets can no longer be changed."
            )
        return gettext(
            "This sheet has been submitted; it can be changed again only if HQ returns it."
        )

    def _save_by(self, user) -> None:
        self.version += 1
        self._history_user = user
        self.save()

    def previous(self) -> SurveySheet | None:
        """The item's sheet of the plan's period before this one, if any, with its
        statuses as `status_list`."""
        earlier = [
            sheet
            for sheet in SurveySheet.objects.filter(
                item_id=self.item_id, period__plan_id=self.period.plan_id
            )
            .exclude(pk=self.pk)
            .order_by()  # the latest is chosen here
            .select_related("period__plan", "division_grade", "hq_grade")
            .prefetch_related(
                Prefetch(
                    "statuses",
                    queryset=ScheduleStatus.objects.select_related(
                        "grade", "schedule_row"
                    ).order_by(),  # sorted below
                )
            )
            if sheet.period.sort_key < self.period.sort_key
        ]
        previous = max(earlier, key=lambda sheet: sheet.period.sort_key, default=None)
        if previous is not None:  # as the rating includes read them
            previous.status_list = sorted(
                previous.statuses.all(), key=lambda status: status.schedule_row.order
            )
        return previous

    def actual_values(self) -> list[IndicatorValue]:
        """The period's actual of each of the item's indicators, in the plan's order."""
        return list(
            IndicatorValue.objects.filter(period=self.period, indicator__item=self.item)
            .select_related("indicator")
            .order_by("indicator__order")
        )


class ScheduleStatus(models.Model):
    """The status a division gives one schedule row in a sheet, for plans rated per row."""

    sheet = models.ForeignKey(
        SurveySheet,
        models.CASCADE,
        related_name="statuses",
        verbose_name=_("survey sheet"),
    )
    schedule_row = models.ForeignKey(
        ScheduleRow,
        models.PROTECT,
        related_name="statuses",
        verbose_name=_("schedule row"),
    )
    grade = models.ForeignKey(
        Grade,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status"),
    )
    reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("schedule status")
        verbose_name_plural = _("schedule statuses")
        ordering = ["sheet", "schedule_row__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "schedule_row"],
                name="surveys_one_status_per_row_and_sheet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_row}: {self.grade or '—'}"
