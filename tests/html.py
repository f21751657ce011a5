"""Reading pages the way a user reads them: tables and visible text."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from django.urls import reverse


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def table_rows(response, table_id: str) -> dict[str, list[str]]:
    """Map each body and footer row's header cell to its data cells' text."""
    table = soup(response).find("table", id=table_id)
    assert table is not None, f"no table #{table_id} on the page"
    return {
        tr.th.get_text(strip=True): [
            td.get_text(strip=True) for td in tr.find_all("td")
        ]
        for tr in table.select("tbody tr, tfoot tr")
    }


def text(response) -> str:
    """The page's visible text, whitespace collapsed."""
    return " ".join(soup(response).get_text(" ").split())


def text_of(response, selector: str) -> str:
    """The visible text of the page's first element matching `selector`."""
    element = soup(response).select_one(selector)
    assert element is not None, f"nothing matches {selector} on the page"
    return " ".join(element.get_text(" ").split())


JAPANESE = re.compile(
    r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)


def japanese_outside_lang_ja(response) -> list[str]:
    """The texts of a page in Japanese that no element marks lang="ja"."""
    found = []
    page = soup(response)
    for script in page(["script", "style"]):
        script.decompose()
    for string in page.find_all(string=JAPANESE):
        marked = string.find_parent(attrs={"lang": True})
        if marked is None or not marked["lang"].startswith("ja"):
            found.append(" ".join(string.split()))
    for tag in page.find_all(attrs={"aria-label": JAPANESE}):
        marked = tag if tag.get("lang") else tag.find_parent(attrs={"lang": True})
        if marked is None or not marked["lang"].startswith("ja"):
            found.append(tag["aria-label"])
    return found


def area_pages(client, plan) -> list[BeautifulSoup]:
    """The pages of the plan's top-level areas, which list every item of the plan."""
    return [
        soup(client.get(reverse("public:area", args=[plan.city.slug, plan.pk, key])))
        for key in plan.areas.filter(parent=None).values_list("key", flat=True)
    ]
