"""Another city's plan shown in its own terms: roll-ups, units, the item's one status,
its own labels, and no item numbers where the plan has none.

The plan is test_other_plan_shape's: three heading levels, two unnumbered
projects, yearly, a status per schedule row (◎○△×), one narrative text.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from plans.models import Membership
from plans.models import Plan
from surveys import reports
from surveys.models import ScheduleStatus
from surveys.models import SurveySheet
from surveys.progress import plan_progress
from surveys.workflow import publish_period
from tests.conftest import make_user
from tests.html import soup
from tests.html import text
from tests.surveys.test_other_plan_shape import open_fy2024
from tests.surveys.test_other_plan_shape import other_plan  # noqa: F401 (fixture)
from tests.surveys.test_sheet_files import as_upload
from tests.surveys.test_sheet_files import upload


def rate_rows(sheet: SurveySheet, codes: list[str]) -> None:
    """Give the sheet's schedule rows these statuses, in row order, and submit it."""
    grades = {g.code: g for g in sheet.period.plan.rating_scale.grades.all()}
    for row, code in zip(sheet.item.schedule_rows.all(), codes, strict=True):
        ScheduleStatus.objects.create(
            sheet=sheet, schedule_row=row, grade=grades[code], reason="理由"
        )
    sheet.done_text = "実施した。"
    sheet.state = SurveySheet.State.ACCEPTED
    sheet.save()


@pytest.fixture
def hq(other_plan):  # noqa: F811
    return make_user("hq", role=Membership.Role.HQ, city="架空市")


@pytest.fixture
def published(other_plan, hq):  # noqa: F811
    """FY2024 published: 職員研修の充実 with rows △ then ○, 使用料の見直し with ◎."""
    period = open_fy2024(other_plan, by=hq)
    sheets = {s.item.title: s for s in period.sheets.select_related("item")}
    rate_rows(sheets["職員研修の充実"], ["△", "○"])
    rate_rows(sheets["使用料の見直し"], ["◎"])
    publish_period(period=period, by=hq)
    return period


@pytest.mark.parametrize(
    ("rule", "training"),
    [
        (Plan.ItemStatusRule.WORST, "△"),  # the row furthest behind
        (Plan.ItemStatusRule.LATEST, "○"),  # the last rated row
        (Plan.ItemStatusRule.DIVISION, "◎"),  # what the division gave the item
    ],
)
def test_an_items_status_follows_the_plans_rule(
    client,
    other_plan,  # noqa: F811
    published,
    rule,
    training,
):
    other_plan.item_status_rule = rule
    other_plan.save()
    sheet = published.sheets.get(item__title="職員研修の充実")
    sheet.division_grade = other_plan.rating_scale.grades.get(code="◎")
    sheet.save()
    fees = published.sheets.get(item__title="使用料の見直し")
    fees.division_grade = other_plan.rating_scale.grades.get(code="×")
    fees.save()

    progress = plan_progress(other_plan, published)
    statuses = {
        row.item.title: row.status.code for area in progress.areas for row in area.rows
    }
    fees_status = "×" if rule == Plan.ItemStatusRule.DIVISION else "◎"
    assert statuses == {"職員研修の充実": training, "使用料の見直し": fees_status}

    # The same status on the plan page, in its filter, chart and open data.
    page = client.get(other_plan.get_absolute_url())
    top_areas = soup(page).select("#grade-counts tr.depth-0 th a")
    items = [
        tr
        for a in top_areas
        for tr in soup(client.get(a["href"])).select(".items-table tbody tr")
    ]
    assert [tr.select_one("td:last-child .grade").contents[0] for tr in items] == [
        training,
        fees_status,
    ]
    found = client.get(other_plan.get_absolute_url(), {"grade": training})
    assert "職員研修の充実" in [
        a.get_text() for a in soup(found).select(".items-table a")
    ]
    chart = soup(page).find("svg", id="chart-trend") or soup(page).find(
        "svg", id="chart-areas"
    )
    assert f"{training} 1件" in chart.desc.get_text()
    data = client.get(other_plan.get_absolute_url() + "results.json").json()
    assert {r["title"]: r["item_status"] for r in data["records"]} == statuses


