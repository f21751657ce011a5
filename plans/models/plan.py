"""The plan itself and how it is configured: years, cadence, texts, rating."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models.cities import City
from plans.models.divisions import Division
from plans.models.english import TranslatedHistory
from plans.models.english import english
from plans.models.scales import RatingScale
from reformtracker.lib.labels import SHEET_TEXT_BY_FIELD
from reformtracker.lib.labels import SHEET_TEXTS
from reformtracker.lib.labels import SheetText
from reformtracker.lib.xlsx import UNWRITABLE


def default_sheet_fields() -> list[dict]:
    """Every text of the registry, in its order, none with a label of the plan's own."""
    return [{"field": text.field, "label": ""} for text in SHEET_TEXTS]


# The plan's own words that a city may give in English too.
TRANSLATED = ("name", "purpose_label", "content_label", "reason_label")


class Plan(models.Model):
    """A city's reform plan, and how its sheets are filled in and rated."""

    class Cadence(models.TextChoices):
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    class RatingTarget(models.TextChoices):
        ITEM = "item", _("Each item")
        SCHEDULE_ROW = "schedule_row", _("Each schedule row")

    class ItemStatusRule(models.TextChoices):
        """How a plan rated per schedule row gives each item one status."""

        WORST = "worst", _("The status of its row furthest behind")
        LATEST = "latest", _("The status of its last rated row")
        DIVISION = "division", _("A status the division gives the item")

    city = models.ForeignKey(
        City, models.PROTECT, related_name="plans", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=200)
    first_fiscal_year = models.PositiveSmallIntegerField(
        _("first fiscal year"),
        help_text=_(
            "The fiscal year the plan starts, as a Western year (2017 for FY2017)."
        ),
    )
    last_fiscal_year = models.PositiveSmallIntegerField(_("last fiscal year"))
    rating_scale = models.ForeignKey(
        RatingScale,
        models.PROTECT,
        related_name="plans",
        verbose_name=_("rating scale"),
    )
    cadence = models.CharField(
        _("reporting cadence"),
        max_length=12,
        choices=Cadence,
        default=Cadence.HALF_YEARLY,
    )
    sheet_fields = models.JSONField(
        _("sheet fields"),
        default=default_sheet_fields,
        blank=True,
        help_text=_(
            "The texts a survey sheet asks for, in order, each with an optional "
            'label: [{"field": "done_text", "label": "取組状況"}]. Fields: '
            "plan_text (P), done_text (D), next_text (A)."
        ),
    )
    numbered_items = models.BooleanField(
        _("numbered items"),
        default=True,
        help_text=_(
            "Whether the plan shows its items with numbers (No.1, No.2-1). "
            "Unnumbered plans keep a number internally, for links and imports."
        ),
    )

    rating_target = models.CharField(
        _("rated per"),
        max_length=12,
        choices=RatingTarget,
        default=RatingTarget.ITEM,
        help_text=_(
            "Whether the division rates each item as a whole, or gives a status "
            "to each row of the item's schedule."
        ),
    )
    item_status_rule = models.CharField(
        _("status of an item"),
        max_length=10,
        choices=ItemStatusRule,
        default=ItemStatusRule.WORST,
        help_text=_(
            "For plans rated per schedule row: the one status an item has in "
            "filters, charts and open data, and in the counts of items."
        ),
    )
    second_round = models.BooleanField(
        _("second round by HQ"),
        default=True,
        help_text=_(
            "Whether the reform HQ rates each sheet again after the division; "
            "without it the division's rating is the result."
        ),
    )
    purpose_label = models.CharField(
        _("label of an item's purpose"),
        max_length=40,
        blank=True,
        help_text=_("As the plan calls it; empty for 目的・ねらい."),
    )
    content_label = models.CharField(
        _("label of an item's content"),
        max_length=40,
        blank=True,
        help_text=_("As the plan calls it; empty for 取組内容."),
    )
    reason_label = models.CharField(
        _("label of the division's reason"),
        max_length=40,
        blank=True,
        help_text=_(
            "What the reason for a division's rating or status is called, such as "
            "未着手・中止の理由; empty for 理由."
        ),
    )
    i18n = english(*TRANSLATED)
    previous_plan = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="following_plans",
        verbose_name=_("previous plan"),
        help_text=_("The plan this one follows, such as the 2nd plan for the 3rd."),
    )
    # Set by plans.stamps whenever what the public pages show of the plan
    # changes: their cache keys, ETag and Last-Modified are made from it.
    public_changed_at = models.DateTimeField(
        _("public pages changed at"), default=timezone.now, editable=False
    )

    history = TranslatedHistory(excluded_fields=["public_changed_at"])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["city", "-first_fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name"], name="plans_plan_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(first_fiscal_year__lte=models.F("last_fiscal_year")),
                name="plans_plan_first_year_not_after_last",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("public:plan", args=[self.city.slug, self.pk])

    def clean(self) -> None:
        fields = self.sheet_fields
        names = [f.get("field") for f in fields] if isinstance(fields, list) else None
        if (
            not names
            or not all(isinstance(f, dict) for f in fields)
            or len(set(names)) != len(names)
            or not set(names) <= set(SHEET_TEXT_BY_FIELD)
        ):
            raise ValidationError(
                {
                    "sheet_fields": _(
                        "List one or more of plan_text, done_text and next_text, "
                        "each once."
                    )
                }
            )
        labels = [f.get("label") or "" for f in fields]
        if not all(isinstance(label, str) for label in labels) or any(
            UNWRITABLE.search(label) for label in labels
        ):
            # The plan workbook writes every label: it must be text a workbook holds.
            raise ValidationError(
                {
                    "sheet_fields": _(
                        "A label is text without control characters, such as 取組状況."
                    )
                }
            )

    def sheet_texts(self) -> list[tuple[SheetText, str]]:
        """Each text the plan's sheets use, in order, with the plan's label or "".

        Callers choose what an unlabelled text is called: the registry label
        on pages and forms, the report header in the Excel reports.
        """
        return [
            (SHEET_TEXT_BY_FIELD[entry["field"]], entry.get("label") or "")
            for entry in self.sheet_fields
        ]

    @property
    def text_fields(self) -> list[tuple[str, str]]:
        """(field, label) of each text the plan's sheets use, in order."""
        return [(text.field, label or text.label) for text, label in self.sheet_texts()]

    @property
    def purpose_heading(self) -> str:
        return self.purpose_label or _("Purpose")

    @property
    def content_heading(self) -> str:
        return self.content_label or _("Content")

    @property
    def reason_heading(self) -> str:
        return self.reason_label or _("Reason")

    @property
    def division_sets_item_status(self) -> bool:
        """Whether a plan rated per row asks the division for the item's status too."""
        return (
            self.rates_schedule_rows
            and self.item_status_rule == self.ItemStatusRule.DIVISION
        )

    @property
    def rates_schedule_rows(self) -> bool:
        return self.rating_target == self.RatingTarget.SCHEDULE_ROW

    def result_grade(self, sheet):
        """The rating that counts: HQ's if the plan has a second round, else the division's."""
        return sheet.hq_grade if self.second_round else sheet.division_grade

    @property
    def fiscal_years(self) -> range:
        return range(self.first_fiscal_year, self.last_fiscal_year + 1)

    def item_divisions(self) -> models.QuerySet[Division]:
        """The divisions responsible for any of the plan's items, each once, in no order.

        A semi-join on the items' links: a DISTINCT over a row a link, sorted
        through the city, took four times as long for a plan of 6,000 items.
        """
        return Division.objects.filter(
            city_id=self.city_id, pk__in=self.items.values("divisions")
        ).order_by()
