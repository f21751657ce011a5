"""What a plan is made of: policy areas, items and the divisions responsible for them."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.divisions import Division
from plans.models.english import TranslatedHistory
from plans.models.english import english
from plans.models.plan import Plan


def new_key() -> str:
    """A short random key for a new row: it names the row in the plan workbook."""
    return secrets.token_hex(5)


def key_field() -> models.CharField:
    """The key of an item, indicator or schedule row, given once and never changed.

    Numbers, names and positions change when a plan is revised; the key does
    not, so an import matches what exists by it and the survey data written
    for a row stays with that row.
    """
    return models.CharField(
        _("key"),
        max_length=10,
        unique=True,
        editable=False,
        default=new_key,
        help_text=_(
            "Names the row in the plan workbook for good: it stays when the row "
            "is renamed, renumbered or moved."
        ),
    )


class PolicyArea(models.Model):
    """A policy area (分野) of a plan; areas may nest under other areas."""

    key = key_field()
    plan = models.ForeignKey(
        Plan, models.CASCADE, related_name="areas", verbose_name=_("plan")
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent area"),
    )
    number = models.CharField(
        _("number"),
        max_length=10,
        blank=True,
        help_text=_("Such as Ⅰ or 1, if the plan numbers its areas."),
    )
    name = models.CharField(_("name"), max_length=200)
    i18n = english("name")
    order = models.PositiveIntegerField(_("order"), default=0)

    history = TranslatedHistory()

    class Meta:
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")
        ordering = ["plan", "order"]
        # Names are unique among siblings only: a heading may repeat its
        # parent's title (Ⅰ 行政改革 → 1. 行政改革). Two constraints, as NULL
        # parents are all distinct to a unique index.
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "parent", "name"],
                condition=Q(parent__isnull=False),
                name="plans_policyarea_unique_name_among_siblings",
            ),
            models.UniqueConstraint(
                fields=["plan", "name"],
                condition=Q(parent=None),
                name="plans_policyarea_unique_top_level_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()

    @property
    def label(self) -> str:
        """Its number and name in the page's language (the English, where given)."""
        return f"{self.number} {self.name_i18n}".strip()


class ItemQuerySet(models.QuerySet):
    def for_plan_page(self) -> ItemQuerySet:
        """The items with what the plan and area pages show, in plan order."""
        return (
            self.select_related("relisted_from", "merged_into")
            .prefetch_related(ItemDivision.prefetch())
            .order_by("order")
        )

    def active(self) -> ItemQuerySet:
        """Items still carried out: neither they nor their parent ended or merged."""
        return self.filter(state=Item.State.ACTIVE).exclude(
            parent__state__in=[Item.State.ENDED, Item.State.MERGED]
        )


