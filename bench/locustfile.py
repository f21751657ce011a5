"""Simulated users for bench/load.py: citizens reading the public pages, division staff
saving their survey sheets.

    .venv/bin/python bench/load.py            # starts everything and runs this file

bench/load.py starts PostgreSQL and gunicorn, opens a period, creates a staff
account per sheet and hands this file a fixture (BENCH_LOAD_FIXTURE, JSON: the
plan, its areas and item numbers, the staff accounts with their sheets). Every
request is also written to BENCH_LOAD_RESULTS when locust quits, so that
load.py computes exact percentiles and checks the saves against the database.

- Citizens browse the plan list, the plan page (plain and filtered by keyword,
  rating and area), item pages of random items and the CSV open data.
- Division staff log in once, then open their sheet's edit page and save a
  draft with a new D text, again and again. Each has a sheet of their own, so
  no save meets a version conflict by design: anything but the redirect after
  a save (a conflict page, the form shown again with errors, 4xx, 5xx) is a
  failure, and so is an edit page that does not show the previous save.

Both are FastHttpUsers, which leave more of a small machine to the server.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import quote
from urllib.parse import urlencode

from locust import FastHttpUser
from locust import between
from locust import events
from locust import task
from locust.exception import StopUser

with open(os.environ["BENCH_LOAD_FIXTURE"], encoding="utf-8") as fixture_file:
    FIXTURE = json.load(fixture_file)
WAIT = between(*FIXTURE["wait"])
# The plan page as its links give it (/<city>/plans/<pk>/): no redirect on the way.
PLAN = FIXTURE["plan"]
STAFF_SLOTS = list(FIXTURE["staff"])
LOOPBACK = DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))

# Every request, for load.py: (name, start time, response time in ms, error or "").
REQUESTS: list[tuple[str, float, float, str]] = []
# Per sheet: saves sent, saves confirmed by their redirect, the D text of each sent.
SAVES: dict[int, dict] = {}


@events.request.add_listener
def record(name, start_time, response_time, exception, **kwargs):
    REQUESTS.append((name, start_time, response_time, str(exception or "")))


@events.quitting.add_listener
def write_results(**kwargs):
    path = os.environ.get("BENCH_LOAD_RESULTS")
    if path:
        with open(path, "w", encoding="utf-8") as results:
            json.dump({"requests": REQUESTS, "saves": SAVES}, results)


class FormParser(HTMLParser):
    """The fields of each <form> as a browser would submit them (buttons excepted)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._fields = []
            self.forms.append(self._fields)
            return
        if self._fields is None:
            return
        if tag == "option":
            if self._select and "selected" in attrs:
                self._fields.append((self._select, attrs.get("value") or ""))
            return
        name = attrs.get("name")
        if not name:
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    value = attrs.get("value")
                    self._fields.append((name, "on" if value is None else value))
                return
            self._fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = name

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            name, parts = self._textarea
            # Browsers drop the newline that follows <textarea>.
            self._fields.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._fields = None


def form_with(html: str, field: str) -> dict[str, str] | None:
    """The fields of the first form that has `field`, or None."""
    parser = FormParser()
    parser.feed(html)
    for fields in parser.forms:
        if any(name == field for name, _ in fields):
            return dict(fields)
    return None


