"""Test data built in code: plans of any size, periods, sheets."""

from __future__ import annotations

from plans.models import Division
from plans.models import Indicator
from plans.models import IndicatorValue
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from plans.models import ScheduleRow
from surveys.models import SurveySheet

AREAS = ["行政サービスの向上", "財政運営の健全化"]
# title, division, indicator, its baseline and target, schedule activity; the
# divisions are not the seed's, so a small plan's staff see their items only.
ITEMS = [
    ("窓口サービスの改善", "窓口課", "窓口満足度", "80%", "90%", "番号案内の導入"),
    ("施設予約のオンライン化", "施設予約課", "オンライン予約の割合", "30%", "60%", "予約システムの更新"),
    ("使用料の見直し", "料金企画課", "見直した使用料の数", "0件", "12件", "算定方法の検討"),
]  # fmt: skip


def make_plan(
    *,
    items: int = 3,
    areas: int = 1,
    rated_per: str = Plan.RatingTarget.ITEM,
    second_round: bool = True,
    numbered: bool = True,
    city: str = "テスト市",
    name: str = "行財政改革プラン",
    first_fiscal_year: int = 2024,
    last_fiscal_year: int = 2027,
    **fields,
) -> Plan:
    """A small plan: `items` items, each with a division, an indicator and a schedule row.

    The items are spread over `areas` areas (one or two) and named after
    ITEMS, item 1 first ("窓口サービスの改善" of 窓口課). A plan rated per item
    uses the S/A/B scale; one rated per schedule row, the ◎/○/△/× scale.
    Other Plan fields (cadence, sheet_fields, previous_plan) go in `fields`.
    """
    scale = "sab" if rated_per == Plan.RatingTarget.ITEM else "status4"
    plan = Plan.objects.create(
        city=city,
        name=name,
        first_fiscal_year=first_fiscal_year,
        last_fiscal_year=last_fiscal_year,
        rating_scale=RatingScale.objects.get(code=scale),
        rating_target=rated_per,
        second_round=second_round,
        numbered_items=numbered,
        **fields,
    )
    area_list = [
        PolicyArea.objects.create(plan=plan, name=area_name, order=order)
        for order, area_name in enumerate(AREAS[:areas], start=1)
    ]
    for k in range(1, items + 1):
        _add_item(plan, area_list[(k - 1) * areas // items], k)
    return plan


def _add_item(plan: Plan, area: PolicyArea, k: int) -> Item:
    """Item k, from ITEMS in turn; past the last, its titles end in (k)."""
    title, division, indicator, baseline, target, activity = ITEMS[(k - 1) % len(ITEMS)]
    suffix = f"（{k}）" if k > len(ITEMS) else ""
    item = Item.objects.create(
        plan=plan, area=area, number=str(k), title=title + suffix, order=k
    )
    ItemDivision.objects.create(
        item=item, division=Division.objects.get_or_create(name=division)[0]
    )
    Indicator.objects.create(
        item=item,
        marker="①",
        name=indicator,
        baseline_text=baseline,
        target_text=target,
    )
    ScheduleRow.objects.create(
        item=item,
        activity=activity + suffix,
        years={str(year): "実施" for year in plan.fiscal_years},
    )
    return item


def scaled_copy(plan: Plan, factor: int) -> Plan:
    """A new plan holding `factor` copies of everything in `plan`.

    Each copy has its own areas, items, sub-items, re-listings, divisions,
    indicators, values, schedule rows and sheets, so the new plan is `factor`
    times the size of the original in every table a page reads.
    """
    new = Plan.objects.create(
        city=plan.city,
        name=f"{plan.name} ×{factor}",
        first_fiscal_year=plan.first_fiscal_year,
        last_fiscal_year=plan.last_fiscal_year,
        rating_scale=plan.rating_scale,
        cadence=plan.cadence,
    )
    periods = {
        p.pk: Period.objects.create(
            plan=new,
            fiscal_year=p.fiscal_year,
            half=p.half,
            state=p.state,
            deadline=p.deadline,
            published_at=p.published_at,
        )
        for p in plan.periods.all()
    }
    areas = list(plan.areas.order_by("order"))
    items = list(plan.items.order_by("order"))
    links = list(ItemDivision.objects.filter(item__plan=plan))
    indicators = list(Indicator.objects.filter(item__plan=plan))
    values = list(IndicatorValue.objects.filter(indicator__item__plan=plan))
    rows = list(ScheduleRow.objects.filter(item__plan=plan))
    sheets = list(SurveySheet.objects.filter(item__plan=plan))
    divisions = {link.division_id: link.division for link in links}
    for k in range(factor):
        area_map = dict(
            zip(
                [a.pk for a in areas],
                PolicyArea.objects.bulk_create(
                    PolicyArea(
                        plan=new, name=f"{a.name} ({k + 1})", order=k * 100 + a.order
                    )
                    for a in areas
                ),
                strict=True,
            )
        )
        item_map = dict(
            zip(
                [i.pk for i in items],
                Item.objects.bulk_create(
                    Item(
                        plan=new,
                        area=area_map[i.area_id],
                        number=f"{k + 1}.{i.number}",
                        title=i.title,
                        purpose=i.purpose,
                        is_new=i.is_new,
                        is_follow_up=i.is_follow_up,
                        order=k * 1000 + i.order,
                    )
                    for i in items
                ),
                strict=True,
            )
        )
        for i in items:
            copy = item_map[i.pk]
            copy.parent = item_map.get(i.parent_id)
            copy.relisted_from = item_map.get(i.relisted_from_id)
        Item.objects.bulk_update(item_map.values(), ["parent", "relisted_from"])
        division_map = dict(
            zip(
                divisions,
                Division.objects.bulk_create(
                    Division(name=f"{d.name} ({new.pk}-{k + 1})")
                    for d in divisions.values()
                ),
                strict=True,
            )
        )
        ItemDivision.objects.bulk_create(
            ItemDivision(
                item=item_map[link.item_id],
                division=division_map[link.division_id],
                order=link.order,
            )
            for link in links
        )
        indicator_map = dict(
            zip(
                [i.pk for i in indicators],
                Indicator.objects.bulk_create(
                    Indicator(
                        item=item_map[i.item_id],
                        marker=i.marker,
                        name=i.name,
                        unit=i.unit,
                        baseline_text=i.baseline_text,
                        target_text=i.target_text,
                        order=i.order,
                    )
                    for i in indicators
                ),
                strict=True,
            )
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator_map[v.indicator_id],
                period=periods[v.period_id],
                text=v.text,
                value=v.value,
            )
            for v in values
        )
        ScheduleRow.objects.bulk_create(
            ScheduleRow(
                item=item_map[r.item_id],
                activity=r.activity,
                years=r.years,
                order=r.order,
            )
            for r in rows
        )
        SurveySheet.objects.bulk_create(
            SurveySheet(
                item=item_map[s.item_id],
                period=periods[s.period_id],
                state=s.state,
                plan_text=s.plan_text,
                done_text=s.done_text,
                next_text=s.next_text,
                division_grade_id=s.division_grade_id,
                division_reason=s.division_reason,
                hq_grade_id=s.hq_grade_id,
                hq_reason=s.hq_reason,
            )
            for s in sheets
        )
    return new


def add_period(
    plan: Plan,
    *,
    fiscal_year: int,
    half: str = Period.Half.FIRST,
    state: str = Period.State.OPEN,
    text: str = "",
    grade_code: str | None = None,
) -> Period:
    """A period in which every item with a sheet gets one saying `text`."""
    period = Period.objects.create(
        plan=plan, fiscal_year=fiscal_year, half=half, state=state
    )
    grade = plan.rating_scale.grades.get(code=grade_code) if grade_code else None
    items = plan.items.filter(relisted_from=None)
    SurveySheet.objects.bulk_create(
        SurveySheet(
            item=item,
            period=period,
            plan_text=text,
            done_text=text,
            next_text=text,
            division_grade=grade,
            division_reason=text,
            hq_grade=grade,
            hq_reason=text,
        )
        for item in items
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, period=period, text=text)
        for indicator in Indicator.objects.filter(item__plan=plan)
    )
    return period
