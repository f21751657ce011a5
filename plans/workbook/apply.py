"""Writing a checked plan workbook to the database, all of it or nothing.

What exists is matched within the workbook's city (its 自治体 cell): the plan
by name, the rating scale by code, divisions by name; then within the plan
grades by code and areas by path (as typed by hand: 〇 is ○, Ⅰ is I, see
match_key), and items, indicators and schedule rows by their stable keys
(plans.workbook.keys). Another city's rows are never looked at, so two
cities' workbooks with the same names and codes each make their own. So
importing an unchanged
export changes nothing, and a dry run, rolled back, lists exactly what the
confirmation will do.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from plans import stamps
from plans.models import Division
from plans.models import Grade
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from plans.models.plan import TRANSLATED
from plans.workbook.apply_items import ItemImport
from plans.workbook.areas import path_key
from plans.workbook.areas import path_text
from plans.workbook.areas import ref_key
from plans.workbook.areas import tree_paths
from plans.workbook.changes import Changes
from plans.workbook.columns import english_values
from plans.workbook.read import PlanDraft
from plans.workbook.read import WorkbookInvalid
from plans.workbook.removals import remove
from plans.workbook.schema import AREAS
from plans.workbook.schema import DIVISIONS
from plans.workbook.schema import PLAN
from plans.workbook.schema import SCALE
from plans.workbook.sync import sync
from reformtracker.lib.text import match_key


def import_plan(draft: PlanDraft, *, dry_run: bool) -> Changes:
    """Write the draft in one transaction; a dry run rolls it back. All or nothing.

    Raises WorkbookInvalid when the database refuses what the workbook asks,
    such as removing an item that already has survey sheets.
    """
    with transaction.atomic():
        changes = _Importer(draft).run()
        if changes.problems:
            transaction.set_rollback(True)
            raise WorkbookInvalid(changes.problems)
        if dry_run:
            transaction.set_rollback(True)
        elif changes:
            # Written in bulk, past the signals; divisions and grades are the city's.
            stamps.changed(Plan.objects.filter(city=changes.plan.city_id))
    return changes


class _Importer:
    """One import: each step writes a sheet and logs its changes, in an order
    where what a row refers to exists before it."""

    def __init__(self, draft: PlanDraft):
        self.draft = draft
        self.changes = Changes()
        self.city = draft.plan["city"]  # a City, checked by the reader
        self.previous: Plan | None = None  # the plan this one follows, once read

    def run(self) -> Changes:
        scale = self.scale()
        plan = self.plan(scale)
        self.changes.plan = plan
        self.grades(scale)
        divisions = self.divisions()
        areas = self.areas(plan)
        below = ItemImport(self.draft, self.changes, plan, self.previous)
        items = below.items(areas, divisions)
        if self.changes.problems:
            return self.changes
        below.indicators(items)
        below.schedule(items)
        below.remove_items()
        self.remove_areas(areas)
        return self.changes

    # The plan and its scale

    def scale(self) -> RatingScale:
        code, name = self.draft.plan["scale_code"], self.draft.plan["scale_name"]
        existing = {
            s.code: s for s in RatingScale.objects.filter(city=self.city, code=code)
        }
        wanted = {code: {"code": code, "name": name}}
        scales, diffs = sync(RatingScale, existing, wanted, city=self.city)
        self.changes.log(
            SCALE.name, diffs, 1, lambda key: f"{PLAN.header('scale_code')} {key}"
        )
        return scales[code]

    def plan(self, scale: RatingScale) -> Plan:
        p = self.draft.plan
        key = (self.city.name, p["name"])
        existing = {
            key: plan for plan in Plan.objects.filter(city=self.city, name=p["name"])
        }
        self.previous = self.previous_plan()
        wanted = {
            key: {
                "city_id": self.city.pk,
                "name": p["name"],
                "first_fiscal_year": p["first_fiscal_year"],
                "last_fiscal_year": p["last_fiscal_year"],
                "cadence": p["cadence"],
                "rating_scale_id": scale.pk,
                "previous_plan_id": self.previous.pk if self.previous else None,
                "numbered_items": p["numbered_items"],
                "second_round": p["second_round"],
                "rating_target": p["rating_target"],
                "sheet_fields": p["sheet_fields"],
                "item_status_rule": p["item_status_rule"],
                "purpose_label": p["purpose_label"],
                "content_label": p["content_label"],
                "reason_label": p["reason_label"],
                **english_values(p, *TRANSLATED),
            }
        }
        plans, diffs = sync(Plan, existing, wanted)
        names = {
            "rating_scale_id": dict(self.city.rating_scales.values_list("pk", "code")),
            "previous_plan_id": dict(self.city.plans.values_list("pk", "name")),
        }
        self.changes.log(PLAN.name, diffs, 1, lambda key: " ".join(key), names)
        return plans[key]

    def previous_plan(self) -> Plan | None:
        """The plan this one follows: another plan of the city, named in the workbook."""
        p = self.draft.plan
        if not p.get("previous_plan"):
            return None
        previous = self.city.plans.filter(name=p["previous_plan"]).first()
        if previous is None or previous.name == p["name"]:
            self.changes.refuse(
                PLAN.name,
                PLAN.header("previous_plan"),
                _("%(city)s has no other plan named “%(name)s”.")
                % {"city": self.city.name, "name": p["previous_plan"]},
            )
            return None
        return previous

    def grades(self, scale: RatingScale) -> None:
        """The scale's grades, matched by code as typed by hand; a matched code stays as stored."""
        existing = {match_key(g.code): g for g in scale.grades.all()}
        wanted = {}
        for order, g in enumerate(self.draft.grades, start=1):
            key = match_key(g["code"])
            code = existing[key].code if key in existing else g["code"]
            wanted[key] = {
                **g,
                "code": code,
                "order": order,
                **english_values(g, "label", "description"),
            }
        _objects, diffs = sync(Grade, existing, wanted, scale=scale)
        self.changes.log(SCALE.name, diffs, len(wanted))
        # Sheets and schedule statuses rated with a grade protect it.
        remove(
            self.changes,
            SCALE.name,
            SCALE.header("code"),
            [grade for code, grade in existing.items() if code not in wanted],
            refusal=lambda grade: (
                _(
                    "The grade “%(code)s” is not in the workbook but survey sheets use "
                    "it; it cannot be removed."
                )
                % {"code": grade.code}
            ),
            label=lambda grade: grade.code,
        )

    # Divisions and areas

    def divisions(self) -> dict[str, Division]:
        wanted = {
            d["name"]: {
                "name": d["name"],
                "former_names": "、".join(d["former_names"]),
                "active": d["active"],
                **english_values(d, "name"),
            }
            for d in self.draft.divisions
        }
        existing = {
            d.name: d for d in Division.objects.filter(city=self.city, name__in=wanted)
        }
        for name in wanted.keys() - existing.keys():
            wanted[name]["collective"] = Division.looks_collective(name)
        divisions, diffs = sync(Division, existing, wanted, city=self.city)
        self.changes.log(DIVISIONS.name, diffs, len(wanted))
        return divisions

    def areas(self, plan: Plan) -> dict[str, PolicyArea]:
        """The plan's areas by path (as compared), matched to what exists by path.

        Written level by level, each with its parent: names are unique among
        siblings, so an area is never even for a moment at the wrong level.
        An area whose path changed is matched by its name, if no other area
        has it; a name or number that reads the same as stored stays as stored.
        """
        existing = match_moved(area_paths(plan.areas.all()), self.draft.areas)
        areas, diffs = dict(existing), {}
        depth = 0
        while level := [
            (order, a)
            for order, a in enumerate(self.draft.areas, start=1)
            if len(a["path"]) == depth + 1
        ]:
            wanted = {}
            for order, a in level:
                key = path_key(a["path"])
                old = existing.get(key)
                parent = areas[path_key(a["path"][:-1])] if depth else None
                wanted[key] = {
                    "name": old.name if old else a["name"],
                    "number": kept(old.number, a["number"]) if old else a["number"],
                    "order": order,
                    "parent_id": parent.pk if parent else None,
                    **english_values(a, "name"),
                }
            written, level_diffs = sync(PolicyArea, existing, wanted, plan=plan)
            for _order, a in level:
                area = areas[path_key(a["path"])] = written[path_key(a["path"])]
                area.path = a["path"]
            diffs.update(level_diffs)
            depth += 1
        paths = {a.pk: path_text(a.path) for a in areas.values()}
        self.changes.log(
            AREAS.name,
            diffs,
            len(self.draft.areas),
            label=lambda key: paths[areas[key].pk],
            names={"parent_id": paths},
        )
        return areas

    def remove_areas(self, areas) -> None:
        wanted = {path_key(a["path"]) for a in self.draft.areas}
        gone = [area for key, area in areas.items() if key not in wanted]
        PolicyArea.objects.filter(pk__in=[a.pk for a in gone]).delete()
        for area in gone:
            self.changes.add(AREAS.name, path_text(area.path), "delete")


