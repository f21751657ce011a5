"""Load seed 000: Kodaira City's 3rd plan with its FY2017 year-end survey."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from plans.models import City
from plans.models import Division
from plans.models import Grade
from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from plans.models import ScheduleRow
from reformtracker.lib.text import clean
from reformtracker.lib.text import join_japanese
from reformtracker.lib.text import parse_quantity
from surveys.models import SurveySheet

SEED_PATH = Path(settings.BASE_DIR) / "fixtures" / "kodaira-3rd-plan-fy2017.json"
CITY = "小平市"
CITY_SLUG = "kodaira"
PLAN_NAME = "第3次行財政再構築プラン"
FIRST_YEAR, LAST_YEAR = 2017, 2020
SURVEY_YEAR = 2017
BASELINE_AS_OF = datetime.date(2017, 3, 31)
SCHEDULE_YEARS = {
    "平成29年度": 2017,
    "平成30年度": 2018,
    "平成31年度": 2019,
    "平成32年度": 2020,
}
_FORMER = re.compile(r"^(?P<name>[^(（]+)[(（]旧(?P<former>[^)）]+)[)）]$")


def load_seed(path: Path = SEED_PATH) -> Plan | None:
    """Create the seed plan; return None, changing nothing, if it is already there.

    The city and its S/A/B scale are made by the migrations (plans 0002, 0011).
    """
    records = _joined(json.loads(path.read_text(encoding="utf-8")))
    with transaction.atomic():
        city = City.objects.get(slug=CITY_SLUG)
        if Plan.objects.filter(city=city, name=PLAN_NAME).exists():
            return None
        scale = RatingScale.objects.get(city=city, code="sab")
        plan = Plan.objects.create(
            city=city,
            name=PLAN_NAME,
            first_fiscal_year=FIRST_YEAR,
            last_fiscal_year=LAST_YEAR,
            rating_scale=scale,
            cadence=Plan.Cadence.HALF_YEARLY,
        )
        period = Period.objects.create(
            plan=plan,
            fiscal_year=SURVEY_YEAR,
            half=Period.Half.SECOND,
            state=Period.State.PUBLISHED,
            published_at=timezone.now(),
        )
        grades = {g.code: g for g in Grade.objects.filter(scale=scale)}
        areas: dict[str, PolicyArea] = {}
        items: dict[str, Item] = {}
        for order, record in enumerate(records, start=1):
            area_name = record["policy_area"]
            if area_name not in areas:
                areas[area_name] = PolicyArea.objects.create(
                    plan=plan, name=area_name, order=len(areas) + 1
                )
            item = _create_item(plan, areas[area_name], items, record, order)
            items[item.number] = item
            _create_indicators(item, period, record["indicators"])
            _create_schedule(item, record["schedule_rows"])
            if record["has_sheet"]:
                _create_sheet(item, period, grades, record)
    return plan


def _joined(value):
    """The records with every text's PDF-extraction spaces removed (join_japanese)."""
    if isinstance(value, str):
        return join_japanese(value)
    if isinstance(value, list):
        return [_joined(v) for v in value]
    if isinstance(value, dict):
        return {key: _joined(v) for key, v in value.items()}
    return value


def _create_item(
    plan: Plan, area: PolicyArea, items: dict[str, Item], record: dict, order: int
) -> Item:
    item = Item.objects.create(
        plan=plan,
        area=area,
        parent=items[record["parent"]] if record["parent"] else None,
        number=record["number"],
        title=record["title"],
        purpose=record["purpose"],
        is_new="新規" in record["tags"],
        is_follow_up="フォローアップ" in record["tags"],
        relisted_from=items[record["relisted_from"]]
        if record["relisted_from"]
        else None,
        order=order,
    )
    for position, name in enumerate(record["divisions"], start=1):
        ItemDivision.objects.create(
            item=item, division=_division(plan.city, name), order=position
        )
    return item


def _division(city: City, written: str) -> Division:
    """Find or create the city's division of "市民課(旧市民相談課)", noting its former name."""
    match = _FORMER.match(written)
    name, former = (match["name"], match["former"]) if match else (written, "")
    division, _ = Division.objects.get_or_create(city=city, name=name)
    known = [n for n in division.former_names.split("、") if n]
    if former and former not in known:
        division.former_names = "、".join([*known, former])
        division.save(update_fields=["former_names"])
    return division


def _create_indicators(item: Item, period: Period, rows: list[dict]) -> None:
    for order, row in enumerate(rows, start=1):
        baseline, target, actual = (
            clean(row[k]) for k in ("baseline", "target", "actual")
        )
        baseline_value, baseline_unit = parse_quantity(baseline)
        target_value, target_unit = parse_quantity(target)
        indicator = Indicator.objects.create(
            item=item,
            marker=row["marker"],
            name=row["name"],
            unit=baseline_unit or target_unit,
            baseline_text=baseline,
            baseline_value=baseline_value,
            baseline_as_of=BASELINE_AS_OF,
            target_text=target,
            target_value=target_value,
            order=order,
        )
        if actual:
            IndicatorValue.objects.create(
                indicator=indicator,
                period=period,
                text=actual,
                value=parse_quantity(actual)[0],
            )


def _create_schedule(item: Item, rows: list[dict]) -> None:
    order = 0
    for row in rows:
        years = {
            str(year): clean(row[label])
            for label, year in SCHEDULE_YEARS.items()
            if clean(row[label])
        }
        if row["content"] or years:
            order += 1
            ScheduleRow.objects.create(
                item=item, activity=row["content"], years=years, order=order
            )


def _create_sheet(
    item: Item, period: Period, grades: dict[str, Grade], record: dict
) -> None:
    SurveySheet.objects.create(
        item=item,
        period=period,
        state=SurveySheet.State.ACCEPTED,
        plan_text=record["plan_text"],
        done_text=record["done_text"],
        next_text=record["next_text"],
        division_grade=grades.get(record["rating_division"] or ""),
        division_reason=record["comment_division"],
        hq_grade=grades.get(record["rating_hq"] or ""),
        hq_reason=record["comment_hq"],
    )
