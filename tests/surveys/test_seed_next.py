"""Seed 002: Kodaira's 4th plan, its items linked to the 3rd plan's they continue."""

import io
import json

import pytest
from django.core import serializers
from django.core.management import call_command

from plans.models import Indicator
from plans.models import Item
from plans.models import ItemDivision
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import ScheduleRow
from surveys.seed_next import LINEAGE_PATH
from surveys.seed_next import SeedRefused
from surveys.seed_next import load_next_plan

LINEAGE = json.loads(LINEAGE_PATH.read_text(encoding="utf-8"))
NEXT_PLAN = "第4次行財政再構築プラン"


def snapshot() -> str:
    return "".join(
        serializers.serialize("json", model.objects.order_by("pk"))
        for model in (Plan, PolicyArea, Item)
    )


def test_next_plan_has_the_seeds_four_areas_and_33_items(next_plan, seed_plan):
    assert (next_plan.first_fiscal_year, next_plan.last_fiscal_year) == (2021, 2024)
    assert next_plan.rating_scale == seed_plan.rating_scale
    assert next_plan.previous_plan == seed_plan
    assert [(a.number, a.name, a.items.count()) for a in next_plan.areas.all()] == [
        ("1", "地域資源によるサービスの実現", 9),
        ("2", "将来に向けた財政運営・財産活用", 6),
        ("3", "運営・業務執行体制の効率化", 10),
        ("4", "職員と職場の活性化", 8),
    ]
    assert list(next_plan.items.values_list("number", flat=True)) == [
        str(n) for n in range(1, 34)
    ]


def test_next_plan_keeps_sentences_and_bullets_on_lines_of_their_own(next_plan):
    item = next_plan.items.get(number="2")
    assert item.purpose == (
        "より多様な意見を収集できるよう、市民が気軽に参加でき、広く意見を収集するための工夫を行う。\n"
        "SNS等を活用した新たな双方向コミュニケーションの推進を図る。"
    )
    assert next_plan.items.get(number="9").content.splitlines() == [
        "多様な寄附方法の研究、ふるさと納税返礼品の検討",
        "新たなクラウドファンディングの検討",
        "ネーミングライツの研究",
        "ソーシャルインパクトボンドの研究",
    ]
    assert next_plan.items.get(number="33").content.splitlines() == [
        "・ポスト配置の適正化の検討",
        "・現行の職制のあり方を見直しの検討",
    ]
    # No markup or extraction space is left in any text.
    for item in next_plan.items.all():
        assert "<" not in item.content and " " not in item.purpose + item.content


def test_exactly_the_lineage_files_items_continue_the_3rd_plan(next_plan, seed_plan):
    linked = next_plan.items.exclude(carried_from=None).select_related(
        "carried_from__plan"
    )
    assert {i.number: (i.carried_from.plan, i.carried_from.number) for i in linked} == {
        m["number"]: (seed_plan, m["previous_number"]) for m in LINEAGE["matches"]
    }


@pytest.mark.parametrize("entries", ["matches", "not_linked"])
def test_lineage_file_names_the_plans_items_by_their_titles(
    next_plan, seed_plan, entries
):
    for entry in LINEAGE[entries]:
        assert next_plan.items.get(number=entry["number"]).title == entry["title"]
        previous = seed_plan.items.get(number=entry["previous_number"])
        assert previous.title == entry["previous_title"]


def test_next_plan_has_nothing_the_extraction_lost(next_plan):
    """No divisions, indicators, schedule, periods or tags: the seed has none."""
    items = next_plan.items.all()
    assert not ItemDivision.objects.filter(item__in=items).exists()
    assert not Indicator.objects.filter(item__in=items).exists()
    assert not ScheduleRow.objects.filter(item__in=items).exists()
    assert not next_plan.periods.exists()
    assert not items.filter(is_new=True).exists()
    assert not items.filter(is_follow_up=True).exists()


def test_loading_the_next_plan_twice_changes_nothing(next_plan):
    before = snapshot()
    assert load_next_plan() is None
    assert snapshot() == before


def test_the_next_plan_needs_the_3rd_plan(seed_plan):
    Plan.objects.filter(pk=seed_plan.pk).update(name="第3次（改称）")
    with pytest.raises(SeedRefused, match="load_seed"):
        load_next_plan()
    assert not Plan.objects.filter(name=NEXT_PLAN).exists()


def test_a_lineage_file_naming_other_titles_is_refused(seed_plan, tmp_path):
    drifted = json.loads(json.dumps(LINEAGE))
    drifted["matches"][0]["previous_title"] = "別の取組"
    path = tmp_path / "lineage.json"
    path.write_text(json.dumps(drifted, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SeedRefused, match="titles"):
        load_next_plan(lineage_path=path)
    assert not Plan.objects.filter(name=NEXT_PLAN).exists()


def run_load_seed(*args) -> str:
    out = io.StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue()


def test_load_seed_loads_both_plans_then_nothing(seed_plan):
    # The session's 3rd plan (with survey data, so it cannot be deleted) moves
    # out of the way under another name.
    Plan.objects.filter(pk=seed_plan.pk).update(name="第3次（退避）")
    assert run_load_seed().splitlines() == [
        "Loaded 小平市 第3次行財政再構築プラン: 60 items.",
        f"Loaded 小平市 {NEXT_PLAN}: 33 items, "
        f"{len(LINEAGE['matches'])} continuing the previous plan's.",
    ]
    fourth = Plan.objects.get(name=NEXT_PLAN)
    assert fourth.previous_plan == Plan.objects.get(name="第3次行財政再構築プラン")
    linked = fourth.items.filter(carried_from__plan=fourth.previous_plan)
    assert linked.count() == len(LINEAGE["matches"])
    before = snapshot()
    assert run_load_seed() == "The seed plans are already loaded; nothing changed.\n"
    assert snapshot() == before


def test_load_seed_dry_run_writes_nothing(seed_plan):
    before = snapshot()
    assert run_load_seed("--dry-run").startswith(f"Would load 小平市 {NEXT_PLAN}: 33")
    assert snapshot() == before


def test_the_demo_opens_no_period_of_the_next_plan(seed_plan, next_plan, settings):
    """bin/demo runs load_demo after load_seed: the 4th plan has no divisions."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    opened = seed_plan.periods.get(state="open")
    # The half after the seed's FY2017 year-end survey.
    assert (opened.fiscal_year, opened.half) == (2018, "first")
    assert not next_plan.periods.exists()