def test_the_division_gives_the_items_status_when_the_plan_says_so(
    client,
    other_plan,  # noqa: F811
    hq,
):
    other_plan.item_status_rule = Plan.ItemStatusRule.DIVISION
    other_plan.save()
    period = open_fy2024(other_plan, by=hq)
    sheet = period.sheets.get(item__title="使用料の見直し")
    staff = make_user("zaisei", divisions=["財政課"], city="架空市")
    client.force_login(staff)
    url = reverse("surveys:sheet_edit", args=[sheet.pk])
    legends = [el.get_text(strip=True) for el in soup(client.get(url)).select("legend")]
    assert "取組項目全体の状況" in legends
    grades = {g.code: g.pk for g in other_plan.rating_scale.grades.all()}
    row = sheet.item.schedule_rows.get()
    response = client.post(
        url,
        {
            "version": sheet.version,
            "done_text": "見直しを検討した。",
            f"status_{row.pk}": grades["○"],
            f"status_reason_{row.pk}": "",
            "division_grade": grades["△"],
            "action": "save",
        },
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.division_grade.code == "△"
    # The offline workbook has the cell too.
    book = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(
                client.get(
                    reverse("surveys:period_workbook", args=[period.pk])
                ).streaming_content
            )
        )
    )
    assert "division_grade" in [row[3] for row in book["_meta"].values]


def test_table_1_in_excel_rolls_up_every_level_with_units(
    other_plan,  # noqa: F811
    published,
):
    ws = openpyxl.load_workbook(
        io.BytesIO(reports.counts_workbook(other_plan, published))
    ).active
    assert [c.value for c in ws[2]] == [
        "分野",
        "取組項目の状況（件）",
        *[None] * 4,
        "工程表の行の状況（行）",
        *[None] * 4,
    ]
    assert [c.value for c in ws[3]][1:] == [
        "◎（完了）",
        "○（実施中）",
        "△（未着手）",
        "×（中止）",
        "項目数",
        "◎（完了）",
        "○（実施中）",
        "△（未着手）",
        "×（中止）",
        "行数",
    ]
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    # The worst row's status counts for the training project: △.
    assert rows == {
        "Ⅰ 行政運営の改革": (0, 0, 1, 0, 1, 0, 1, 1, 0, 2),
        "1. 組織と人材": (0, 0, 1, 0, 1, 0, 1, 1, 0, 2),
        "(1) 人材の育成": (0, 0, 1, 0, 1, 0, 1, 1, 0, 2),
        "Ⅱ 財政運営の改革": (1, 0, 0, 0, 1, 1, 0, 0, 0, 1),
        "合計": (1, 0, 1, 0, 2, 1, 1, 1, 0, 3),
    }
    # Each level indented under its parent.
    indents = {ws.cell(r, 1).value: ws.cell(r, 1).alignment.indent for r in (4, 5, 6)}
    assert indents == {"Ⅰ 行政運営の改革": 0, "1. 組織と人材": 2, "(1) 人材の育成": 4}


def test_open_data_has_the_area_path_and_only_the_plans_columns(
    client,
    other_plan,  # noqa: F811
    published,
):
    response = client.get(other_plan.get_absolute_url() + "results.csv")
    records = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    training = next(r for r in records if r["title"] == "職員研修の充実")
    assert training["policy_area"] == "Ⅰ 行政運営の改革|1. 組織と人材|(1) 人材の育成"
    assert training["policy_area_keys"] == "|".join(
        a.key for a in other_plan.areas.order_by("order")[:3]
    )
    assert training["schedule_statuses"] == "研修計画の策定:△|階層別研修の実施:○"
    # No P, no A, no second round, no numbers: those columns are left out.
    for absent in (
        "plan_text",
        "next_text",
        "hq_rating",
        "hq_reason",
        "division_rating",
        "item_number",
        "parent_number",
        "relisted_from",
    ):
        assert absent not in training
    assert training["done_text"] == "実施した。"
    dictionary = client.get(other_plan.get_absolute_url() + "results.json").json()
    labels = {c["key"]: c["label"] for c in dictionary["columns"]}
    assert labels["done_text"] == "取組状況"
    assert set(labels) == set(training)


