"""Browser tests: Playwright driving the system's Chromium, headless, on loopback."""

import os
import shutil

import pytest

from plans.models import (
    Division,
    Indicator,
    Item,
    ItemDivision,
    Plan,
    PolicyArea,
    RatingScale,
)
from tests.conftest import make_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Playwright runs an event loop in the test thread even in its sync API.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(
        reason="Chromium is not installed (bin/test installs it with CI=true)"
    )
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # The machine has no network but loopback: keep Chromium from trying.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ja-JP", "timezone_id": "Asia/Tokyo"}


@pytest.fixture
def small_plan(reference_data):
    """One area, one item of 窓口課 with one indicator."""
    plan = Plan.objects.create(
        city="テスト市", name="行財政改革プラン", first_fiscal_year=2024, last_fiscal_year=2027,
        rating_scale=RatingScale.objects.get(code="sab"),
    )  # fmt: skip
    area = PolicyArea.objects.create(plan=plan, name="行政サービスの向上", order=1)
    item = Item.objects.create(
        plan=plan, area=area, number="1", title="窓口サービスの改善", order=1
    )
    division = Division.objects.create(name="窓口課")
    ItemDivision.objects.create(item=item, division=division)
    Indicator.objects.create(
        item=item, marker="①", name="窓口満足度", baseline_text="80%", target_text="90%"
    )
    make_user("madoguchi", divisions=["窓口課"], last_name="窓口 花子")
    make_user("hq", group="行革本部", last_name="行革 太郎")
    return plan
