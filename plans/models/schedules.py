"""An item's schedule (工程表): its activities and the plan's words for each fiscal year."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.structure import Item
from plans.models.structure import key_field

# A key of ScheduleRow.years: a fiscal year, or the first and last of a span.
YEARS_KEY = re.compile(r"(\d{4})(?:-(\d{4}))?")


class ScheduleRow(models.Model):
    """A row of an item's schedule (工程表): an activity and the plan's words per year.

    A word may span fiscal years (平成29～30年度: 検討): it is kept once, under
    the span's first and last year, and applies to each year of it.
    """

    # The longest word a year (or span) of a row holds: real plans write
    # sentences of 70 characters and more there.
    WORD_LIMIT = 300

    key = key_field()
    item = models.ForeignKey(
        Item, models.CASCADE, related_name="schedule_rows", verbose_name=_("item")
    )
    activity = models.TextField(_("activity"), blank=True)
    years = models.JSONField(
        _("words per fiscal year"),
        default=dict,
        blank=True,
        help_text=_(
            'The plan\'s words keyed by fiscal year, such as {"2017": "検討"}; '
            "a word for several years is keyed by the first and the last, such as "
            '{"2017-2018": "検討"}. At most 300 characters each.'
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("schedule row")
        verbose_name_plural = _("schedule rows")
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return self.activity[:40]

    def clean(self) -> None:
        """The words are text within the limit, each year given by one entry at most."""
        if not isinstance(self.years, dict):
            raise ValidationError({"years": _("Give the words as {year: word}.")})
        plan_years = self.item.plan.fiscal_years if self.item_id else None
        covered: set[int] = set()
        for key, word in self.years.items():
            span = year_span(key)
            if span is None:
                raise ValidationError(
                    {
                        "years": _(
                            "“%(key)s” is neither a fiscal year such as 2017 nor a "
                            "span such as 2017-2018."
                        )
                        % {"key": key}
                    }
                )
            if not isinstance(word, str) or len(word) > self.WORD_LIMIT:
                raise ValidationError(
                    {
                        "years": _(
                            "The word of %(key)s must be text of at most %(limit)d "
                            "characters."
                        )
                        % {"key": key, "limit": self.WORD_LIMIT}
                    }
                )
            years = set(range(span[0], span[1] + 1))
            if plan_years is not None and not years <= set(plan_years):
                raise ValidationError(
                    {
                        "years": _("%(key)s is not within the plan's years.")
                        % {"key": key}
                    }
                )
            if years & covered:
                raise ValidationError(
                    {
                        "years": _("%(key)s overlaps another entry of the row.")
                        % {"key": key}
                    }
                )
            covered |= years

    def entries(self) -> list[tuple[int, int, str]]:
        """(first year, last year, word) of each word, in year order; first == last for one year."""
        entries = []
        for key, word in self.years.items():
            span = year_span(key)
            if span is not None and word:
                entries.append((*span, word))
        return sorted(entries)

    def word_for(self, fiscal_year: int) -> str:
        """The plan's word for the year: its own, or that of a span holding it."""
        if word := self.years.get(str(fiscal_year)):
            return word
        return next(
            (w for first, last, w in self.entries() if first <= fiscal_year <= last),
            "",
        )

    def cells(self, fiscal_years) -> list[tuple[str, int, int]]:
        """(word, first year, last year) per cell over the years, a span as one cell.

        A span reaching outside `fiscal_years` is cut to them; a year without
        a word is a cell of its own with an empty word.
        """
        years = list(fiscal_years)
        if not years:
            return []
        starts: dict[int, tuple[int, str]] = {}
        for first, last, word in self.entries():
            first, last = max(first, years[0]), min(last, years[-1])
            if first <= last:
                starts.setdefault(first, (last, word))
        cells, year = [], years[0]
        while year <= years[-1]:
            last, word = starts.get(year, (year, ""))
            cells.append((word, year, last))
            year = last + 1
        return cells

    def label_for(self, fiscal_year: int) -> str:
        """How a form or a page names the row: its activity, else its words for the year.

        Plans that leave the activity empty tell their rows apart by the
        words the schedule plans for the year.
        """
        return self.activity or self.word_for(fiscal_year) or "—"


def year_span(key: str) -> tuple[int, int] | None:
    """(first, last) fiscal year of a key of ScheduleRow.years, None if it is not one."""
    match = YEARS_KEY.fullmatch(str(key))
    if match is None:
        return None
    first = int(match.group(1))
    last = int(match.group(2) or first)
    return (first, last) if first <= last else None
