"""How pages and files name things: fiscal years, periods, items, and a sheet's texts.

Plain functions over anything that has the attributes they read, so that every
app (and every template, through plans_tags) names a period or an item the
same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reformtracker.lib.fiscal import fiscal_year_label
from reformtracker.lib.fiscal import fiscal_years_label


@dataclass(frozen=True)
class SheetText:
    """A text a survey sheet can ask for."""

    field: str  # the survey sheet's field
    code: str  # how the plan workbook names it: P, D or A
    label: Promise  # the label when the plan gives none (translated)
    report_header: str  # the column header of the Excel reports (seed 000)


SHEET_TEXTS = (
    SheetText("plan_text", "P", _("Plan for the year (P)"), "当初予定（P）"),
    SheetText("done_text", "D", _("What was done (D)"), "取組実績（D）"),
    SheetText(
        "next_text",
        "A",
        _("Issues and next steps (A)"),
        "来年度に向けての課題と今後の取組（A）",
    ),
)
SHEET_TEXT_BY_FIELD = {text.field: text for text in SHEET_TEXTS}
SHEET_TEXT_BY_CODE = {text.code: text for text in SHEET_TEXTS}


def in_japanese(label: Promise) -> str:
    """A translatable label in Japanese, for files whose layout is Japanese."""
    with translation.override("ja"):
        return str(label)


def fiscal_year_text(fiscal_year: int) -> str:
    """平成29年度 in Japanese, FY2017 in English."""
    if translation.get_language() == "en":
        return f"FY{fiscal_year}"
    return fiscal_year_label(fiscal_year)


def fiscal_years_text(first: int, last: int) -> str:
    """平成29～30年度 in Japanese, FY2017–2018 in English: a span of fiscal years."""
    if translation.get_language() == "en":
        return f"FY{first}–{last}"
    return fiscal_years_label(first, last)


def fiscal_year_full(year: int) -> str:
    """平成29年度（2017年度） in Japanese, FY2017 in English."""
    if translation.get_language() == "en":
        return f"FY{year}"
    return f"{fiscal_year_label(year)}（{year}年度）"


def period_label(period, *, separator: str = " ") -> str:
    """平成29年度 下半期 in Japanese, FY2017 second half in English."""
    return (
        f"{fiscal_year_text(period.fiscal_year)}{separator}{period.get_half_display()}"
    )


def item_ref(item, numbered: bool) -> str:
    """How a page refers to an item: "No.2-1", or its title if the plan has no numbers."""
    return f"No.{item.number}" if numbered else item.title


def item_heading(item, numbered: bool) -> str:
    """An item's number and title, or its title alone if the plan has no numbers."""
    return f"No.{item.number} {item.title}" if numbered else item.title


def own(record, field: str, autoescape: bool = True) -> str:
    """A name of the plan's own, such as an item's title, in the page's language.

    Japanese shows the Japanese. Another language shows the English the city
    gave (django-modeltrans keeps it in `i18n` as `<field>_en`), else the
    Japanese marked lang="ja" so that screen readers and translation tools
    know it. Plain text (autoescape off, as in mail) is never marked.
    """
    value = getattr(record, field)
    if not value or translation.get_language() == settings.LANGUAGE_CODE:
        return value
    return (record.i18n or {}).get(f"{field}_en") or japanese(value, autoescape)


def japanese(text, autoescape: bool = True) -> str:
    """Text a city wrote in Japanese, marked lang="ja" in a page of another language."""
    if (
        not text
        or not autoescape
        or translation.get_language() == settings.LANGUAGE_CODE
    ):
        return text
    return format_html('<span lang="ja">{}</span>', text)
