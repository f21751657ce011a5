"""Search and filters on the public plan page, kept in the URL so a view can be shared.

The plan page lists no items until the form is used. A search is matched in
the database by one query, which returns only the keys and order of the items
that match; a page of them is then read in full. Its queries do not grow with
the plan, and the rows it reads in full are a page's. Keywords match whether typed in full-width or
half-width characters, in any letter case (reformtracker.lib.folding).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from functools import reduce
from operator import and_
from operator import or_

from django import forms
from django.core.paginator import Page
from django.core.paginator import Paginator
from django.db.models import Exists
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import TextField
from django.db.models import Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.db.models.functions import Concat
from django.db.models.lookups import Contains
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plans.models import Grade
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Period
from plans.models import Plan
from reformtracker.lib.folding import Folded
from reformtracker.lib.folding import fold
from reformtracker.lib.forms import ColonlessForm
from reformtracker.lib.forms import Select
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet
from surveys.progress import AreaProgress
from surveys.progress import PlanProgress
from surveys.progress import area_rows
from surveys.progress import item_grade

NOT_RATED = "none"
PER_PAGE = 50  # matching items a page, each with its matching sub-items
# How items are listed, as fields of an item and of a sub-item's parent.
_ORDER = ("area__order", "area", "order")
_PARENT_ORDER = tuple(f"parent__{field}" for field in _ORDER)
TAGS = {
    "new": (pgettext_lazy("item tag", "New"), Q(is_new=True)),
    "follow_up": (pgettext_lazy("item tag", "Follow-up"), Q(is_follow_up=True)),
    "relisted": (
        pgettext_lazy("item tag", "Re-listed"),
        Q(relisted_from__isnull=False),
    ),
}


def _by_id(label: str) -> forms.TypedChoiceField:
    """An optional choice of one of the plan's records by its id, among many."""
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, widget=Select
    )


class PlanSearchForm(ColonlessForm):
    q = forms.CharField(
        label=_("Keyword"),
        required=False,
        max_length=100,
        widget=forms.SearchInput,
        help_text=_("Searches titles, purposes and published texts."),
    )
    area = _by_id(_("Policy area"))
    division = _by_id(_("Division"))
    grade = forms.ChoiceField(label=_("Rating"), required=False)
    tag = forms.ChoiceField(
        label=_("Tag"),
        required=False,
        choices=[
            ("", _("All")),
            *((key, label) for key, (label, _test) in TAGS.items()),
        ],
    )

    def __init__(self, data, progress: PlanProgress):
        super().__init__(data)
        self.progress = progress
        every = [("", _("All"))]
        self.fields["area"].choices = every + [
            # Indented by em spaces, as wide as a Japanese character in any language.
            (a.area.pk, "\u2003" * a.depth + a.area.name_i18n)
            for a in progress.areas
        ]
        plan = progress.plan
        self.fields["division"].choices = every + sorted(
            ((d.pk, d.name_i18n) for d in plan.item_divisions()),
            key=lambda choice: choice[1],  # by the name shown
        )
        grades = [(g.code, f"{g.code} {g.label_i18n}") for g in progress.grades]
        if progress.plan.rates_schedule_rows:
            self.fields["grade"].label = _("Status of the item")
        self.fields["grade"].choices = every + grades + [(NOT_RATED, _("Not rated"))]
        if not progress.period:
            # Nothing is published: there are no ratings to filter by.
            del self.fields["grade"]
        if not plan.items.filter(
            Q(is_new=True) | Q(is_follow_up=True) | Q(relisted_from__isnull=False)
        ).exists():
            del self.fields["tag"]

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())

    def results(self, page_number=None) -> PlanResults:
        """The areas and rows that match, a page of items at a time; none when the form is empty or invalid.

        Items are listed with just their sub-items that match, and an item is
        listed for its sub-items even if it does not match itself. The count is
        of the items and sub-items that match. A page number out of range shows
        the last page; one that is not a number, the first.
        """
        if not self.active:
            return PlanResults([], matched=None, page=None)
        progress = self.progress
        plan, period = progress.plan, progress.period
        criteria = self.cleaned_data
        matches = item_matches(plan, period, progress.grades, criteria)
        listed = plan.items.filter(parent=None)
        if criteria["area"]:
            listed = listed.filter(
                area__in=descendants(progress.areas, criteria["area"])
            )
        # Every item and sub-item that matches, in one query: the keywords'
        # conditions are long, and building them again for a count, a page and
        # the sub-items took longer than running them.
        found = plan.items.filter(Q(pk__in=listed) | Q(parent__in=listed), matches)
        # In no order: _listed_in_order sorts them, with no join to the plan's city.
        hits = list(
            found.values_list("pk", "parent", *_ORDER, *_PARENT_ORDER).order_by()
        )
        page = Paginator(_listed_in_order(hits), PER_PAGE).get_page(page_number)
        on_page = set(page)
        rows = area_rows(
            plan, period, Item.objects.filter(Q(pk__in=on_page) | Q(parent__in=on_page))
        )
        subs = {pk for pk, parent, *_order in hits if parent in on_page}
        shown = [
            replace(
                area,
                rows=[
                    replace(
                        row, sub_items=[s for s in row.sub_items if s.item.pk in subs]
                    )
                    for row in rows.get(area.area.pk, [])
                ],
            )
            for area in progress.areas
        ]
        return PlanResults(with_ancestors(shown), matched=len(hits), page=page)


