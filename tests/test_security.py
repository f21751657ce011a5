"""Production settings, security headers and the login lockout."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from tests.html import soup
from tests.html import text

ROOT = Path(__file__).resolve().parents[1]


def test_production_settings_pass_the_deploy_check():
    env = {
        # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE: the check warns of it.
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "reformtracker.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "reform.example.lg.jp",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_pages_carry_a_strict_content_security_policy(client, seed_plan):
    response = client.get(seed_plan.get_absolute_url())
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    # The grade colours are the one inline style, allowed by this response's nonce.
    nonce = re.fullmatch(r"'self' 'nonce-([^']+)'", policy["style-src"]).group(1)
    assert soup(response).find("style")["nonce"] == nonce
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_nothing_is_loaded_from_outside_the_site(client, seed_plan):
    page = soup(client.get(seed_plan.get_absolute_url()))
    sources = [tag.get("src") or tag.get("href") for tag in page.select("script, link")]
    assert sources and all(source.startswith("/") for source in sources)


def log_in(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_repeated_failures_lock_that_user_on_that_address(
    client, division_staff, hq_officer
):
    for _ in range(4):
        assert log_in(client, "kyodo", "wrong").status_code == 200
    locked = log_in(client, "kyodo", "wrong")
    assert locked.status_code == 429
    assert "ログインできません" in text(locked)
    # Even the right password is refused while locked.
    assert log_in(client, "kyodo", "pw").status_code == 429
    # The rest of the office, behind the same address, still logs in.
    assert log_in(client, "hq", "pw").status_code == 302
    client.logout()
    # So does the same user from another address.
    assert log_in(client, "kyodo", "pw", address="198.51.100.7").status_code == 302


def test_a_success_resets_the_failure_count(client, division_staff):
    for _ in range(4):
        log_in(client, "kyodo", "wrong")
    assert log_in(client, "kyodo", "pw").status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "kyodo", "wrong").status_code == 200


# Behind the proxy: the production settings with PROXY_COUNT=1, in their own
# process, on a throwaway SQLite database with collected static files.
PROXIED_LOGINS = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
from django.contrib.auth.models import User
from django.test import Client
User.objects.create_user("kyodo", password="right-pass")
client = Client(REMOTE_ADDR="10.0.0.2")  # the proxy

def log_in(password, forwarded):
    response = client.post(
        "/accounts/login/",
        {"username": "kyodo", "password": password},
        secure=True,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    client.logout()
    return response.status_code

codes = {
    # The client claims an address of its own; the proxy appends the real one.
    "failures": [log_in("wrong", "198.51.100.1, 203.0.113.66") for _ in range(5)],
    "same address, right password": log_in("right-pass", "203.0.113.66"),
    "other address, right password": log_in("right-pass", "203.0.113.66, 192.0.2.44"),
}
print(json.dumps(codes))
"""


def test_forwarded_address_locks_only_itself(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "reformtracker.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "PROXY_COUNT": "1",
        "DB": "sqlite",
        "DB_NAME": str(tmp_path / "db.sqlite3"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROXIED_LOGINS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    codes = json.loads(result.stdout.splitlines()[-1])
    assert codes == {
        "failures": [200, 200, 200, 200, 429],
        "same address, right password": 429,
        "other address, right password": 302,
    }


def test_staff_pages_and_downloads_are_not_stored(
    client, division_staff, hq_officer, own_sheet
):
    period = own_sheet.period
    anonymous = [reverse("login"), reverse("admin:login")]
    for url in anonymous:
        assert "no-store" in client.get(url)["Cache-Control"], url
    client.force_login(division_staff)
    staff = [
        reverse("surveys:dashboard"),
        reverse("surveys:sheet_edit", args=[own_sheet.pk]),
        reverse("surveys:period_workbook", args=[period.pk]),
        reverse("password_change"),
        period.plan.get_absolute_url(),  # a public page, seen logged in
    ]
    client.force_login(hq_officer)
    hq = [
        reverse("surveys:queue", args=[period.pk]),
        reverse("surveys:report", args=[period.pk, "summary"]),
    ]
    for user, urls in ((division_staff, staff), (hq_officer, hq)):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            control = {part.strip() for part in response["Cache-Control"].split(",")}
            assert {"private", "no-store"} <= control, url


def test_public_pages_stay_cacheable_for_citizens(client, seed_plan):
    response = client.get(seed_plan.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_staff_change_their_own_password(client, division_staff):
    client.force_login(division_staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw",
            "new_password1": "kaikaku-2026-aki",
            "new_password2": "kaikaku-2026-aki",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "パスワードを変更しました" in text(client.get(response["Location"]))
    client.logout()
    assert log_in(client, "kyodo", "kaikaku-2026-aki").status_code == 302


def test_a_citys_words_in_a_forms_help_text_are_not_html(
    client, own_sheet, division_staff
):
    """Django writes help text unescaped: an indicator's baseline must not be markup."""
    indicator = own_sheet.item.indicators.first()
    indicator.baseline_text = '<img src=x onerror="alert(1)">'
    indicator.save()
    client.force_login(division_staff)
    page = client.get(reverse("surveys:sheet_edit", args=[own_sheet.pk]))
    assert soup(page).find("img", src="x") is None
    assert '<img src=x onerror="alert(1)">' in text(page)


def test_production_settings_refuse_a_secret_key_of_the_machine(tmp_path):
    # Generated into VAR_DIR, the key would differ between two app servers, and
    # each would refuse the other's sessions.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reformtracker.production",
        "ALLOWED_HOSTS": "reform.example.lg.jp",
        "VAR_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY, the same on every app server." in result.stderr
    assert not (tmp_path / "secret_key").exists()
