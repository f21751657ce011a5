"""Test data built in code: plans of any size, periods, sheets."""

from __future__ import annotations

import datetime
import importlib

from django.db.models import Model
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
from surveys.models import SurveySheet
from surveys.workflow import open_period

AREAS = ["行政サービスの向上", "財政運営の健全化"]
# title, division, indicator, its baseline and target, schedule activity; the
# divisions are not the seed's, so a small plan's staff see their items only.
ITEMS = [
    ("窓口サービスの改善", "窓口課", "窓口満足度", "80%", "90%", "番号案内の導入"),
    ("施設予約のオンライン化", "施設予約課", "オンライン予約の割合", "30%", "60%", "予約システムの更新"),
    ("使用料の見直し", "料金企画課", "見直した使用料の数", "0件", "12件", "算定方法の検討"),
]  # fmt: skip


# The scales the migrations give 小平市 (plans 0002), for other cities of the tests.
REFERENCE_SCALES = importlib.import_module(
    "plans.migrations.0002_seed_rating_scales"
).SCALES
SLUGS = {"小平市": "kodaira", "テスト市": "test-city"}


def make_city(name: str = "テスト市", slug: str | None = None) -> City:
    """The city named `name`, made with the reference scales (sab, status4) if new."""
    slug = slug or SLUGS.get(name) or f"city-{City.objects.count() + 1}"
    city, created = City.objects.get_or_create(name=name, defaults={"slug": slug})
    for code, scale_name, grades in REFERENCE_SCALES:
        scale, new = RatingScale.objects.get_or_create(
            city=city, code=code, defaults={"name": scale_name}
        )
        if new:
            Grade.objects.bulk_create(
                Grade(scale=scale, code=grade, label=label, description=description,
                      colour=colour, reason_required=reason, order=order)
                for order, (grade, label, description, colour, reason) in enumerate(grades, 1)
            )  # fmt: skip
    return city


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

    The plan is the city's named `city` (made if new, see make_city). The
    items are spread over `areas` areas (one or two) and named after
    ITEMS, item 1 first ("窓口サービスの改善" of 窓口課). A plan rated per item
    uses the S/A/B scale; one rated per schedule row, the ◎/○/△/× scale.
    Other Plan fields (cadence, sheet_fields, previous_plan) go in `fields`.
    """
    scale = "sab" if rated_per == Plan.RatingTarget.ITEM else "status4"
    owner = make_city(city)
    plan = Plan.objects.create(
        city=owner,
        name=name,
        first_fiscal_year=first_fiscal_year,
        last_fiscal_year=last_fiscal_year,
        rating_scale=RatingScale.objects.get(city=owner, code=scale),
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


def make_kodaira_plan(name: str, *, first_fiscal_year: int, **fields) -> Plan:
    """Another plan of the seed's city (小平市): one item, four fiscal years from
    `first_fiscal_year`; other Plan fields (previous_plan) go in `fields`."""
    return make_plan(
        items=1,
        city="小平市",
        name=name,
        first_fiscal_year=first_fiscal_year,
        last_fiscal_year=first_fiscal_year + 3,
        **fields,
    )


def _add_item(plan: Plan, area: PolicyArea, k: int) -> Item:
    """Item k, from ITEMS in turn; past the last, its titles end in (k)."""
    title, division, indicator, baseline, target, activity = ITEMS[(k - 1) % len(ITEMS)]
    suffix = f"（{k}）" if k > len(ITEMS) else ""
    item = Item.objects.create(
        plan=plan, area=area, number=str(k), title=title + suffix, order=k
    )
    ItemDivision.objects.create(
        item=item,
        division=Division.objects.get_or_create(city=plan.city, name=division)[0],
    )
    Indicator.objects.create(
        item=item,
        marker="①",
        name=indicator,
        baseline_text=baseline,
        target_text=target,
        order=1,
    )
    ScheduleRow.objects.create(
        item=item,
        activity=activity + suffix,
        years={str(year): "実施" for year in plan.fiscal_years},
        order=1,
    )
    return item


def scaled_copy(
    plan: Plan,
    factor: int,
    *,
    city: City | None = None,
    share_divisions: bool = False,
) -> Plan:
    """A new plan holding `factor` copies of everything in `plan`.

    Each copy has its own areas, items, sub-items, re-listings, divisions,
    indicators, values, schedule rows and sheets, so the new plan is `factor`
    times the size of the original in every table a page reads. Given a
    `city`, the plan, its divisions and a copy of its rating scale are that
    city's. With `share_divisions` (in the plan's own city), the copies' items
    are led by the plan's divisions, as a city's one set of divisions leads
    however many items its plan has.
    """
    city = city or plan.city
    grades = {}
    if city != plan.city:
        (scale,) = _save_copies([plan.rating_scale], city=city).values()
        grades = _save_copies(list(plan.rating_scale.grades.all()), scale=scale)
    new = _copy(
        plan,
        name=f"{plan.name} ×{factor}",
        city=city,
        rating_scale=scale if grades else plan.rating_scale,
    )
    new.save()
    period_copies = _save_copies(list(plan.periods.all()), plan=new)
    areas = list(plan.areas.order_by("order"))
    items = list(plan.items.order_by("order"))
    links = list(ItemDivision.objects.filter(item__plan=plan))
    divisions = list(Division.objects.filter(pk__in={li.division_id for li in links}))
    indicators = list(Indicator.objects.filter(item__plan=plan))
    values = list(IndicatorValue.objects.filter(indicator__item__plan=plan))
    rows = list(ScheduleRow.objects.filter(item__plan=plan))
    sheets = list(SurveySheet.objects.filter(item__plan=plan))
    for k in range(factor):
        area_copies = _save_copies(
            areas,
            plan=new,
            name=lambda area: f"{area.name} ({k + 1})",
            order=lambda area: k * 100 + area.order,
        )
        _point_at_copies(area_copies, "parent")
        item_copies = _save_copies(
            items,
            plan=new,
            area=lambda item: area_copies[item.area_id],
            number=lambda item: f"{k + 1}.{item.number}",
            order=lambda item: k * 1000 + item.order,
        )
        _point_at_copies(item_copies, "parent", "relisted_from")
        division_copies = (
            {d.pk: d for d in divisions}
            if share_divisions and city == plan.city
            else _save_copies(
                divisions,
                city=city,
                name=lambda division: f"{division.name} ({new.pk}-{k + 1})",
            )
        )
        _save_copies(
            links,
            item=lambda link: item_copies[link.item_id],
            division=lambda link: division_copies[link.division_id],
        )
        indicator_copies = _save_copies(
            indicators, item=lambda indicator: item_copies[indicator.item_id]
        )
        _save_copies(
            values,
            indicator=lambda value: indicator_copies[value.indicator_id],
            period=lambda value: period_copies[value.period_id],
        )
        _save_copies(rows, item=lambda row: item_copies[row.item_id])
        _save_copies(
            sheets,
            item=lambda sheet: item_copies[sheet.item_id],
            period=lambda sheet: period_copies[sheet.period_id],
            **_regraded(grades),
        )
    return new


def _regraded(grades: dict[int, Grade]) -> dict:
    """Changes that rate copied sheets with the copied grades, if the scale was copied."""
    if not grades:
        return {}
    return {
        field: lambda sheet, field=field: grades.get(getattr(sheet, f"{field}_id"))
        for field in ("division_grade", "hq_grade")
    }


def _copy(original: Model, **changes) -> Model:
    """An unsaved copy of `original`: its field values but the unique ones and `changes`.

    A unique field left out (the primary key, an item's key) takes its default.
    """
    values = {
        field.attname: getattr(original, field.attname)
        for field in original._meta.concrete_fields
        if not field.unique and field.name not in changes
    }
    return type(original)(**values, **changes)


def _save_copies(originals: list[Model], **changes) -> dict[int, Model]:
    """Save a copy of each original in one query; map each original's pk to its copy.

    A change is a value, or a function that gives the value for an original.
    """
    if not originals:
        return {}
    copies = type(originals[0]).objects.bulk_create(
        _copy(
            row, **{name: c(row) if callable(c) else c for name, c in changes.items()}
        )
        for row in originals
    )
    return dict(zip([row.pk for row in originals], copies, strict=True))


def _point_at_copies(copies: dict[int, Model], *fields: str) -> None:
    """Point links within one table (an item's parent) from the originals to the copies."""
    rows = list(copies.values())
    for row in rows:
        for name in fields:
            setattr(row, name, copies.get(getattr(row, f"{name}_id")))
    if rows:
        type(rows[0]).objects.bulk_update(rows, fields)


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
    texts = dict.fromkeys(
        ["plan_text", "done_text", "next_text", "division_reason", "hq_reason"], text
    )
    SurveySheet.objects.bulk_create(
        SurveySheet(
            item=item, period=period, division_grade=grade, hq_grade=grade, **texts
        )
        for item in plan.items.filter(relisted_from=None)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, period=period, text=text)
        for indicator in Indicator.objects.filter(item__plan=plan)
    )
    return period


def add_published_period(
    plan: Plan,
    *,
    fiscal_year: int = 2018,
    text: str = "実施",
    grade_code: str | None = None,
) -> Period:
    """A published first half (FY2018: the seed's second results), every sheet saying `text`."""
    return add_period(
        plan,
        fiscal_year=fiscal_year,
        state=Period.State.PUBLISHED,
        text=text,
        grade_code=grade_code,
    )


def open_period_for_two_weeks(
    plan: Plan,
    *,
    by,
    fiscal_year: int = 2018,
    half: str = Period.Half.FIRST,
    **options,
) -> Period:
    """A period opened by HQ (`by`) as the workflow opens it, due two weeks ahead
    (FY2018 first half: the seed's open period); `options` go to open_period."""
    return open_period(
        plan=plan,
        fiscal_year=fiscal_year,
        half=half,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        by=by,
        **options,
    )
