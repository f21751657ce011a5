"""Two app servers on one PostgreSQL, sharing nothing else.

Each server is its own process with its own VAR_DIR; only the database and
SECRET_KEY are common, as behind a proxy. The division previews its sheets
workbook through one server and confirms it through the other, and what it
saved through one is on the other's pages at once.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from http.cookiejar import Cookie
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys.models import SurveySheet
from tests.surveys.test_sheet_files import fill

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def servers(tmp_path, unused_port_pair):
    if connection.vendor != "postgresql":
        pytest.skip("two servers share a PostgreSQL database, not a test SQLite one")
    db = connection.settings_dict
    processes, urls = [], []
    for name, port in zip(("a", "b"), unused_port_pair, strict=True):
        env = {
            **os.environ,
            "DB": "postgres",
            "DB_NAME": db["NAME"],
            "DB_USER": db["USER"] or "",
            "DB_PASSWORD": db["PASSWORD"] or "",
            "DB_HOST": db["HOST"] or "",
            "DB_PORT": str(db["PORT"] or ""),
            "SECRET_KEY": settings.SECRET_KEY,
            "VAR_DIR": str(tmp_path / name),
        }
        log = (tmp_path / f"{name}.log").open("w")
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own manage.py
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    f"127.0.0.1:{port}",
                    "--noreload",
                    "--skip-checks",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def unused_port_pair():
    import socket

    ports = []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    return ports


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail(f"the server at {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "/", timeout=1)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server at {url} did not answer within 30 s")


class Browser:
    """One person's cookies, sent to whichever server the proxy picks."""

    def __init__(self, session_key: str):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            NoRedirect,
        )
        self.jar.set_cookie(cookie("sessionid", session_key))

    def get(self, url: str) -> tuple[int, bytes]:
        return self.send(urllib.request.Request(url))

    def post(self, url: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        headers = {"Content-Type": content_type, "Referer": url}
        return self.send(urllib.request.Request(url, body, headers))

    def send(self, request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def cookie(name: str, value: str) -> Cookie:
    return Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        f"{value}\r\n".encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def form_fields(html: bytes, selector: str) -> dict[str, str]:
    form = BeautifulSoup(html.decode(), "html.parser").select_one(selector)
    assert form is not None, f"no {selector} on the page"
    return {
        i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")
    }


def test_a_preview_made_on_one_server_is_confirmed_on_the_other(
    servers, tmp_path, division_staff, open_fy2018
):
    a, b = servers
    client = Client()
    client.force_login(division_staff)
    browser = Browser(client.cookies["sessionid"].value)
    upload_path = reverse("surveys:period_upload", args=[open_fy2018.pk])

    status, data = browser.get(
        a + reverse("surveys:period_workbook", args=[open_fy2018.pk])
    )
    assert status == 200
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    fill(workbook, "No.1", "done_text", "二台目のサーバーで確定した実績")
    buffer = io.BytesIO()
    workbook.save(buffer)

    status, page = browser.get(a + upload_path)
    csrf = form_fields(page, "form[enctype]")["csrfmiddlewaretoken"]
    body, content_type = multipart(
        {"csrfmiddlewaretoken": csrf}, "調査票.xlsx", buffer.getvalue()
    )
    status, preview = browser.post(a + upload_path, body, content_type)
    assert status == 200
    confirm = form_fields(preview, "form#confirm")

    status, _ = browser.post(
        b + upload_path,
        urlencode(confirm).encode(),
        "application/x-www-form-urlencoded",
    )
    assert status == 302, "server B could not confirm server A's preview"
    sheet = SurveySheet.objects.get(period=open_fy2018, item__number="1")
    assert sheet.done_text == "二台目のサーバーで確定した実績"

    # Saved through B, seen through A at once.
    status, page = browser.get(a + reverse("surveys:sheet", args=[sheet.pk]))
    assert status == 200
    assert "二台目のサーバーで確定した実績" in page.decode()
    # Neither server kept the upload on its own disk.
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "a.log",
        "b.log",
    ]