def kept(stored: str, written: str) -> str:
    """The stored value when the workbook's reads the same (II for Ⅱ), else the workbook's."""
    return stored if match_key(stored) == match_key(written) else written


def area_paths(areas) -> dict[str, PolicyArea]:
    """The plan's areas by path (as compared); each gets its `path` of names."""
    areas = list(areas)
    paths = tree_paths(areas)
    for area in areas:
        area.path = paths[area.pk]
    return {path_key(a.path): a for a in areas}


def match_moved(existing: dict, draft_areas: list[dict]) -> dict:
    """`existing` with each area the workbook moves keyed by its new path.

    An area is taken as moved when its path is not in the workbook and its
    name is that of exactly one area of the workbook whose path is new, and
    of no other area left out of it.
    """
    wanted = {path_key(a["path"]): a for a in draft_areas}
    new = [key for key in wanted if key not in existing]
    left = [key for key in existing if key not in wanted]

    def by_name(keys, name_of):
        names = defaultdict(list)
        for key in keys:
            names[ref_key(name_of(key))].append(key)
        return {name: keys[0] for name, keys in names.items() if len(keys) == 1}

    new_names = by_name(new, lambda key: wanted[key]["name"])
    left_names = by_name(left, lambda key: existing[key].name)
    moved = dict(existing)
    for name, key in new_names.items():
        if name in left_names:
            moved[key] = moved.pop(left_names[name])
    return moved
