"""Reading pages the way a user reads them: tables and visible text."""

from __future__ import annotations

from bs4 import BeautifulSoup


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
