"""Load seed 002: Kodaira City's 4th plan (FY2021–FY2024), the one after seed 000.

Two data files: the plan as seed 002 gives it (areas and items; its divisions,
indicators and schedule were lost in the PDF's extraction) and the items of the
3rd plan that its items continue. Each file's `notes` say how it was made.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from plans.models import City
from plans.models import Item
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
NEXT_PLAN_PATH = FIXTURES / "kodaira-4th-plan.json"
LINEAGE_PATH = FIXTURES / "kodaira-lineage-3rd-to-4th.json"


class SeedRefused(Exception):
    """The seed cannot be loaded as it stands; the message says why."""


def load_next_plan(
    *, path: Path = NEXT_PLAN_PATH, lineage_path: Path = LINEAGE_PATH
) -> Plan | None:
    """Create the 4th plan, its items linked to the 3rd plan's they continue.

    Returns None, changing nothing, if the plan is already there. Refuses
    (SeedRefused) when the previous plan is not loaded (run load_seed first)
    or when the lineage file does not match the two plans.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    lineage = json.loads(lineage_path.read_text(encoding="utf-8"))
    spec = data["plan"]
    with transaction.atomic():
        city = City.objects.get(slug=spec["city"])
        if Plan.objects.filter(city=city, name=spec["name"]).exists():
            return None
        previous = Plan.objects.filter(city=city, name=spec["previous_plan"]).first()
        if previous is None:
            raise SeedRefused(
                f"{spec['name']} follows {spec['previous_plan']}, which is not "
                "loaded: load seed 000 first (load_seed)."
            )
        if (lineage["plan"], lineage["previous_plan"]) != (spec["name"], previous.name):
            raise SeedRefused(f"{lineage_path.name} links other plans.")
        plan = Plan.objects.create(
            city=city,
            name=spec["name"],
            first_fiscal_year=spec["first_fiscal_year"],
            last_fiscal_year=spec["last_fiscal_year"],
            rating_scale=RatingScale.objects.get(city=city, code=spec["rating_scale"]),
            previous_plan=previous,
        )
        areas = {
            area["number"]: PolicyArea.objects.create(
                plan=plan, number=area["number"], name=area["name"], order=order
            )
            for order, area in enumerate(data["areas"], start=1)
        }
        forebears = _forebears(data["items"], lineage, previous)
        for order, record in enumerate(data["items"], start=1):
            Item.objects.create(
                plan=plan,
                area=areas[record["area"]],
                number=record["number"],
                title=record["title"],
                purpose=record["purpose"],
                content=record["content"],
                carried_from=forebears.get(record["number"]),
                order=order,
            )
    return plan


def _forebears(records: list[dict], lineage: dict, previous: Plan) -> dict[str, Item]:
    """The previous plan's item each new item continues, by the new item's number.

    Both titles of each match must be the plans' own, so that a renumbering
    of either plan cannot silently link the wrong items.
    """
    titles = {record["number"]: record["title"] for record in records}
    earlier = {item.number: item for item in previous.items.all()}
    found = {}
    for match in lineage["matches"]:
        number, before = match["number"], earlier.get(match["previous_number"])
        if titles.get(number) != match["title"] or (
            before is None or before.title != match["previous_title"]
        ):
            raise SeedRefused(
                f"No.{number} ← No.{match['previous_number']}: the titles in the "
                "lineage file are not the plans' titles."
            )
        found[number] = before
    return found
