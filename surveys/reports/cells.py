"""Cells every report writes the same way: the title, a rating, an item's labels."""

from __future__ import annotations

from reformtracker.lib import xlsx
from reformtracker.lib.labels import item_ref


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
    xlsx.set_height(ws, 1, 24)


def put_rating(ws, row: int, column: int, rating) -> None:
    """A grade in its colour, or a text such as each schedule row's status."""
    if isinstance(rating, str):
        xlsx.put(ws, row, column, rating)
    else:
        xlsx.put_grade(ws, row, column, rating)


def put_item_status(ws, row: int, column: int, item_row) -> None:
    """The item's one rating in its colour; under it, each schedule row's status."""
    rows = row_statuses(item_row.sheet)
    if not rows:
        xlsx.put_grade(ws, row, column, item_row.status)
        return
    status = item_row.status
    xlsx.put(
        ws,
        row,
        column,
        f"{status.code if status else '－'}\n{rows}",
        font=xlsx.grade_font(status.colour) if status else xlsx.FONT,
    )


def row_statuses(sheet, separator: str = "\n", colon: str = "：") -> str:
    """Each schedule row's status after its row: "研修計画の策定：◎" a line.

    "" when the sheet has no statuses (its plan rates items). A row without
    an activity is named by its place: 工程2.
    """
    return separator.join(
        f"{schedule_row_label(status.schedule_row, n)}{colon}"
        f"{status.grade.code if status.grade else '－'}"
        for n, status in enumerate(getattr(sheet, "status_list", []), start=1)
    )


def schedule_row_label(schedule_row, n: int) -> str:
    return schedule_row.activity or f"工程{n}"


def tags_text(item) -> str:
    """The item's tags as the plan prints them: 【新規】【フォローアップ】."""
    return "".join(f"【{tag}】" for tag in item.tags)


def divisions_text(item, separator: str = "、") -> str:
    """The item's divisions in the plan's order."""
    return separator.join(d.name for d in item.division_list)


def relisting_text(item) -> str:
    """【No.15の再掲】 for a re-listed item (【…の再掲】 with the title if unnumbered)."""
    if not item.relisted_from:
        return ""
    return f"【{item_ref(item.relisted_from, item.plan.numbered_items)}の再掲】"
