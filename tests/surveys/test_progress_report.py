"""The progress report (進捗状況報告書) as Word: opened with python-docx and read back
for the seed plan's FY2017 period."""

import io
import zipfile

import docx
import openpyxl
from django.urls import reverse

from plans.models import Period


def section_headings(document, start: str, end: str) -> list[str]:
    """The item headings between the section heading starting `start` and `end`'s."""
    inside, found = False, []
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 2":
            inside = paragraph.text.startswith(start) or (
                inside and not paragraph.text.startswith(end)
            )
        elif inside and paragraph.style.name == "Heading 3":
            found.append(paragraph.text)
    return found


def report_of(client, user, period) -> docx.Document:
    client.force_login(user)
    response = client.get(reverse("surveys:progress_report", args=[period.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".docx")
    return docx.Document(io.BytesIO(b"".join(response.streaming_content)))


def test_the_report_gives_the_totals_the_table_and_the_items_behind(
    client, committee_member, seed_plan
):
    period = seed_plan.periods.get(state=Period.State.PUBLISHED)
    document = report_of(client, committee_member, period)
    paragraphs = [p.text for p in document.paragraphs]
    assert (
        "全43項目（再掲2項目）のうち、3項目が「予定以上に進捗」、30項目が「予定どおりに進捗」、"
        "10項目が「予定よりも遅れている」となっています。"
    ) in paragraphs
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["分野", "項目数", "S", "A", "B"]
    assert [row[2:] for row in rows[1:-1]] == [
        ["1", "4", "2"], ["0", "1", "2"], ["0", "4", "2"], ["1", "9", "4"], ["1", "12", "0"],
    ]  # fmt: skip
    assert rows[-1] == ["合計", "43", "3", "30", "10"]

    behind = period.sheets.filter(division_grade__code="B", hq_grade__code="B")
    headings = section_headings(document, "【参考2】", "新たに")
    b_sheets = [
        s
        for s in period.sheets.select_related("item", "hq_grade")
        if s.hq_grade and s.hq_grade.code == "B" and s.item.parent_id is None
    ]
    assert len(headings) == len(b_sheets) == 10
    for sheet in b_sheets:
        assert f"No.{sheet.item.number} {sheet.item.title}" in headings
        if sheet.division_reason:
            assert "【要因】" + sheet.division_reason in paragraphs
        if sheet.next_text:
            assert "【今後の対応】" + sheet.next_text in paragraphs
    assert behind.exists()


def test_only_published_periods_reach_the_committee(
    client, committee_member, open_fy2018
):
    client.force_login(committee_member)
    url = reverse("surveys:progress_report", args=[open_fy2018.pk])
    assert client.get(url).status_code == 404


def test_hq_marks_examples_on_the_queue_and_the_report_shows_them(
    client, hq_officer, seed_plan
):
    period = seed_plan.periods.get(state=Period.State.PUBLISHED)
    chosen = list(
        period.sheets.filter(hq_grade__code="S", item__parent=None).order_by(
            "item__order"
        )
    )[:2]
    client.force_login(hq_officer)
    response = client.post(
        reverse("surveys:period_bulk", args=[period.pk]),
        {"sheets": [s.pk for s in chosen], "action": "highlight"},
    )
    assert response.status_code == 200
    queue = client.get(reverse("surveys:queue", args=[period.pk])).content.decode()
    assert queue.count("highlight-tag") == 2
    document = report_of(client, hq_officer, period)
    assert section_headings(document, "【参考1】", "【参考2】") == [
        f"No.{s.item.number} {s.item.title}" for s in chosen
    ]
    paragraphs = [p.text for p in document.paragraphs]
    for sheet in chosen:
        assert "【年度末の状況】" + (sheet.done_text or "—") in paragraphs
        for value in sheet.item.indicators.all():
            assert any(
                p.startswith(f"【指標】{value.marker}{value.name}：")
                for p in paragraphs
            )
    # Accepting or returning is not offered once published; a bad action is refused.
    bad = client.post(
        reverse("surveys:period_bulk", args=[period.pk]),
        {"sheets": [chosen[0].pk], "action": "accept"},
    )
    assert bad.status_code == 400


def test_every_report_of_a_period_comes_in_one_zip(client, committee_member, seed_plan):
    period = seed_plan.periods.get(state=Period.State.PUBLISHED)
    client.force_login(committee_member)
    response = client.get(reverse("surveys:reports_zip", args=[period.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 4
    assert {name.rsplit("_", 1)[-1] for name in names} == {
        "評価一覧.xlsx", "分野別評価.xlsx", "調査票.xlsx", "進捗状況報告書.docx",
    }  # fmt: skip
    for name in names:
        data = io.BytesIO(archive.read(name))
        if name.endswith(".docx"):
            assert "全43項目" in docx.Document(data).paragraphs[1].text
        else:
            assert openpyxl.load_workbook(data, read_only=True).sheetnames
