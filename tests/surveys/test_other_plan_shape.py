"""A plan of another city's shape, built from a plan workbook and run through a year.

Three levels of headings (Ⅰ → 1. → (1)) above unnumbered projects (the workbook
numbers them 1, 2, ... in order, for reference only); no indicators;
yearly; one status symbol per schedule row (◎ ○ △ ×, a reason required for △
and ×); one narrative text (取組状況) instead of D and A; a single round of
rating. Nothing of Kodaira's S/A/B, indicators or second round may show.
"""

from __future__ import annotations

import io
from typing import NamedTuple

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import workbook
from plans.models import City
from plans.models import Membership
from plans.models import Period
from plans.models import Plan
from surveys import reports
from surveys.models import SurveySheet
from surveys.workflow import publish_period
from tests.conftest import make_user
from tests.factories import open_period_for_two_weeks
from tests.html import soup
from tests.html import table_rows
from tests.html import text

HEADINGS = [
    ("Ⅰ", "行政運営の改革", ""),
    ("1.", "組織と人材", "行政運営の改革"),
    ("(1)", "人材の育成", "組織と人材"),
    ("Ⅱ", "財政運営の改革", ""),
]
KODAIRA_WORDS = ["1次評価", "2次評価", "指標", "当初予定", "来年度に向けて"]


def shape_workbook() -> bytes:
    sheets = {s.name: s for s in (*workbook.SHEETS, workbook.schedule_sheet([]))}
    rows = {
        "プラン": [
            [
                "架空市",
                "行財政改革実施計画",
                2024,
                2026,
                "通年",
                "status4",
                "◎○△×（取組状況）",
                "×",
                "×",
                "工程表の行",
                "D=取組状況",
                "",
            ]
        ],
        "評価区分": [
            ["◎", "完了", "取組が完了した", "#197a4b", ""],
            ["○", "実施中", "取組を実施している", "#0017c1", ""],
            ["△", "未着手", "取組に着手していない", "#927200", "○"],
            ["×", "中止", "取組を中止した", "#ce0000", "○"],
        ],
        "分野": [list(h) for h in HEADINGS],
        "所管課": [["職員課", "", "○"], ["財政課", "", "○"]],
        "取組項目": [
            [
                "1",
                "",
                "人材の育成",
                "職員研修の充実",
                "職員の能力を高める。",
                "",
                "",
                "",
                "",
                "職員課",
                "",
            ],
            [
                "2",
                "",
                "財政運営の改革",
                "使用料の見直し",
                "受益者負担を適正にする。",
                "",
                "",
                "",
                "",
                "財政課",
                "",
            ],
        ],
        "指標": [],
        "工程表": [
            ["1", "研修計画の策定", "策定", "", ""],
            ["1", "階層別研修の実施", "実施", "実施", "実施"],
            ["2", "使用料の算定方法の検討", "検討", "見直し", ""],
        ],
    }
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, sheet in sheets.items():
        ws = book.create_sheet(name)
        headers = [column.header for column in sheet.columns]
        if name == "工程表":
            headers += [workbook.year_header(y) for y in (2024, 2025, 2026)]
        ws.append(headers)
        for row in rows[name]:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def other_plan(db) -> Plan:
    """架空市's plan; the city exists, its scale and divisions come from the workbook."""
    City.objects.create(name="架空市", slug="kakuu")
    draft = workbook.read_workbook(SimpleUploadedFile("plan.xlsx", shape_workbook()))
    return workbook.import_plan(draft, dry_run=False).plan


def test_the_workbook_sets_up_the_shape(other_plan):
    assert other_plan.cadence == Plan.Cadence.YEARLY
    assert not other_plan.numbered_items
    assert list(other_plan.items.values_list("number", "title")) == [
        ("1", "職員研修の充実"),
        ("2", "使用料の見直し"),
    ]
    assert not other_plan.second_round
    assert other_plan.rates_schedule_rows
    assert other_plan.text_fields == [("done_text", "取組状況")]
    areas = list(other_plan.areas.select_related("parent").order_by("order"))
    assert [(a.number, a.name, a.parent.name if a.parent else "") for a in areas] == (
        HEADINGS
    )
    assert not other_plan.items.filter(indicators__isnull=False).exists()


def status_form(sheet, statuses: dict[str, tuple[str, str]], action="submit") -> dict:
    """The sheet form's POST: 取組状況 and a status and reason per schedule row."""
    grades = {g.code: g.pk for g in sheet.period.plan.rating_scale.grades.all()}
    data = {"version": sheet.version, "done_text": "研修を実施した。", "action": action}
    for row in sheet.item.schedule_rows.all():
        code, reason = statuses[row.activity]
        data[f"status_{row.pk}"] = grades[code]
        data[f"status_reason_{row.pk}"] = reason
    return data


