"""What people write around a sheet: a sharing division's part, replies in a
return's conversation, corrections after publication, reminders and notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import Division
from plans.models import Period
from surveys.models.sheets import SurveySheet


class Contribution(models.Model):
    """What a division sharing an item writes for the lead division's sheet."""

    sheet = models.ForeignKey(
        SurveySheet,
        models.PROTECT,
        related_name="contributions",
        verbose_name=_("survey sheet"),
    )
    division = models.ForeignKey(
        Division, models.PROTECT, related_name="+", verbose_name=_("division")
    )
    text = models.TextField(_("text"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["division__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "division"], name="surveys_contribution_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} {self.division}"


class Reply(models.Model):
    """A note in a sheet's conversation after HQ returned it: the division's answer."""

    sheet = models.ForeignKey(
        SurveySheet,
        models.CASCADE,
        related_name="replies",
        verbose_name=_("survey sheet"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    by_hq = models.BooleanField(
        _("by HQ"), help_text=_("Written by HQ rather than by the division.")
    )
    text = models.TextField(_("text"), max_length=2000)
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sheet} {self.written_at:%Y-%m-%d %H:%M}"


class CorrectionQuerySet(models.QuerySet):
    def published(self) -> CorrectionQuerySet:
        return self.filter(state=Correction.State.PUBLISHED)


class Correction(models.Model):
    """A published sheet reopened by HQ, corrected, and published again.

    The sheet itself keeps what was published until HQ publishes the
    correction: the corrected values wait in `values`. Once published,
    `changes` keeps what changed ([field, before, after]) for the public log.
    The rules are in surveys.corrections.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Being corrected")
        PUBLISHED = "published", _("Published")

    sheet = models.ForeignKey(
        SurveySheet,
        models.PROTECT,
        related_name="corrections",
        verbose_name=_("survey sheet"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.OPEN
    )
    note = models.TextField(
        _("reason for the correction"),
        max_length=2000,
        help_text=_("Shown to the public with the correction."),
    )
    values = models.JSONField(_("corrected values"), default=dict)
    changes = models.JSONField(_("what changed"), default=list)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-published_at", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet"],
                condition=models.Q(state="open"),
                name="surveys_correction_one_open_per_sheet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} {self.get_state_display()}"

    @property
    def published_on(self):
        return timezone.localdate(self.published_at) if self.published_at else None


class Reminder(models.Model):
    """An e-mail to a division listing its sheets not yet submitted in a period."""

    period = models.ForeignKey(
        Period, models.CASCADE, related_name="reminders", verbose_name=_("period")
    )
    division = models.ForeignKey(
        Division, models.CASCADE, related_name="reminders", verbose_name=_("division")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
        help_text=_("Empty for the daily reminders sent by send_reminders."),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sheet_count = models.PositiveIntegerField(_("sheets listed"))
    delivered = models.BooleanField(_("delivered"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.division} {self.sent_at:%Y-%m-%d %H:%M}"


class Notice(models.Model):
    """What the app told one person, by e-mail if they have an address, and in the app.

    Written by surveys.mail with each message it sends; the person reads their
    own on the notices page.
    """

    class Kind(models.TextChoices):
        PERIOD_OPENED = "opened", _("Period opened")
        RETURNED = "returned", _("Sheet returned")
        REMINDER = "reminder", _("Reminder")
        SUBMISSIONS = "submissions", _("New submissions")
        OPINION = "opinion", _("Committee opinion")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    period = models.ForeignKey(
        Period, models.CASCADE, related_name="notices", verbose_name=_("period")
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    url = models.CharField(_("link"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject
