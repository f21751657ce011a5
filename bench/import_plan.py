"""Time importing a large plan workbook: 2,000 items and 6,000 indicators.

    .venv/bin/python bench/import_plan.py [--items 2000] [--indicators-per-item 3]

Builds the workbook in memory (50 areas, 40 divisions, a schedule row per
item), then times each step an administrator waits for: reading and checking
the file, the preview (a dry run), the import itself, the export, and importing
that export again (which changes nothing). The city is added first, as the
site's administrator does: an import never creates a city.
"""

from __future__ import annotations

import argparse
import io
import time

from _setup import setup_django


def build_workbook(items: int, per_item: int) -> bytes:
    import openpyxl

    from plans import workbook
    from tests.factories import make_city

    make_city("大規模市", slug="daikibo")  # the site administrator adds cities first

    book = openpyxl.Workbook()
    book.remove(book.active)
    years = range(2024, 2028)
    sheets = {s.name: s for s in (*workbook.SHEETS, workbook.schedule_sheet(years))}
    rows: dict[str, list[list]] = {name: [] for name in sheets}
    rows["プラン"].append(
        ["大規模市", "ベンチマーク用プラン", 2024, 2027, "半期", "bench", "S/A/B"]
    )
    rows["評価区分"] += [
        ["S", "予定以上", "", "#259d63", ""],
        ["A", "予定どおり", "", "#0017c1", ""],
        ["B", "遅れ", "", "#fa0000", "○"],
    ]
    rows["分野"] += [[str(a), f"分野{a}", ""] for a in range(1, 51)]
    rows["所管課"] += [[f"ベンチ課{d}", "", "○"] for d in range(1, 41)]
    for n in range(1, items + 1):
        rows["取組項目"].append(
            [
                str(n),
                "",
                f"分野{(n - 1) % 50 + 1}",
                f"取組{n}",
                "目的" * 20,
                "内容" * 20,
                "○" if n % 7 == 0 else "",
                "",
                "",
                f"ベンチ課{n % 40 + 1}、ベンチ課{(n + 1) % 40 + 1}",
            ]
        )
        for k in range(1, per_item + 1):
            rows["指標"].append(
                [
                    str(n),
                    "①②③④⑤"[k % 5],
                    f"指標{n}-{k}",
                    "件",
                    f"{k}件",
                    k,
                    None,
                    f"{k * 2}件",
                    k * 2,
                    None,
                ]
            )
        rows["工程表"].append([str(n), f"実施内容{n}", "検討", "実施", "実施", "評価"])
    for name, sheet in sheets.items():
        ws = book.create_sheet(name)
        ws.append([c.header for c in sheet.columns])
        for row in rows[name]:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--indicators-per-item", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from plans import workbook

    data = timed(
        "build the workbook",
        lambda: build_workbook(args.items, args.indicators_per_item),
    )
    print(f"database: {connection.vendor}; workbook {len(data) / 1024:.0f} KB")

    def read():
        return workbook.read_workbook(SimpleUploadedFile("plan.xlsx", data))

    draft = timed("read and check", read)
    print(
        f"  {len(draft.items)} items, {len(draft.indicators)} indicators, {len(draft.schedule)} schedule rows"
    )
    timed("preview (dry run)", lambda: workbook.import_plan(draft, dry_run=True))
    changes = timed("import", lambda: workbook.import_plan(draft, dry_run=False))
    print(f"  created: {sum(c['create'] for c in changes.counts.values())} rows")
    exported = timed("export the plan", lambda: workbook.export_plan(changes.plan))
    # The export names each row by its key, as the file a city edits and uploads
    # again does; the bench's hand-made workbook has no keys, so its rows are new.
    again = timed(
        "import the export again",
        lambda: workbook.import_plan(
            workbook.read_workbook(SimpleUploadedFile("plan.xlsx", exported)),
            dry_run=False,
        ),
    )
    print(f"  changed: {len(again.lines)} rows")


if __name__ == "__main__":
    main()
