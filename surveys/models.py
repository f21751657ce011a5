"""Survey sheets (調査票): one per item and period, filled by divisions, rated by HQ."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Grade, Item, Period


class SurveySheetQuerySet(models.QuerySet):
    def published(self) -> SurveySheetQuerySet:
        return self.filter(period__state=Period.State.PUBLISHED)


class SurveySheet(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    item = models.ForeignKey(
        Item, models.CASCADE, related_name="sheets", verbose_name=_("item")
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
    division_grade = models.ForeignKey(
        Grade,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("division's rating"),
    )
    division_reason = models.TextField(_("division's reason"), blank=True)
    hq_grade = models.ForeignKey(
        Grade,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("HQ's rating"),
    )
    hq_reason = models.TextField(_("HQ's reason"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