def _listed_in_order(hits: list[tuple]) -> list[int]:
    """The items to list, as the plan orders them: those that match and those with a sub-item that does."""
    keys = set()
    for pk, parent, *order in hits:
        own, parents = order[: len(_ORDER)], order[len(_ORDER) :]
        keys.add((*own, pk) if parent is None else (*parents, parent))
    return [key[-1] for key in sorted(keys)]


def item_matches(
    plan: Plan, period: Period | None, grades: list[Grade], criteria: dict
) -> Q:
    """Whether an item matches the filters and every keyword, as a condition on items.

    The rating is the item's one rating in the period; keywords are looked
    for in the item's number, names, texts, divisions and tags and in the
    texts of its sheet in the period (its source's, if re-listed).
    """
    conditions = []
    if criteria["division"]:
        conditions.append(
            Exists(
                ItemDivision.objects.filter(
                    item=OuterRef("pk"), division=criteria["division"]
                )
            )
        )
    if grade := criteria.get("grade"):
        rated = _sheets(period).annotate(rating=item_grade(plan))
        if grade == NOT_RATED:
            conditions.append(~Exists(rated.filter(rating__isnull=False)))
        else:
            pk = next(g.pk for g in grades if g.code == grade)
            conditions.append(Exists(rated.filter(rating=pk)))
    if tag := criteria.get("tag"):
        conditions.append(TAGS[tag][1])
    conditions += [
        _has_word(plan, period, term) for term in fold(criteria["q"]).split()
    ]
    return reduce(and_, conditions, Q())


def _sheet_item():
    """The item whose sheet an item of the outer query reports with (Item.sheet_item_id)."""
    return Coalesce(OuterRef("relisted_from"), OuterRef("pk"))


def _sheets(period: Period | None):
    """The item's sheet in the period, for a subquery."""
    return SurveySheet.objects.filter(period=period, item=_sheet_item())


def _has_word(plan: Plan, period: Period | None, term: str) -> Q:
    """Whether the term is in what a keyword is looked for in, folded."""
    item_texts = [
        F("title"),
        KeyTextTransform("title_en", "i18n"),
        F("purpose"),
        F("content"),
    ]
    if plan.numbered_items:  # as pages refer to it (item_ref): No.2-1
        item_texts.append(Concat(Value("No."), F("number"), output_field=TextField()))
    found = [
        _contains(item_texts, term),
        Exists(
            ItemDivision.objects.filter(
                _contains(
                    [
                        F("division__name"),
                        KeyTextTransform("name_en", "division__i18n"),
                    ],
                    term,
                ),
                item=OuterRef("pk"),
            )
        ),
        *(Q(**{field: True}) for tag, field in Item.TAGS.items() if term in fold(tag)),
    ]
    if period is not None:
        sheet_texts = [F(name) for name, _label in plan.text_fields]
        sheet_texts += [F("division_reason"), F("hq_reason")]
        found.append(Exists(_sheets(period).filter(_contains(sheet_texts, term))))
        if plan.rates_schedule_rows:
            found.append(
                Exists(
                    ScheduleStatus.objects.filter(
                        _contains([F("reason")], term),
                        sheet__period=period,
                        sheet__item=_sheet_item(),
                    )
                )
            )
    return reduce(or_, found)


def _contains(texts: list, term: str) -> Q:
    """Whether the texts, folded, hold the term (it has no white space to span two)."""
    joined = texts[0]
    for text in texts[1:]:
        joined = Concat(joined, Value("\n"), text, output_field=TextField())
    return Q(Contains(Folded(joined), term))


@dataclass
class PlanResults:
    areas: list[AreaProgress]
    matched: int | None  # None: no filter applied
    page: Page | None


def descendants(areas: list[AreaProgress], area_id: int) -> set[int]:
    """The area and every area nested under it."""
    chosen = {area_id}
    for area in areas:  # parents come before their children
        if area.area.parent_id in chosen:
            chosen.add(area.area.pk)
    return chosen


def with_ancestors(areas: list[AreaProgress]) -> list[AreaProgress]:
    """The areas that have rows, with the areas they nest in (for their headings)."""
    by_id = {area.area.pk: area for area in areas}
    keep = set()
    for area in areas:
        if area.rows:
            current = area
            while current is not None and current.area.pk not in keep:
                keep.add(current.area.pk)
                current = by_id.get(current.area.parent_id)
    return [area for area in areas if area.area.pk in keep]
