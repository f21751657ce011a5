"""Long lists shown a page at a time, the page number in the URL beside the filters."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.core.paginator import Paginator
from django.http import QueryDict

PER_PAGE = 50


@dataclass(frozen=True)
class Pager:
    """A page of a list and the query strings of the pages around it.

    Each query string keeps the request's other parameters (the filters, the
    page of another list on the same screen), so moving between pages never
    drops what the person chose.
    """

    page: Page
    first: str | None
    previous: str | None
    next: str | None
    last: str | None


def paged(objects, params: QueryDict, *, key: str = "page") -> Pager:
    """The page of `objects` that `params[key]` names, PER_PAGE to a page.

    A number past the end shows the last page and anything else not a page
    number the first (Paginator.get_page), so a stale or edited link still
    lands on a list rather than an error.
    """
    page = Paginator(objects, PER_PAGE).get_page(params.get(key))
    last = page.paginator.num_pages

    def query(number: int) -> str:
        kept = params.copy()
        kept[key] = str(number)
        return kept.urlencode()

    before, after = page.number > 1, page.number < last
    return Pager(
        page=page,
        first=query(1) if before else None,
        previous=query(page.number - 1) if before else None,
        next=query(page.number + 1) if after else None,
        last=query(last) if after else None,
    )


def page_of(position: int) -> int:
    """The page number on which the list's entry at `position` (from 0) stands."""
    return position // PER_PAGE + 1
