"""What an import changes, row by row, as the preview shows it.

A row is created, updated, moved, renumbered or deleted. Moved (its order,
area, parent or item changed) and renumbered rows are kept apart from
updated ones: their content, and the survey data written for them, stay.
"""

from __future__ import annotations

from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field

from plans.models import Plan
from plans.workbook.schema import NO
from plans.workbook.schema import SCHEDULE
from plans.workbook.schema import SCHEDULE_BASE
from plans.workbook.schema import SHEETS
from plans.workbook.schema import YES
from reformtracker.lib.uploads import Problem

# The preview names a changed field as the workbook's header does; fields
# with no column of their own (foreign keys, order) get a name here.
FIELD_LABELS = {
    **{
        column.key: column.header
        for column in (*(c for s in SHEETS for c in s.columns), *SCHEDULE_BASE)
        if column.key
        not in ("name", "number", "parent", "area", "item", "code", "name_en")
    },
    "name": "名称",
    "name_en": "名称（英語）",
    "number": "番号",
    "code": "記号",
    "area_id": "分野",
    "parent_id": "上位",
    "relisted_from_id": "再掲元",
    "rating_scale_id": "評価区分",
    "previous_plan_id": "前のプラン",
    "numbered_items": "番号の表示",
    "second_round": "2次評価",
    "rating_target": "評価の単位",
    "sheet_fields": "記入項目",
    "carried_from_id": "前のプランの番号",
    "merged_into_id": "統合先",
    "item_id": "項目番号",
    "order": "並び順",
    "years": "年度ごとの予定",
    "divisions": "所管課",
}


# Fields that say where a row is, not what it says.
PLACE_FIELDS = {"number", "order", "area_id", "parent_id", "item_id"}


def shown_value(value) -> str:
    """A value as a person reads it in the preview."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, dict):
        return "、".join(f"{year}年度: {word}" for year, word in value.items())
    return str(value)


@dataclass
class Change:
    sheet: str
    key: str
    action: str  # create, update, move, renumber, delete
    fields: dict = field(default_factory=dict)


@dataclass
class Changes:
    lines: list[Change] = field(default_factory=list)
    unchanged: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    plan: Plan | None = None

    def add(self, sheet: str, key: str, action: str, fields=None) -> None:
        self.lines.append(Change(sheet, key, action, fields or {}))

    def refuse(
        self, sheet: str, column: str | None, message: str, *, row: int | None = None
    ) -> None:
        """What the database refuses, at its sheet and column, and row if it has one.

        A row left out of the workbook has none.
        """
        self.problems.append(Problem(sheet, row, column, message))

    def log(self, sheet: str, diffs: dict, total: int, label=str, names=None) -> None:
        """Record the changes of one sheet, fields and values as the workbook shows them.

        `diffs` holds, per key, None for a created row or {field: (old, new)}
        for an updated one; the other rows of the `total` are unchanged.
        `names` turns the ids of foreign keys back into what the workbook
        writes: {"area_id": {pk: name}, ...}.
        """
        for key, diff in diffs.items():
            if diff is None:
                self.add(sheet, label(key), "create")
                continue
            shown = {}
            for name, values in diff.items():
                lookup = (names or {}).get(name)
                shown[FIELD_LABELS.get(name, name)] = tuple(
                    shown_value(lookup.get(value, "") if lookup else value)
                    for value in values
                )
            self.add(sheet, label(key), action_of(diff), shown)
        if total > len(diffs):
            self.unchanged[sheet] += total - len(diffs)

    @property
    def counts(self) -> dict[str, Counter]:
        """Per sheet: how many rows are created, updated, moved, renumbered, deleted, unchanged."""
        result: dict[str, Counter] = defaultdict(Counter)
        for line in self.lines:
            result[line.sheet][line.action] += 1
        for sheet, count in self.unchanged.items():
            result[sheet]["unchanged"] += count
        order = [sheet.name for sheet in SHEETS] + [SCHEDULE]
        return {name: result[name] for name in order if name in result}

    def __bool__(self) -> bool:
        return bool(self.lines)


def action_of(diff: dict) -> str:
    """An update that only changes where a row is: renumbered, or else moved."""
    if not diff.keys() <= PLACE_FIELDS:
        return "update"
    return "renumber" if "number" in diff else "move"
