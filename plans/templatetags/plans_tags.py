from django import template
from django.utils.translation import get_language

from reformtracker.lib import fiscal
from reformtracker.lib import labels

register = template.Library()


@register.filter
def fiscal_year(value: int) -> str:
    """平成29年度（2017年度） in Japanese, FY2017 in English."""
    if get_language() == "en":
        return f"FY{value}"
    return f"{fiscal.fiscal_year_label(value)}（{value}年度）"


@register.filter
def fiscal_year_short(value: int) -> str:
    """平成29年度 in Japanese, FY2017 in English: for table headers."""
    return labels.fiscal_year_text(value)


@register.filter
def period_label(period) -> str:
    """平成29年度 下半期 / FY2017 second half."""
    return labels.period_label(period)


@register.filter
def era_date(value) -> str:
    """令和元年5月1日 in Japanese; the ISO date in English."""
    if value is None:
        return ""
    return value.isoformat() if get_language() == "en" else fiscal.era_date_label(value)


@register.filter
def schedule_label(row, fiscal_year: int) -> str:
    """A schedule row's activity, else its words for the year: how a status is labelled."""
    return row.label_for(fiscal_year)


@register.filter
def schedule_cells(row, fiscal_years) -> list[dict]:
    """The row's cells over the plan's years, a word spanning years as one cell."""
    return [
        {
            "word": word,
            "span": last - first + 1,
            "years": labels.fiscal_years_text(first, last) if last > first else "",
        }
        for word, first, last in row.cells(fiscal_years)
    ]


@register.filter
def texts_before_rating(sheet, plan) -> list[tuple[str, str]]:
    """(label, text) of the sheet's texts the plan uses, except the closing A."""
    return [
        (label, getattr(sheet, name))
        for name, label in plan.text_fields
        if name != "next_text"
    ]


@register.filter
def texts_after_rating(sheet, plan) -> list[tuple[str, str]]:
    """(label, text) of the closing A, if the plan uses it."""
    return [
        (label, getattr(sheet, name))
        for name, label in plan.text_fields
        if name == "next_text"
    ]


@register.filter
def item_ref(item, plan) -> str:
    """How a page refers to an item: "No.2-1", or its title if the plan has no numbers."""
    return labels.item_ref(item, plan.numbered_items)


@register.filter
def item_heading(item, plan) -> str:
    """An item's number and title, or its title alone if the plan has no numbers."""
    return labels.item_heading(item, plan.numbered_items)