def test_the_plans_own_labels_are_used(
    client,
    other_plan,  # noqa: F811
    published,
):
    other_plan.purpose_label = "事業の目的"
    other_plan.content_label = "事業の概要"
    other_plan.reason_label = "未着手・中止の理由"
    other_plan.save()
    item = other_plan.items.get(title="職員研修の充実")
    item.content = "階層別に研修する。"
    item.save()
    page = client.get(item.get_absolute_url())
    terms = [dt.get_text(strip=True) for dt in soup(page).select("dl.facts dt")]
    assert terms[:2] == ["事業の目的", "事業の概要"]
    for default in ("目的・ねらい", "取組内容"):
        assert default not in text(page)
    # The sheet form's reason, the survey sheet's heading, the open data dictionary.
    hq_user = make_user("hq2", role=Membership.Role.HQ, city="架空市")
    sheet = published.sheets.get(item=item)
    workbook = openpyxl.load_workbook(
        io.BytesIO(reports.sheets_workbook(other_plan, published))
    )
    values = [
        c for row in workbook[item.title].iter_rows(values_only=True) for c in row
    ]
    assert "事業の目的" in values and "未着手・中止の理由" in values
    assert "目的・ねらい" not in values
    data = client.get(other_plan.get_absolute_url() + "results.json").json()
    assert data["columns"]
    client.force_login(hq_user)
    assert client.get(reverse("surveys:sheet", args=[sheet.pk])).status_code == 200


def test_an_unnumbered_plan_shows_no_number_anywhere(
    client,
    other_plan,  # noqa: F811
    hq,
    settings,
    django_capture_on_commit_callbacks,
):
    """Pages, workbooks (cells and worksheet names), mail and upload messages."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = make_user("shokuin", divisions=["職員課"], city="架空市")
    staff.email = "shokuin@example.jp"
    staff.save()
    period = open_fy2024(other_plan, by=hq)
    sheet = period.sheets.get(item__title="職員研修の充実")
    outputs = []

    def page(user, url, **data):
        client.force_login(user) if user else client.logout()
        response = client.get(url, data)
        assert response.status_code == 200, url
        if response.get("Content-Type", "").startswith("application/vnd.openxml"):
            book = openpyxl.load_workbook(
                io.BytesIO(b"".join(response.streaming_content))
            )
            outputs.extend(book.sheetnames)
            outputs.extend(
                str(v) for ws in book for row in ws.iter_rows(values_only=True)
                for v in row if v is not None
            )  # fmt: skip
        else:
            outputs.append(text(response))
        return response

    page(staff, reverse("surveys:dashboard"))
    page(staff, reverse("surveys:sheet_edit", args=[sheet.pk]))
    download = page(staff, reverse("surveys:period_workbook", args=[period.pk]))
    assert download
    # An upload whose worksheet names no sheet of the period: the refusal.
    book = openpyxl.Workbook()
    book.active.title = "知らない調査票"
    client.force_login(staff)
    refusal = upload(client, period, as_upload(book))
    outputs.append(text(refusal))
    page(hq, reverse("surveys:queue", args=[period.pk]))
    page(hq, reverse("surveys:sheet", args=[sheet.pk]))
    call_command("send_reminders", stdout=io.StringIO())
    sheet.state = SurveySheet.State.SUBMITTED
    sheet.save()
    with django_capture_on_commit_callbacks(execute=True):
        sheet.return_to_division(by=hq, note="記入漏れがあります。")
    assert "記入漏れがあります。" in mail.outbox[-1].body
    outputs += [f"{m.subject}\n{m.body}" for m in mail.outbox]
    for kind in ("summary", "counts", "sheets"):
        page(hq, reverse("surveys:report", args=[period.pk, kind]))
    period.sheets.update(state=SurveySheet.State.ACCEPTED)
    publish_period(period=period, by=hq)
    page(None, other_plan.get_absolute_url())
    page(None, sheet.item.get_absolute_url())
    page(hq, reverse("surveys:trend", args=[other_plan.pk]))
    for fmt in ("csv", "json"):
        outputs.append(
            client.get(
                other_plan.get_absolute_url() + f"results.{fmt}"
            ).content.decode()
        )

    assert mail.outbox, "the reminders and the return were mailed"
    for output in outputs:
        assert "No." not in output, output[:300]
