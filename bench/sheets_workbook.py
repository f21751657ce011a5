"""Time the survey-sheets workbook against bare openpyxl writing the same cells.

    .venv/bin/python bench/sheets_workbook.py [--repeat N]

For the seed plan and a plan ten times its size: the time to build the styled
workbook (queries included), its query count, and the floor: the same cell
values written by bare openpyxl, one worksheet per sheet, no styles, merges,
widths or print setup. The ratio is styled / floor, the floor saved as openpyxl
saves (Workbook.save: a temporary file per worksheet). The product saves with
reformtracker.lib.xlsx.save, which keeps each worksheet's XML in memory: the
second ratio is styled / the same floor saved that way, so it counts only the
styling work and none of the saving speed-up.
"""

from __future__ import annotations

import argparse
import io

from _setup import Table
from _setup import median_time
from _setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    import openpyxl
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reformtracker.lib import xlsx
    from surveys import reports
    from surveys.seed import load_seed
    from tests.factories import scaled_copy

    seed = load_seed()
    plans = [(1, seed), (10, scaled_copy(seed, 10))]

    print(f"database: {connection.vendor}; median of {args.repeat} runs")
    table = Table(
        "plan:>5", "sheets:>7", "cells:>8", "queries:>8", "styled s:>9.2f",
        "floor s:>8.2f", "ratio:>6.2f", "in-memory floor s:>18.2f", "ratio:>6.2f",
        "size KB:>8.0f",
    )  # fmt: skip
    for factor, plan in plans:
        period = plan.periods.get()
        with CaptureQueriesContext(connection) as queries:
            data = reports.sheets_workbook(plan, period)
        styled = median_time(args.repeat, lambda: reports.sheets_workbook(plan, period))

        # The same values, read back from the styled workbook.
        grid = [
            (ws.title, [list(row) for row in ws.iter_rows(values_only=True)])
            for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets
        ]
        cells = sum(
            1 for _, rows in grid for row in rows for value in row if value is not None
        )

        def floor(grid=grid, save=lambda workbook: workbook.save(io.BytesIO())):
            workbook = openpyxl.Workbook()
            workbook.remove(workbook.active)
            for title, rows in grid:
                ws = workbook.create_sheet(title)
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row, start=1):
                        if value is not None:
                            ws.cell(row=r, column=c, value=value)
            save(workbook)

        bare = median_time(args.repeat, floor)
        in_memory = median_time(args.repeat, lambda: floor(save=xlsx.save))
        table.row(
            f"{factor}×", len(grid), cells, len(queries.captured_queries), styled,
            bare, styled / bare, in_memory, styled / in_memory, len(data) / 1024,
        )  # fmt: skip


if __name__ == "__main__":
    main()
