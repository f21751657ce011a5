"""The plan and what it is made of: areas, items, divisions, indicators, periods."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

from reformtracker.lib.labels import SHEET_TEXT_BY_FIELD, SHEET_TEXTS, period_label


class RatingScale(models.Model):
    """A set of grades a plan rates its items with (S/A/B, ◎/○/△/×, ...)."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
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
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#767676",
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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "code"], name="plans_grade_code_unique_per_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


def default_sheet_fields() -> list[dict]:
    return [{"field": text.field, "label": ""} for text in SHEET_TEXTS]


class Plan(models.Model):
    class Cadence(models.TextChoices):
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        YEARLY = "yearly", _("Yearly")

    city = models.CharField(_("city"), max_length=50)
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

    class RatingTarget(models.TextChoices):
        ITEM = "item", _("Each item")
        SCHEDULE_ROW = "schedule_row", _("Each schedule row")

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
    second_round = models.BooleanField(
        _("second round by HQ"),
        default=True,
        help_text=_(
            "Whether the reform HQ rates each sheet again after the division; "
            "without it the division's rating is the result."
        ),
    )
    previous_plan = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="following_plans",
        verbose_name=_("previous plan"),
        help_text=_("The plan this one follows, such as the 2nd plan for the 3rd."),
    )

    history = HistoricalRecords()

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
        return reverse("public:plan", args=[self.pk])

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

    @property
    def text_fields(self) -> list[tuple[str, str]]:
        """(field, label) of each text the plan's sheets use, in order."""
        return [
            (f["field"], f.get("label") or SHEET_TEXT_BY_FIELD[f["field"]].label)
            for f in self.sheet_fields
        ]

    @property
    def rates_schedule_rows(self) -> bool:
        return self.rating_target == self.RatingTarget.SCHEDULE_ROW

    def result_grade(self, sheet):
        """The rating that counts: HQ's if the plan has a second round, else the division's."""
        return sheet.hq_grade if self.second_round else sheet.division_grade

    @property
    def fiscal_years(self) -> range:
        return range(self.first_fiscal_year, self.last_fiscal_year + 1)


class PolicyArea(models.Model):
    """A policy area (分野) of a plan; areas may nest under other areas."""

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
    order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"], name="plans_policyarea_unique_name_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class MembershipHistory(HistoricalRecords):
    """Division history that also records members changed from the user's side.

    django-simple-history 3.13 handles `user.divisions.add(...)` (a reverse
    change) as if the user were a division and fails; here each division
    touched gets its own record instead.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(
                instance, action, attr, pk_set, reverse, **kwargs
            )
        if action == "pre_clear":
            instance._cleared_divisions = set(
                instance.divisions.values_list("pk", flat=True)
            )
            return None
        if action not in ("post_add", "post_remove", "post_clear"):
            return None
        touched = pk_set or getattr(instance, "_cleared_divisions", set())
        for division in Division.objects.filter(pk__in=touched):
            self.create_historical_record(division, "~")
        return None


class Division(models.Model):
    """A division (所管課) of the city, responsible for items."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    former_names = models.CharField(
        _("former names"),
        max_length=300,
        blank=True,
        help_text=_("Names the division had before, separated by 、 (shown as 旧…)."),
    )
    active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="divisions",
        blank=True,
        verbose_name=_("members"),
        help_text=_("Staff who fill this division's survey sheets."),
    )

    # Membership changes are kept too: they decide who edits which sheets.
    history = MembershipHistory(m2m_fields=[members])

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ItemQuerySet(models.QuerySet):
    def for_plan_page(self, plan: Plan) -> ItemQuerySet:
        """Every item of the plan, with what the plan page shows, in plan order."""
        return (
            self.filter(plan=plan)
            .select_related("relisted_from")
            .prefetch_related(ItemDivision.prefetch())
            .order_by("order")
        )


class Item(models.Model):
    """A numbered item (取組項目) of a plan, or a sub-item when it has a parent."""

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
        help_text=_("As the plan writes it: 2, 2-1 or 2-1~5."),
    )
    title = models.CharField(_("title"), max_length=300)
    purpose = models.TextField(_("purpose"), blank=True)
    content = models.TextField(_("content"), blank=True)
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
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ItemQuerySet.as_manager()

    history = HistoricalRecords()

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
        ]

    def __str__(self) -> str:
        return f"No.{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("public:item", args=[self.plan_id, self.number])

    def clean(self) -> None:
        if self.carried_from_id and self.carried_from.plan_id == self.plan_id:
            raise ValidationError(
                {"carried_from": _("Choose an item of an earlier plan.")}
            )

    def lineage(self) -> list[Item]:
        """The item across plans, oldest first: its forebears, itself, its successors."""
        earlier = []
        current = self
        while current.carried_from_id:
            current = Item.objects.select_related("plan").get(
                pk=current.carried_from_id
            )
            earlier.append(current)
        later = list(
            self.carried_to.select_related("plan").order_by("plan__first_fiscal_year")
        )
        return [*reversed(earlier), self, *later]

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
        return [
            tag
            for tag, on in (
                ("新規", self.is_new),
                ("フォローアップ", self.is_follow_up),
            )
            if on
        ]


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


class Indicator(models.Model):
    """An indicator (指標) of an item, with its baseline and target."""

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


class ScheduleRow(models.Model):
    """A row of an item's schedule (工程表): an activity and a short word per year."""

    item = models.ForeignKey(
        Item, models.CASCADE, related_name="schedule_rows", verbose_name=_("item")
    )
    activity = models.TextField(_("activity"), blank=True)
    years = models.JSONField(
        _("words per fiscal year"),
        default=dict,
        blank=True,
        help_text=_('Short words keyed by fiscal year, such as {"2017": "検討"}.'),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("schedule row")
        verbose_name_plural = _("schedule rows")
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return self.activity[:40]

    def word_for(self, fiscal_year: int) -> str:
        return self.years.get(str(fiscal_year), "")


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
        ]

    def __str__(self) -> str:
        return period_label(self)

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.fiscal_year, ["first", "whole", "second"].index(self.half))

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class IndicatorValue(models.Model):
    """The actual value of an indicator in a period."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="values", verbose_name=_("indicator")
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


# Accounts change who may do what, so their changes are kept too (without passwords).
register(
    User,
    app="plans",
    excluded_fields=["password", "last_login"],
    m2m_fields=[User.groups.field],
)
register(Group, app="plans", m2m_fields=[Group.permissions.field])
