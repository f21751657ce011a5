from django import template
from django.template.defaulttags import querystring
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language

from reformtracker.lib import fiscal
from reformtracker.lib import labels

register = template.Library()


@register.filter
def fiscal_year(value: int) -> str:
    """平成29年度（2017年度） in Japanese, FY2017 in English."""
    return labels.fiscal_year_full(value)


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
        (labels.japanese(label) or text.label, getattr(sheet, text.field))
        for text, label in plan.sheet_texts()
        if text.field != "next_text"
    ]


@register.filter
def texts_after_rating(sheet, plan) -> list[tuple[str, str]]:
    """(label, text) of the closing A, if the plan uses it."""
    return [
        (labels.japanese(label) or text.label, getattr(sheet, text.field))
        for text, label in plan.sheet_texts()
        if text.field == "next_text"
    ]


register.filter("own", labels.own, needs_autoescape=True)
register.filter("japanese", labels.japanese, needs_autoescape=True)


def _joined(first, second, autoescape: bool) -> str:
    return format_html("{} {}", first, second) if autoescape else f"{first} {second}"


@register.filter
def plan_label(plan, name: str) -> str:
    """The plan's word for an item's purpose or content or a rating's reason, else ours."""
    return labels.own(plan, f"{name}_label") or getattr(plan, f"{name}_heading")


@register.filter(needs_autoescape=True)
def area_name(area, autoescape: bool = True) -> str:
    """A policy area's number and name: "Ⅰ 地域協働の推進"."""
    name = labels.own(area, "name", autoescape)
    return _joined(area.number, name, autoescape) if area.number else name


@register.filter(needs_autoescape=True)
def item_ref(item, plan, autoescape: bool = True) -> str:
    """How a page refers to an item: "No.2-1", or its title if the plan has no numbers."""
    return (
        f"No.{item.number}"
        if plan.numbered_items
        else labels.own(item, "title", autoescape)
    )


@register.filter(needs_autoescape=True)
def item_heading(item, plan, autoescape: bool = True) -> str:
    """An item's number and title, or its title alone if the plan has no numbers."""
    title = labels.own(item, "title", autoescape)
    return (
        _joined(f"No.{item.number}", title, autoescape)
        if plan.numbered_items
        else title
    )


@register.filter(needs_autoescape=True)
def plan_name(plan, autoescape: bool = True) -> str:
    """A plan's city and name: "小平市 第3次行財政再構築プラン"."""
    return _joined(
        labels.own(plan.city, "name", autoescape),
        labels.own(plan, "name", autoescape),
        autoescape,
    )


@register.simple_tag(takes_context=True)
def language_url(context, language: str) -> str:
    """This page's address in the language: a link, so public pages need no CSRF token."""
    return translate_url(context["request"].get_full_path(), language)


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """The address's query with page `number` under `param`: one pager for any list."""
    return querystring(context, **{param: number})
