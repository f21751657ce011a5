"""Browser tests: Playwright driving the system's Chromium, headless, on loopback."""

import os
import shutil

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page

from plans.models import Membership
from tests.conftest import create_reference_data
from tests.conftest import make_user
from tests.factories import make_plan

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


def session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }


@pytest.fixture
def page_as(browser, live_server):
    """`page_as(user, **options)`: a page in a browser context of its own (made
    with `options`), logged in as `user`, or as nobody for None."""

    def new_page(user, **options) -> Page:
        context = browser.new_context(**options)
        if user:
            context.add_cookies([session_cookie(user, live_server)])
        return context.new_page()

    return new_page


@pytest.fixture
def small_plan(transactional_db):
    """The only plan in the database: one item of 窓口課, its indicator and schedule row.

    The first transactional test of a session still finds the seed plan loaded
    for the plain tests: the tables are emptied first, as a transactional test
    leaves them, so the browser sees this plan alone whatever ran before.
    """
    call_command("flush", interactive=False, verbosity=0)
    create_reference_data()
    plan = make_plan(items=1)
    make_user("madoguchi", divisions=["窓口課"], city="テスト市", last_name="窓口 花子")
    make_user("hq", role=Membership.Role.HQ, city="テスト市", last_name="行革 太郎")
    return plan
