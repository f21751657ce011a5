"""Search and filters on the public plan page, kept in the URL so a view can be shared.

The plan page lists no items until the form is used. A search reads every item
with its published sheet and matches here in Python: no query per filter, and
keywords match whether typed in full-width or half-width characters (NFKC), in
any letter case. The matches are shown a page at a time.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from dataclasses import replace

from django import forms
from django.core.paginator import Page
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plans.models import Division
from reformtracker.lib.labels import item_ref
from surveys.progress import AreaProgress
from surveys.progress import ItemRow
from surveys.progress import PlanProgress
from surveys.progress import plan_progress

NOT_RATED = "none"
PER_PAGE = 50  # matching items a page, each with its matching sub-items
TAGS = {
    "new": (pgettext_lazy("item tag", "New"), lambda item: item.is_new),
    "follow_up": (
        pgettext_lazy("item tag", "Follow-up"),
        lambda item: item.is_follow_up,
    ),
    "relisted": (
        pgettext_lazy("item tag", "Re-listed"),
        lambda item: item.relisted_from_id is not None,
    ),
}


def normalise(text: str) -> str:
    """Fold full-width letters and digits, and letter case, for matching only."""
    return unicodedata.normalize("NFKC", text).casefold()


class PlanSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Keyword"),
        required=False,
        max_length=100,
        widget=forms.SearchInput,
        help_text=_("Searches titles, purposes and published texts."),
    )
    area = forms.TypedChoiceField(
        label=_("Policy area"), required=False, coerce=int, empty_value=None
    )
    division = forms.TypedChoiceField(
        label=_("Division"), required=False, coerce=int, empty_value=None
    )
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
        super().__init__(data, label_suffix="")
        self.progress = progress
        every = [("", _("All"))]
        self.fields["area"].choices = every + [
            # Indented by em spaces, as wide as a Japanese character in any language.
            (a.area.pk, "\u2003" * a.depth + a.area.name_i18n)
            for a in progress.areas
        ]
        plan = progress.plan
        divisions = Division.objects.filter(items__plan=plan).distinct()
        self.fields["division"].choices = every + sorted(
            ((d.pk, d.name_i18n) for d in divisions), key=lambda choice: choice[1]
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
        progress = plan_progress(self.progress.plan, self.progress.period)
        areas = progress.areas
        criteria = self.cleaned_data
        chosen_areas = (
            descendants(areas, criteria["area"]) if criteria["area"] else None
        )
        terms = normalise(criteria["q"]).split()
        found = []
        matched = 0
        for area in areas:
            if chosen_areas is not None and area.area.pk not in chosen_areas:
                continue
            for row in area.rows:
                subs = [s for s in row.sub_items if self._matches(s, terms, criteria)]
                itself = self._matches(row, terms, criteria)
                if itself or subs:
                    found.append((area.area.pk, replace(row, sub_items=subs)))
                    matched += itself + len(subs)
        page = Paginator(found, PER_PAGE).get_page(page_number)
        on_page: dict[int, list[ItemRow]] = {}
        for area_id, row in page.object_list:
            on_page.setdefault(area_id, []).append(row)
        shown = [replace(area, rows=on_page.get(area.area.pk, [])) for area in areas]
        return PlanResults(with_ancestors(shown), matched=matched, page=page)

    def _matches(self, row: ItemRow, terms: list[str], criteria) -> bool:
        item = row.item
        if criteria["division"] and criteria["division"] not in {
            d.pk for d in item.division_list
        }:
            return False
        grade = criteria.get("grade")
        if grade:
            if grade != (row.status.code if row.status else NOT_RATED):
                return False
        tag = criteria.get("tag")
        if tag and not TAGS[tag][1](item):
            return False
        if terms:
            haystack = normalise("\n".join(searchable_texts(row, self.progress)))
            return all(term in haystack for term in terms)
        return True


def searchable_texts(row: ItemRow, progress: PlanProgress) -> list[str]:
    """What a keyword is looked for in: the item and its published sheet."""
    item = row.item
    texts = [
        item_ref(item, numbered=True) if progress.plan.numbered_items else "",
        item.title,
        item.title_en or "",
        item.purpose,
        item.content,
        *(d.name for d in item.division_list),
        *(d.name_en or "" for d in item.division_list),
        *item.tags,
    ]
    sheet = row.sheet
    if sheet is not None and progress.period is not None:
        texts += [getattr(sheet, name) for name, _label in progress.plan.text_fields]
        texts += [sheet.division_reason, sheet.hq_reason]
        texts += [status.reason for status in getattr(sheet, "status_list", [])]
    return texts


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