def open_fy2024(plan: Plan, *, by) -> Period:
    """The plan's one period of FY2024 (it reports yearly), with two weeks to go."""
    return open_period_for_two_weeks(
        plan, fiscal_year=2024, half=Period.Half.WHOLE, by=by
    )


class OpenYear(NamedTuple):
    """架空市's people and its FY2024, opened by its HQ, with the plan's two sheets."""

    hq: User
    staff: User  # 職員課's, which fills `training`
    finance: User  # 財政課's, which fills `fees`
    period: Period
    training: SurveySheet  # item 1, 職員研修の充実
    fees: SurveySheet  # item 2, 使用料の見直し


def open_year(plan: Plan) -> OpenYear:
    hq = make_user("hq", role=Membership.Role.HQ, city="架空市")
    staff = make_user("shokuin", divisions=["職員課"], city="架空市")
    finance = make_user("zaisei", divisions=["財政課"], city="架空市")
    period = open_fy2024(plan, by=hq)
    training = SurveySheet.objects.get(period=period, item__number="1")
    fees = SurveySheet.objects.get(period=period, item__number="2")
    return OpenYear(hq, staff, finance, period, training, fees)


def test_a_year_of_the_other_shape(client, other_plan):
    hq, staff, finance, period, training, fees = open_year(other_plan)

    # The form asks for 取組状況 and a status per schedule row, nothing else.
    client.force_login(staff)
    url = reverse("surveys:sheet_edit", args=[training.pk])
    page = client.get(url)
    labels = [el.get_text(strip=True) for el in soup(page).select("label, legend")]
    assert "取組状況" in labels
    assert "研修計画の策定" in labels and "階層別研修の実施" in labels
    for word in KODAIRA_WORDS:
        assert word not in text(page)
    assert soup(page).h1.get_text(strip=True) == "職員研修の充実"

    # △ needs a reason: submitting without one is refused and changes nothing.
    response = client.post(
        url,
        status_form(
            training, {"研修計画の策定": ("◎", ""), "階層別研修の実施": ("△", "")}
        ),
    )
    assert response.status_code == 200
    errors = [li.get_text(strip=True) for li in soup(response).select(".errorlist li")]
    assert errors == ["評価「△」には理由が必要です。"]
    training.refresh_from_db()
    assert training.state == SurveySheet.State.DRAFT and training.version == 1
    response = client.post(
        url,
        status_form(
            training,
            {
                "研修計画の策定": ("◎", ""),
                "階層別研修の実施": ("△", "講師の確保が遅れた"),
            },
        ),
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.state == SurveySheet.State.SUBMITTED

    client.force_login(finance)
    response = client.post(
        reverse("surveys:sheet_edit", args=[fees.pk]),
        status_form(fees, {"使用料の算定方法の検討": ("○", "")}),
    )
    assert response.status_code == 302

    # HQ accepts each sheet without a second rating, then publishes.
    client.force_login(hq)
    for sheet in (training, fees):
        review = client.get(reverse("surveys:sheet", args=[sheet.pk]))
        assert "hq_grade" not in review.content.decode()
        response = client.post(
            reverse("surveys:sheet_review", args=[sheet.pk]), {"decision": "accept"}
        )
        assert response.status_code == 302
    queue = client.get(reverse("surveys:queue", args=[period.pk]))
    queue_headers = [th.get_text(strip=True) for th in soup(queue).select("thead th")]
    assert queue_headers[-1] == "状況"
    assert "◎完了△未着手" in "".join(
        td.get_text(strip=True) for td in soup(queue).select("tbody td")
    )
    publish_period(period=period, by=hq)
    client.logout()

    # The public plan page: its top-level areas, counts of statuses; the page
    # of the top area: the three levels.
    def levels(page):
        return [
            (tr["class"][0], tr.th.get_text(strip=True))
            for tr in soup(page).select("#grade-counts tbody tr")
        ]

    page = client.get(other_plan.get_absolute_url())
    assert levels(page) == [
        ("depth-0", "Ⅰ 行政運営の改革"),
        ("depth-0", "Ⅱ 財政運営の改革"),
    ]
    top = soup(page).find("a", string="Ⅰ 行政運営の改革")["href"]
    area_page = client.get(top)
    assert levels(area_page) == [
        ("depth-0", "Ⅰ 行政運営の改革"),
        ("depth-1", "1. 組織と人材"),
        ("depth-2", "(1) 人材の育成"),
    ]
    # It lists its items under the areas they are in.
    headings = [
        (h.name, h.get_text(strip=True))
        for h in soup(area_page).select(
            "section.area > h2, section.area > h3, section.area > h4"
        )
    ]
    assert headings == [
        ("h2", "Ⅰ 行政運営の改革"),
        ("h3", "1. 組織と人材"),
        ("h4", "(1) 人材の育成"),
    ]
    # 表1 rolls up to every level: items by their status (the worst row's,
    # △ for the training project), then schedule rows by status.
    counts = soup(page).select_one("#grade-counts")
    assert [th.get_text(strip=True) for th in counts.select("thead th.group")] == [
        "取組項目の状況（件）",
        "工程表の行の状況（行）",
    ]
    assert [th.get_text(strip=True) for th in counts.select("thead tr + tr th")] == [
        *"◎○△×",
        "項目数",
        *"◎○△×",
        "行数",
    ]
    assert table_rows(page, "grade-counts") == {
        "Ⅰ 行政運営の改革": ["0", "0", "1", "0", "1", "1", "0", "1", "0", "2"],
        "Ⅱ 財政運営の改革": ["0", "1", "0", "0", "1", "0", "1", "0", "0", "1"],
        "合計": ["0", "1", "1", "0", "2", "1", "1", "1", "0", "3"],
    }
    assert table_rows(area_page, "grade-counts") == {
        "Ⅰ 行政運営の改革": ["0", "0", "1", "0", "1", "1", "0", "1", "0", "2"],
        "1. 組織と人材": ["0", "0", "1", "0", "1", "1", "0", "1", "0", "2"],
        "(1) 人材の育成": ["0", "0", "1", "0", "1", "1", "0", "1", "0", "2"],
        "合計": ["0", "0", "1", "0", "1", "1", "0", "1", "0", "2"],
    }
    assert "取組項目 2件、工程表の行 3行" in counts.caption.get_text(" ", strip=True)
    for code in ("S", "A", "B"):
        assert code not in [th.get_text(strip=True) for th in counts.select("th")]

    # No numbers for unnumbered projects.
    items_table = soup(area_page).select_one("section.area table")
    assert "No." not in [th.get_text(strip=True) for th in items_table.select("th")]

    # The item page: the narrative, each row's status, the reason for △.
    item_page = client.get(training.item.get_absolute_url())
    body = text(item_page)
    assert "取組状況 研修を実施した。" in body
    assert "階層別研修の実施 △ 未着手 講師の確保が遅れた" in body
    for word in [*KODAIRA_WORDS, "本部の評価", "Headquarters", "No.1"]:
        assert word not in body
    # Its chart counts the statuses of its rows; the plan's chart counts the
    # items per top-level area by their status.
    item_chart = soup(item_page).find("svg", id="chart-item").desc.get_text()
    assert "◎ 1件、○ 0件、△ 1件、× 0件（計2件）" in item_chart
    area_chart = soup(page).find("svg", id="chart-areas").desc.get_text()
    assert "Ⅰ 行政運営の改革: ◎ 0件、○ 0件、△ 1件、× 0件（計1件）" in area_chart
    assert "S " not in area_chart
    # Filtering by status finds the project by its own status, △, not by a row's.
    late = client.get(other_plan.get_absolute_url(), {"grade": "△"})
    assert [a.get_text() for a in soup(late).select(".items-table a")] == [
        training.item.title
    ]
    done = client.get(other_plan.get_absolute_url(), {"grade": "◎"})
    assert soup(done).select(".items-table a") == []
    assert "取組項目の状況" in [
        label.get_text() for label in soup(late).select("form label")
    ]

    # Open data: the item's status, and each row's after the row, in schedule order.
    data = client.get(other_plan.get_absolute_url() + "results.json").json()
    statuses = {
        r["title"]: (r["item_status"], r["schedule_statuses"]) for r in data["records"]
    }
    assert statuses == {
        "職員研修の充実": ("△", "研修計画の策定:◎|階層別研修の実施:△"),
        "使用料の見直し": ("○", "使用料の算定方法の検討:○"),
    }

    # The Excel reports: statuses, no S/A/B, no indicators, no second round.
    books = {
        "summary": reports.summary_workbook(other_plan, period),
        "counts": reports.counts_workbook(other_plan, period),
        "sheets": reports.sheets_workbook(other_plan, period),
        "trend": reports.trend_workbook(other_plan, [period]),
    }
    cells = {}
    for name, data in books.items():
        book = openpyxl.load_workbook(io.BytesIO(data))
        cells[name] = [
            str(value)
            for ws in book
            for row in ws.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        for value in cells[name]:
            assert value not in ("S", "A", "B", "No."), (name, value)
            assert not value.startswith("No."), (name, value)
            for word in KODAIRA_WORDS:
                assert word not in value, (name, value)
    assert "状況" in cells["summary"]
    assert "研修計画の策定：◎\n階層別研修の実施：△" in cells["summary"]
    assert "△\n研修計画の策定：◎\n階層別研修の実施：△" in cells["trend"]
    assert "◎（完了）" in cells["counts"]
    sheet = openpyxl.load_workbook(io.BytesIO(books["sheets"]))["職員研修の充実"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    status_row = next(r for r in rows if r[0] == "階層別研修の実施")
    assert "△" in status_row and "講師の確保が遅れた" in status_row
    assert [v for v in rows[-2] if v] == ["取組状況", "所管課"]


def staff_download(client, plan: Plan):
    """FY2024 opened by HQ, and the sheets workbook 職員課's staff download, logged in."""
    hq = make_user("hq", role=Membership.Role.HQ, city="架空市")
    staff = make_user("shokuin", divisions=["職員課"], city="架空市")
    period = open_fy2024(plan, by=hq)
    client.force_login(staff)
    response = client.get(reverse("surveys:period_workbook", args=[period.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return period, book


def test_statuses_round_trip_through_the_excel_file(client, other_plan):
    period, book = staff_download(client, other_plan)
    assert book.sheetnames == ["職員研修の充実", "_meta"]
    rows = {
        row.activity: row.pk
        for row in other_plan.items.get(number="1").schedule_rows.all()
    }
    cells = {name: cell for _ws, _pk, _v, name, cell in list(book["_meta"].values)[1:]}
    assert "division_grade" not in cells and "plan_text" not in cells
    ws = book["職員研修の充実"]
    ws[cells["done_text"]] = "研修を実施した。"
    ws[cells[f"status:{rows['研修計画の策定']}"]] = "◎"
    ws[cells[f"status:{rows['階層別研修の実施']}"]] = "△"
    ws[cells[f"status_reason:{rows['階層別研修の実施']}"]] = "講師の確保が遅れた"
    buffer = io.BytesIO()
    book.save(buffer)

    url = reverse("surveys:period_upload", args=[period.pk])
    preview = client.post(
        url, {"file": SimpleUploadedFile("s.xlsx", buffer.getvalue())}
    )
    assert preview.status_code == 200
    assert "階層別研修の実施 — △" in text(preview)
    assert "取組状況 — 研修を実施した。" in text(preview)
    confirm = {
        field["name"]: field["value"]
        for field in soup(preview).select("form input[type=hidden]")
        if field["name"] != "csrfmiddlewaretoken"
    }
    assert client.post(url, confirm).status_code == 302
    sheet = SurveySheet.objects.get(period=period, item__number="1")
    assert sheet.done_text == "研修を実施した。"
    assert {
        (s.schedule_row.activity, s.grade.code, s.reason)
        for s in sheet.statuses.select_related("schedule_row", "grade")
    } == {("研修計画の策定", "◎", ""), ("階層別研修の実施", "△", "講師の確保が遅れた")}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("next_text", "審査を経ない文章"),
        ("plan_text", "審査を経ない文章"),
        ("division_grade", "S"),
        ("division_reason", "審査を経ない文章"),
    ],
)
def test_upload_changes_only_the_fields_the_plan_form_has(
    client, other_plan, field, value
):
    """`_meta` rows for fields the plan does not use are refused, and nothing is saved."""
    period, book = staff_download(client, other_plan)
    worksheet, pk, version, _name, _cell = list(book["_meta"].values)[1]
    book["_meta"].append([worksheet, pk, version, field, "A40"])
    book[worksheet]["A40"] = value
    cells = {name: cell for *_rest, name, cell in list(book["_meta"].values)[1:]}
    book[worksheet][cells["done_text"]] = "研修を実施した。"
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = SurveySheet.objects.get(period=period, item__number="1")
    before = (sheet.version, sheet.plan_text, sheet.done_text, sheet.next_text)

    url = reverse("surveys:period_upload", args=[period.pk])
    preview = client.post(
        url, {"file": SimpleUploadedFile("s.xlsx", buffer.getvalue())}
    )
    assert preview.status_code == 400
    assert soup(preview).find(id="confirm") is None
    assert "ReformTracker" in soup(preview).find(id="upload-error").get_text()
    sheet.refresh_from_db()
    assert (sheet.version, sheet.plan_text, sheet.done_text, sheet.next_text) == before
    assert sheet.division_grade is None and sheet.division_reason == ""
