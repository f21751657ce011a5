"""Published results as CSV (for Excel in Japan) and JSON, for anyone."""

from __future__ import annotations

import csv
import io
import json

from django.urls import reverse

from plans.models import Item
from surveys.models import SurveySheet


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_opens_in_excel_and_holds_every_published_item(client, seed_plan):
    response = client.get(reverse("public:results_csv", args=["kodaira", seed_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    rows = csv_rows(response)
    # 43 listed items and 17 sub-items, one period.
    assert len(rows) == 60
    by_number = {row["item_number"]: row for row in rows}
    assert by_number["4-1"]["parent_number"] == "4"
    assert by_number["4-1"]["division_rating"] == "B"
    assert by_number["4-1"]["hq_rating"] == "B"
    assert by_number["4-1"]["fiscal_year_label"] == "平成29年度"
    assert by_number["29"]["relisted_from"] == "15"
    assert by_number["29"]["hq_rating"] == by_number["15"]["hq_rating"] == "A"
    assert by_number["1"]["divisions"] == "市民協働・男女参画推進課|政策課|各所管課"


def test_csv_never_hands_a_formula_to_a_spreadsheet(client, seed_plan):
    sheet = SurveySheet.objects.get(item__number="4-1")
    sheet.done_text = "=1+1\n2行目"
    sheet.next_text = "-cmd"
    sheet.save()
    rows = csv_rows(
        client.get(reverse("public:results_csv", args=["kodaira", seed_plan.pk]))
    )
    row = next(r for r in rows if r["item_number"] == "4-1")
    assert row["done_text"] == "'=1+1\\n2行目"
    assert row["next_text"] == "'-cmd"


def test_unpublished_periods_stay_out(client, seed_plan, open_fy2018):
    sheet = SurveySheet.objects.get(period=open_fy2018, item__number="1")
    sheet.done_text = "まだ公表していない実績"
    sheet.save()
    csv_response = client.get(
        reverse("public:results_csv", args=["kodaira", seed_plan.pk])
    )
    json_response = client.get(
        reverse("public:results_json", args=["kodaira", seed_plan.pk])
    )
    for response in (csv_response, json_response):
        assert "まだ公表していない実績".encode() not in response.content
    assert {row["fiscal_year"] for row in csv_rows(csv_response)} == {"2017"}
    assert {r["fiscal_year"] for r in json_response.json()["records"]} == {2017}


def test_json_carries_a_data_dictionary(client, seed_plan):
    response = client.get(
        reverse("public:results_json", args=["kodaira", seed_plan.pk])
    )
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["city"] == "小平市"
    keys = [column["key"] for column in data["columns"]]
    assert keys[:3] == ["city", "plan", "fiscal_year"]
    assert all(record.keys() == set(keys) for record in data["records"])
    assert [g["code"] for g in data["grades"]] == ["S", "A", "B"]
    counts = {}
    for record in data["records"]:
        if not record["parent_number"]:
            counts[record["hq_rating"]] = counts.get(record["hq_rating"], 0) + 1
    assert counts == {"S": 3, "A": 30, "B": 10}
    # Japanese is written as text, not \\u escapes.
    assert "小平市".encode() in response.content


def test_unknown_plan_is_not_found(client, seed_plan):
    response = client.get(
        reverse("public:results_csv", args=["kodaira", seed_plan.pk + 99])
    )
    assert response.status_code == 404


def test_plan_page_links_the_downloads(client, seed_plan):
    page = client.get(seed_plan.get_absolute_url()).content.decode()
    assert reverse("public:results_csv", args=["kodaira", seed_plan.pk]) in page
    assert reverse("public:results_json", args=["kodaira", seed_plan.pk]) in page


def test_records_carry_each_items_key_and_state(client, seed_plan):
    rows = csv_rows(
        client.get(reverse("public:results_csv", args=["kodaira", seed_plan.pk]))
    )
    row = next(r for r in rows if r["item_number"] == "4-1")
    item = seed_plan.items.get(number="4-1")
    assert (row["item_key"], row["item_state"]) == (item.key, "active")
    assert (row["merged_into"], row["merged_into_key"]) == ("", "")
    assert len({r["item_key"] for r in rows}) == 60


def test_a_merged_items_records_name_the_item_it_went_into(client, seed_plan):
    into = seed_plan.items.get(number="1")
    seed_plan.items.filter(number="3").update(
        state=Item.State.MERGED, ended_fiscal_year=2017, merged_into=into
    )
    records = client.get(
        reverse("public:results_json", args=["kodaira", seed_plan.pk])
    ).json()["records"]
    record = next(r for r in records if r["item_number"] == "3")
    assert record["item_state"] == "merged"
    assert (record["merged_into"], record["merged_into_key"]) == ("1", into.key)


def test_the_data_dictionary_explains_the_key_and_state_in_japanese(client, seed_plan):
    columns = client.get(
        reverse("public:results_json", args=["kodaira", seed_plan.pk])
    ).json()["columns"]
    labels = {column["key"]: column["label"] for column in columns}
    assert labels["item_key"].startswith("項目キー")
    assert labels["item_state"] == "状態（active=実施中, ended=終了, merged=統合）"
    assert labels["merged_into"].startswith("統合先の項目番号")
    assert labels["merged_into_key"].startswith("統合先の項目キー")
