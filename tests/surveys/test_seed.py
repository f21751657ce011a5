from django.core import serializers

from plans.models import Division
from plans.models import Indicator
from plans.models import Item
from plans.models import Period
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import ScheduleRow
from surveys.models import SurveySheet
from surveys.seed import load_seed


def snapshot() -> str:
    models = [
        Plan,
        PolicyArea,
        Division,
        Item,
        Indicator,
        ScheduleRow,
        Period,
        SurveySheet,
    ]
    return "".join(
        serializers.serialize("json", m.objects.order_by("pk")) for m in models
    )


def test_seed_builds_the_whole_plan(seed_plan):
    items = seed_plan.items
    assert [a.name for a in seed_plan.areas.all()] == [
        "地域協働の推進",
        "情報の共有と双方向のコミュニケーション",
        "PDCAサイクルの構築",
        "財政基盤の強化",
        "執行体制の再構築",
    ]
    assert items.filter(parent=None).count() == 43
    assert items.exclude(parent=None).count() == 17
    assert items.get(number="29").relisted_from.number == "15"
    assert items.get(number="41").relisted_from.number == "7"
    assert set(items.get(number="4").sub_items.values_list("number", flat=True)) == {
        "4-1",
        "4-2",
    }
    assert SurveySheet.objects.filter(period__plan=seed_plan).count() == 58


def test_seed_period_is_published_fy2017_second_half(seed_plan):
    period = seed_plan.periods.get()
    assert (period.fiscal_year, period.half, period.state) == (
        2017,
        "second",
        "published",
    )


def test_seed_keeps_both_ratings_and_comments(seed_plan):
    sheet = SurveySheet.objects.get(item__plan=seed_plan, item__number="4-1")
    assert (sheet.division_grade.code, sheet.hq_grade.code) == ("B", "B")
    assert sheet.hq_reason.startswith("学校経営協議会の開催については")


def test_seed_keeps_division_order_and_former_names(seed_plan):
    item = seed_plan.items.get(number="1")
    assert [d.name for d in item.division_list] == [
        "市民協働・男女参画推進課",
        "政策課",
        "各所管課",
    ]
    assert Division.objects.get(name="市民課").former_names == "市民相談課"


def test_seed_reads_indicator_numbers(seed_plan):
    indicator = Indicator.objects.get(
        item__plan=seed_plan, item__number="1", marker="①"
    )
    assert (indicator.baseline_value, indicator.unit) == (9855, "人")
    assert indicator.values.get().text == "9,718人"


def test_loading_twice_changes_nothing(seed_plan):
    before = snapshot()
    assert load_seed() is None
    assert snapshot() == before
