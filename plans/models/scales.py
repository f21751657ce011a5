"""Rating scales: the grades a plan rates with, since each city has its own."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.cities import City
from plans.models.english import TranslatedHistory
from plans.models.english import english


class RatingScale(models.Model):
    """A set of grades a plan rates its items with (S/A/B, ◎/○/△/×, ...)."""

    city = models.ForeignKey(
        City, models.PROTECT, related_name="rating_scales", verbose_name=_("city")
    )
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "code"], name="plans_ratingscale_code_unique_per_city"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    """One grade of a scale, such as S (予定以上に進捗)."""

    scale = models.ForeignKey(
        RatingScale,
        models.CASCADE,
        related_name="grades",
        verbose_name=_("rating scale"),
    )
    code = models.CharField(
        _("code"),
        max_length=8,
        help_text=_("The symbol shown in tables and reports, such as S or ◎."),
    )
    label = models.CharField(_("label"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)
    i18n = english("label", "description")
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#767676",
        validators=[
            RegexValidator(
                r"^#[0-9A-Fa-f]{6}$", _("Give the colour as # and six hex digits.")
            )
        ],
        help_text=_("A hex colour such as #259d63, used beside the code, never alone."),
    )
    reason_required = models.BooleanField(
        _("reason required"),
        default=False,
        help_text=_(
            "Whether a rating with this grade must come with a written reason."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = TranslatedHistory()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        # By the scale's id, not the scale: that would join its city to sort every
        # list of a scale's grades by the city's and the scale's names.
        ordering = ["scale_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "code"], name="plans_grade_code_unique_per_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"
