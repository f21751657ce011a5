"""An item's indicators (指標): what its progress is measured by, from a baseline to a target."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.structure import Item
from plans.models.structure import key_field


class Indicator(models.Model):
    """An indicator (指標) of an item, with its baseline and target."""

    key = key_field()
    item = models.ForeignKey(
        Item, models.CASCADE, related_name="indicators", verbose_name=_("item")
    )
    marker = models.CharField(
        _("marker"), max_length=5, blank=True, help_text=_("Such as ①.")
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    baseline_text = models.TextField(_("baseline"), blank=True)
    baseline_value = models.DecimalField(
        _("baseline (number)"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    baseline_as_of = models.DateField(_("baseline as of"), null=True, blank=True)
    target_text = models.TextField(_("target"), blank=True)
    target_value = models.DecimalField(
        _("target (number)"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_fiscal_year = models.PositiveSmallIntegerField(
        _("target fiscal year"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the target is for the plan's last year."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return f"{self.marker}{self.name}"