class Item(models.Model):
    """A numbered item (取組項目) of a plan, or a sub-item when it has a parent."""

    class State(models.TextChoices):
        ACTIVE = "active", _("In progress")
        ENDED = "ended", _("Ended")
        MERGED = "merged", _("Merged")

    # The tags a plan writes (【新規】), each with the field that holds it.
    TAGS = {"新規": "is_new", "フォローアップ": "is_follow_up"}

    key = key_field()
    plan = models.ForeignKey(
        Plan, models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    area = models.ForeignKey(
        # RESTRICT, not PROTECT: an area with items cannot be deleted alone, but
        # deleting the plan deletes both.
        PolicyArea,
        models.RESTRICT,
        related_name="items",
        verbose_name=_("policy area"),
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_items",
        verbose_name=_("parent item"),
    )
    number = models.CharField(
        _("number"),
        max_length=20,
        validators=[
            # The number is a segment of the item's address.
            RegexValidator(
                r"^[^/\\\s\x00-\x1f\x7f]*$",
                _("A number cannot hold “/”, “\\”, spaces or line breaks."),
            )
        ],
        help_text=_("As the plan writes it: 2, 2-1 or 2-1~5."),
    )
    title = models.CharField(_("title"), max_length=300)
    purpose = models.TextField(_("purpose"), blank=True)
    content = models.TextField(_("content"), blank=True)
    i18n = english("title")
    is_new = models.BooleanField(
        _("new"), default=False, help_text=_("Tagged 【新規】.")
    )
    is_follow_up = models.BooleanField(
        _("follow-up"), default=False, help_text=_("Tagged 【フォローアップ】.")
    )
    relisted_from = models.ForeignKey(
        "self",
        models.RESTRICT,
        null=True,
        blank=True,
        related_name="relistings",
        verbose_name=_("re-listing of"),
        help_text=_(
            "A re-listed item (再掲) repeats another item in a second area: it shares "
            "that item's survey sheet and is counted in both areas."
        ),
    )
    carried_from = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried over from"),
        help_text=_(
            "The item of an earlier plan this item continues (フォローアップ); "
            "both item pages link to each other."
        ),
    )
    divisions = models.ManyToManyField(
        Division,
        through="ItemDivision",
        related_name="items",
        blank=True,
        verbose_name=_("divisions"),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=State,
        default=State.ACTIVE,
        help_text=_(
            "An ended or merged item keeps its survey sheets and published results "
            "but gets no new sheets."
        ),
    )
    ended_fiscal_year = models.PositiveSmallIntegerField(
        _("ended in fiscal year"), null=True, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        models.RESTRICT,
        null=True,
        blank=True,
        related_name="merged_items",
        verbose_name=_("merged into"),
        help_text=_("The item of the plan that carries on a merged item."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ItemQuerySet.as_manager()

    history = TranslatedHistory()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="plans_item_unique_number_per_plan"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="plans_item_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(merged_into=None) | Q(state="merged"),
                name="plans_item_merged_into_only_when_merged",
            ),
            models.CheckConstraint(
                condition=Q(ended_fiscal_year=None) | ~Q(state="active"),
                name="plans_item_end_year_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"No.{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "public:item", args=[self.plan.city.slug, self.plan_id, self.number]
        )

    def get_permanent_url(self) -> str:
        """The item's address by its key: it still leads here after a renumbering."""
        return reverse(
            "public:item_key", args=[self.plan.city.slug, self.plan_id, self.key]
        )

    def clean(self) -> None:
        if self.carried_from_id and self.carried_from.plan_id == self.plan_id:
            raise ValidationError(
                {"carried_from": _("Choose an item of an earlier plan.")}
            )

    def lineage(self) -> list[Item]:
        """The item across plans, oldest first: its forebears, itself, its successors.

        Successors of its successors too, by their plans' first year. Two
        queries however long the lineage: the links between the city's items,
        then the items with their plans (and cities, for their addresses).
        Plans follow plans of their own city, so only its links are read.
        """
        links = dict(
            Item.objects.filter(
                plan__city_id=self.plan.city_id, carried_from__isnull=False
            )
            .order_by()
            .values_list("pk", "carried_from_id")
        )
        seen = {self.pk}
        earlier = []
        current = self.carried_from_id
        while current is not None and current not in seen:  # a loop ends it
            seen.add(current)
            earlier.append(current)
            current = links.get(current)
        carried_to: dict[int, list[int]] = {}
        for pk, from_pk in links.items():
            carried_to.setdefault(from_pk, []).append(pk)
        later, pending = [], [self.pk]
        while pending:
            for pk in carried_to.get(pending.pop(), []):
                if pk not in seen:
                    seen.add(pk)
                    later.append(pk)
                    pending.append(pk)
        if not earlier and not later:
            return [self]
        items = Item.objects.select_related("plan__city").in_bulk([*earlier, *later])
        successors = sorted(
            (items[pk] for pk in later),
            key=lambda item: (item.plan.first_fiscal_year, item.plan_id, item.order),
        )
        return [*(items[pk] for pk in reversed(earlier)), self, *successors]

    @property
    def sheet_item_id(self) -> int:
        """The item whose sheet this item reports with: its source if re-listed."""
        return self.relisted_from_id or self.pk

    @property
    def division_list(self) -> list[Division]:
        """The item's divisions in the order the plan lists them."""
        return [link.division for link in self.division_links.all()]

    @property
    def tags(self) -> list[str]:
        return [tag for tag, field in self.TAGS.items() if getattr(self, field)]


class ItemDivision(models.Model):
    """A division responsible for an item; the first listed leads."""

    item = models.ForeignKey(
        Item, models.CASCADE, related_name="division_links", verbose_name=_("item")
    )
    division = models.ForeignKey(
        Division, models.PROTECT, related_name="item_links", verbose_name=_("division")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsible division")
        verbose_name_plural = _("responsible divisions")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "division"], name="plans_itemdivision_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.division)

    @staticmethod
    def prefetch(lookup: str = "division_links") -> models.Prefetch:
        return models.Prefetch(
            lookup, queryset=ItemDivision.objects.select_related("division")
        )
