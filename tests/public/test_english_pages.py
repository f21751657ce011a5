"""English pages of a plan with English names: no Japanese outside lang="ja".

A city gives English for its plan's names in the plan workbook (or the
admin); what divisions write stays Japanese and is marked lang="ja", as is
any name without English.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import workbook
from plans.models import City
from plans.models import Division
from plans.models import Grade
from plans.models import Item
from plans.models import PolicyArea
from surveys.workflow import publish_period
from tests.html import japanese_outside_lang_ja
from tests.html import soup
from tests.surveys.test_other_plan_shape import open_year
from tests.surveys.test_other_plan_shape import shape_workbook
from tests.surveys.test_other_plan_shape import status_form

# The English of the other city's plan, by sheet and header, one value per row.
ENGLISH = {
    "プラン": {
        "プラン名（英語）": ["Administrative Reform Action Plan"],
        "理由の見出し（英語）": ["Why not started or stopped"],
    },
    "評価区分": {
        "名称（英語）": ["Done", "Under way", "Not started", "Stopped"],
        "説明（英語）": ["Finished", "Being carried out", "Not begun", "Given up"],
    },
    "分野": {
        "分野名（英語）": [
            "Reforming administration",
            "Organisation and people",
            "Developing staff",
            "Reforming finances",
        ]
    },
    "所管課": {"所管課名（英語）": ["Personnel Division", "Finance Division"]},
    "取組項目": {"取組項目名（英語）": ["Better staff training", "Reviewing fees"]},
}


def with_english(data: bytes, english: dict) -> bytes:
    """The workbook with the English columns filled in, as a city would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet, columns in english.items():
        ws = book[sheet]
        headers = [cell.value for cell in ws[1]]
        for header, values in columns.items():
            column = headers.index(header) + 1
            for row, value in enumerate(values, start=2):
                ws.cell(row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def english_plan(db):
    """The other city's plan, with its English names, run through a published year."""
    City.objects.create(name="架空市", slug="kakuu", name_en="Kakuu City")
    upload = SimpleUploadedFile("plan.xlsx", with_english(shape_workbook(), ENGLISH))
    plan = workbook.import_plan(workbook.read_workbook(upload), dry_run=False).plan
    return plan


def run_year(client, plan):
    """Both sheets submitted and accepted; returns HQ, staff, the period and a sheet."""
    hq, staff, finance, period, training, fees = open_year(plan)
    filled = [
        (
            staff,
            training,
            {
                "研修計画の策定": ("◎", ""),
                "階層別研修の実施": ("△", "講師の確保が遅れた"),
            },
        ),
        (finance, fees, {"使用料の算定方法の検討": ("○", "")}),
    ]
    for user, sheet, statuses in filled:
        client.force_login(user)
        url = reverse("surveys:sheet_edit", args=[sheet.pk])
        response = client.post(url, status_form(sheet, statuses))
        assert response.status_code == 302
        client.get(response.url)  # its message, in Japanese, is shown there
    client.force_login(hq)
    for sheet in (training, fees):
        response = client.post(
            reverse("surveys:sheet_review", args=[sheet.pk]), {"decision": "accept"}
        )
        assert response.status_code == 302
        client.get(response.url)
    return hq, staff, period, training


def not_marked(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return japanese_outside_lang_ja(response)


def test_the_english_names_come_from_the_plan_workbook(english_plan):
    assert english_plan.name_en == "Administrative Reform Action Plan"
    assert english_plan.reason_label_en == "Why not started or stopped"
    assert english_plan.purpose_label_en is None
    item = english_plan.items.get(number="1")
    assert (item.title, item.title_en) == ("職員研修の充実", "Better staff training")
    assert Division.objects.get(city__slug="kakuu", name="財政課").name_en == (
        "Finance Division"
    )
    grade = Grade.objects.get(scale=english_plan.rating_scale, code="△")
    assert (grade.label_en, grade.description_en) == ("Not started", "Not begun")
    area = PolicyArea.objects.get(plan=english_plan, name="人材の育成")
    assert area.name_en == "Developing staff"


def test_english_pages_of_a_plan_with_english_names_show_no_japanese_outside_lang_ja(
    client, english_plan
):
    hq, staff, period, sheet = run_year(client, english_plan)
    item = sheet.item
    # Addresses in Japanese ("/..."), before an English page leaves the thread English.
    plan_url = "/en" + english_plan.get_absolute_url()
    top = item.area
    while top.parent:
        top = top.parent
    area_url = reverse(
        "public:area", args=[english_plan.city.slug, english_plan.pk, top.key]
    )
    public_pages = [
        "/en/",
        "/en" + english_plan.city.get_absolute_url(),
        plan_url,
        plan_url + "?grade=%E2%96%B3",
        "/en" + item.get_absolute_url(),
        "/en" + english_plan.items.get(number="2").get_absolute_url(),
        "/en" + area_url,
    ]
    japanese_item_url = item.get_absolute_url()
    staff_pages = {
        hq: [
            reverse("surveys:dashboard"),
            reverse("surveys:queue", args=[period.pk]),
            reverse("surveys:sheet", args=[sheet.pk]),
            reverse("surveys:period_upload", args=[period.pk]),
        ],
        staff: [
            reverse("surveys:dashboard"),
            reverse("surveys:sheet", args=[sheet.pk]),
        ],
    }
    for user, urls in staff_pages.items():
        client.force_login(user)
        for url in urls:
            assert not_marked(client, "/en" + url) == [], url
    client.force_login(hq)
    publish_period(period=period, by=hq)
    client.logout()
    for url in public_pages:
        assert not_marked(client, url) == [], url

    # The English is what the pages show, under the plan's own labels.
    page = soup(client.get(plan_url))
    assert page.h1.get_text(strip=True) == (
        "Kakuu City Administrative Reform Action Plan"
    )
    area_page = soup(client.get(public_pages[-1]))
    headings = [h.get_text(strip=True) for h in area_page.select("section.area > h4")]
    assert headings == ["(1) Developing staff"]
    item_page = soup(client.get(public_pages[4]))
    assert item_page.h1.get_text(strip=True) == "Better staff training"
    assert "Personnel Division" in item_page.select_one("dl.facts").get_text()
    # What the division wrote stays Japanese, and says so.
    reason = item_page.find(string="講師の確保が遅れた").find_parent(
        attrs={"lang": True}
    )
    assert reason["lang"] == "ja"
    # The Japanese pages keep the Japanese names.
    japanese = soup(client.get(japanese_item_url))
    assert japanese.h1.get_text(strip=True) == "職員研修の充実"


def test_a_name_without_english_is_marked_japanese_on_english_pages(
    client, english_plan
):
    item = english_plan.items.get(number="2")
    item.title_en = None
    item.save()
    page = soup(client.get("/en" + item.get_absolute_url()))
    assert page.h1.get_text(strip=True) == "使用料の見直し"
    assert page.h1.span["lang"] == "ja"


def english_everywhere(plan) -> None:
    """English for every name of the seed plan, as its city's admin could give."""
    plan.city.name_en = "Kodaira City"
    plan.city.save()
    plan.name_en = "Third Administrative Reform Plan"
    plan.save()
    for area in PolicyArea.objects.filter(plan=plan):
        area.name_en = f"Area {area.number}"
        area.save()
    for item in Item.objects.filter(plan=plan):
        item.title_en = f"Item {item.number}"
        item.save()
    for division in Division.objects.filter(city=plan.city):
        division.name_en = f"Division {division.pk}"
        division.save()
    for grade in Grade.objects.filter(scale=plan.rating_scale):
        grade.label_en = f"Grade {grade.code}"
        grade.description_en = f"What {grade.code} means"
        grade.save()


def test_every_english_page_of_the_seed_plan_marks_its_japanese(client, seed_plan):
    """Indicators, relistings, sub-items and the HQ's round: all item pages."""
    english_everywhere(seed_plan)
    urls = ["/en" + seed_plan.get_absolute_url()] + [
        "/en" + item.get_absolute_url() for item in seed_plan.items.all()
    ]
    found = {url: not_marked(client, url) for url in urls}
    assert {url: texts for url, texts in found.items() if texts} == {}