def form_errors(html: str) -> str:
    """The text of the form's error summary, if the page shows one."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL)
    if not summary:
        return ""
    return " ".join(re.sub(r"<[^>]+>", " ", summary.group()).split())


def check_page(response, kind="text/html") -> None:
    if response.status_code != 200:
        response.failure(f"HTTP {response.status_code}")
    elif kind not in (response.headers.get("Content-Type") or ""):
        response.failure(f"Content-Type {response.headers.get('Content-Type')}")
    elif kind == "text/html" and "</html>" not in (response.text or ""):
        response.failure("truncated page")
    else:
        response.success()


class Citizen(FastHttpUser):
    """Reads the published results; no login."""

    weight = 1
    wait_time = WAIT

    def on_start(self):
        # A first visit: the page's stylesheet, cached by the browser afterwards.
        with self.client.get(
            FIXTURE["stylesheet"], name="static file", catch_response=True
        ) as response:
            check_page(response, "text/css")

    def page(self, path: str, name: str, kind: str = "text/html") -> None:
        # A redirect is a failure: it would count one request for two.
        with self.client.get(
            path, name=name, catch_response=True, allow_redirects=False
        ) as response:
            check_page(response, kind)

    @task(2)
    def plan_list(self):
        self.page("/", "plan list")

    @task(3)
    def plan_page(self):
        self.page(PLAN, "plan page")

    @task(1)
    def plan_search(self):
        self.page(f"{PLAN}?q={quote('推進')}", "plan page ?q=推進")

    @task(1)
    def plan_grade(self):
        self.page(f"{PLAN}?grade=B", "plan page ?grade=B")

    @task(1)
    def plan_area(self):
        area = random.choice(FIXTURE["areas"])
        self.page(f"{PLAN}?area={area}", "plan page ?area=")

    @task(6)
    def item_page(self):
        number = random.choice(FIXTURE["items"])
        self.page(f"{PLAN}items/{quote(number, safe='')}/", "item page")

    @task(1)
    def results_csv(self):
        self.page(f"{PLAN}results.csv", "results.csv", "text/csv")


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class DivisionStaff(FastHttpUser):
    """Logs in once, then keeps saving a draft of the one sheet given to it."""

    fixed_count = len(STAFF_SLOTS)
    wait_time = WAIT

    def on_start(self):
        if not STAFF_SLOTS:
            raise StopUser()
        slot = STAFF_SLOTS.pop(0)
        self.username, self.sheet = slot["username"], slot["sheet"]
        self.edit_url = f"/surveys/sheets/{self.sheet}/edit/"
        self.saved = SAVES.setdefault(
            self.sheet, {"sent": 0, "confirmed": 0, "texts": []}
        )
        self.expected = None  # (version, D text) the edit page must show next
        # Production marks the session and CSRF cookies Secure; browsers send them
        # back to http://127.0.0.1 (a secure context), and so does this user.
        self.client.cookiejar.set_policy(LOOPBACK)
        with self.client.get(
            "/accounts/login/", name="login page", catch_response=True
        ) as response:
            check_page(response)
            form = form_with(response.text or "", "username")
        if not form:
            raise StopUser()
        form.update(username=self.username, password=slot["password"])
        with self.post_form("/accounts/login/", form, "login") as response:
            if response.status_code == 302:
                response.success()
            else:
                # Not again: django-axes locks the account after repeated failures.
                response.failure(f"login refused: HTTP {response.status_code}")
                raise StopUser()

    def post_form(self, url: str, form: dict[str, str], name: str):
        """POST `form` as the browser does; the redirect is left to check."""
        return self.client.post(
            url,
            data=urlencode(form),
            headers=FORM,
            name=name,
            allow_redirects=False,
            catch_response=True,
        )

    @task
    def save_sheet(self):
        with self.client.get(
            self.edit_url, name="sheet edit page", catch_response=True
        ) as response:
            check_page(response)
            form = form_with(response.text or "", "version")
            if form is None:
                response.failure("no sheet form on the edit page")
                return
            shown = (int(form["version"]), form.get("done_text"))
            if self.expected and shown != self.expected:
                response.failure(
                    f"lost save: expected version {self.expected[0]} with our text, "
                    f"the page shows version {shown[0]}"
                )
                self.expected = None
                return
        text = f"負荷試験 {self.username}: {self.saved['sent'] + 1}回目の保存 ({time.time():.3f})"
        form.update(done_text=text, action="save")
        self.saved["sent"] += 1
        self.saved["texts"].append(text)
        with self.post_form(self.edit_url, form, "sheet save") as response:
            location = response.headers.get("Location") or ""
            if response.status_code == 302 and location.endswith(self.edit_url):
                response.success()
                self.saved["confirmed"] += 1
                self.expected = (shown[0] + 1, text)
            else:
                # 409 is a version conflict; 200 is the form shown again with errors.
                errors = form_errors(response.text or "")
                response.failure(
                    f"save not made: HTTP {response.status_code} {errors}".strip()
                )
                self.expected = None
