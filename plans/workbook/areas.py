"""How the plan workbook refers to a policy area: by its name, or by its path.

Area names are unique among siblings only, as a heading may repeat its
parent's title (Ⅰ 行政改革 → 1. 行政改革). A cell that names an area (上位分野,
an item's 分野) writes its path, the names from the top area down to it
joined by ＞ (行政改革＞行政改革); a top-level area's path is its name. A
name alone is enough when no other area has it, as in workbooks from before
paths. References are compared as typed by hand (match_key): ＞ and >, ：
and :, full-width and half-width alike.
"""

from __future__ import annotations

import re
from collections import defaultdict

from reformtracker.lib.text import match_key

SEPARATOR = "＞"


def path_text(names) -> str:
    """An area's path as the workbook writes it: 行政改革＞行政改革."""
    return SEPARATOR.join(names)


def ref_key(text: str) -> str:
    """A reference (a name or a path) as it is compared."""
    return re.sub(r"\s*>\s*", ">", match_key(text))


def tree_paths(areas) -> dict[int, tuple[str, ...]]:
    """The path of names of each of a plan's areas (PolicyArea rows), by pk."""
    by_pk = {a.pk: a for a in areas}

    def path(area) -> tuple[str, ...]:
        parent = by_pk.get(area.parent_id)
        return (*path(parent), area.name) if parent else (area.name,)

    return {pk: path(area) for pk, area in by_pk.items()}


def path_key(path: tuple[str, ...]) -> str:
    """An area's path as it is compared."""
    return ref_key(path_text(path))


class Ambiguous(Exception):
    """Several areas answer to a reference; `path` is one of theirs, as an example."""

    def __init__(self, path: tuple[str, ...]):
        super().__init__(path_text(path))
        self.path = path


class AreaIndex:
    """Areas (any objects) by the references a workbook may write for them.

    `add` them with their path of names; `find` a reference, `ref_for` the
    shortest reference that finds an area again.
    """

    def __init__(self):
        self.by_path: dict[str, list] = defaultdict(list)
        self.by_name: dict[str, list] = defaultdict(list)
        self.paths: dict[int, tuple[str, ...]] = {}

    def add(self, path: tuple[str, ...], area) -> None:
        self.by_path[path_key(path)].append(area)
        self.by_name[ref_key(path[-1])].append(area)
        self.paths[id(area)] = path

    def __contains__(self, area) -> bool:
        return id(area) in self.paths

    def find(self, ref: str):
        """The area `ref` names by its path, else by its name; None if none.

        Raises Ambiguous when several areas have that path or that name.
        """
        key = ref_key(ref)
        for found in (self.by_path.get(key), self.by_name.get(key)):
            if found and len(found) > 1:
                raise Ambiguous(self.paths[id(found[0])])
            if found:
                return found[0]
        return None

    def ref_for(self, area) -> str:
        """The area's name if that finds it, else its path."""
        path = self.paths[id(area)]
        try:
            if self.find(path[-1]) is area:
                return path[-1]
        except Ambiguous:
            pass
        return path_text(path)
