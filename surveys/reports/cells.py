"""Cells every report writes the same way: the title, a rating, an item's labels."""

from __future__ import annotations

from reformtracker.lib import xlsx
from reformtracker.lib.labels import grade_codes


def put_title(ws, text: str, columns: int) -> None:
    """The report's title across the first row."""
    xlsx.put_merged(
        ws,
        1,
        1,
        columns,
        text,
        font=xlsx.TITLE,
        border=False,
        alignment=xlsx.MIDDLE,
    )
    ws.row_dimensions[1].height = 24


def put_grades(ws, row: int, column: int, grades: list) -> None:
    """One grade in its colour, or several (one per schedule row) as codes: "○○△"."""
    if len(grades) == 1:
        xlsx.put_grade(ws, row, column, grades[0])
    else:
        xlsx.put(ws, row, column, grade_codes(grades), alignment=xlsx.CENTER)


def tags_text(item) -> str:
    """The item's tags as the plan prints them: 【新規】【フォローアップ】."""
    return "".join(f"【{tag}】" for tag in item.tags)


def divisions_text(item, separator: str = "、") -> str:
    """The item's divisions in the plan's order."""
    return separator.join(d.name for d in item.division_list)


def relisting_text(item) -> str:
    """【No.15の再掲】 for a re-listed item, "" for any other."""
    if not item.relisted_from:
        return ""
    return f"【No.{item.relisted_from.number}の再掲】"
