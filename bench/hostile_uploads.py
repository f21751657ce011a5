"""Time and peak memory of refusing crafted uploads, each of which once cost seconds.

    .venv/bin/python bench/hostile_uploads.py

Starts from the seed plan's real files (a division's downloaded sheets
workbook and the plan workbook export), crafts them as an attacker with a zip
tool would (tests/hostile.py), and reads each through the code the upload
pages call: sheetfiles.read_upload and plans.workbook.read_workbook. Prints,
per case, the upload's size, the wall time and the peak Python memory
(tracemalloc) until the refusal, and the refusal itself. Goal: every case
refused within 1 s and 100 MB.
"""

from __future__ import annotations

import time
import tracemalloc

from _setup import Table
from _setup import setup_django

ROWS = [1_000, 20_000, 1_048_576]


def meta_address_moved(data: bytes, row: int) -> bytes:
    """The sheets workbook whose `_meta` names row `row` for its first cell."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    book["_meta"].cell(2, 5).value = f"A{row}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    setup_django()

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from plans import workbook
    from plans.models import Division
    from plans.models import Membership
    from reformtracker.lib.uploads import UploadRejected
    from surveys import sheetfiles
    from surveys.seed import load_seed
    from tests import hostile
    from tests.conftest import make_user
    from tests.factories import open_period_for_two_weeks

    translation.activate("en")
    plan = load_seed()
    hq = make_user("hq", role=Membership.Role.HQ)
    division = Division.objects.get(city=plan.city, name="市民協働・男女参画推進課")
    staff = make_user("staff", divisions=[division.name])
    period = open_period_for_two_weeks(plan, by=hq)
    sheets = sheetfiles.sheets_workbook_for(staff, period)
    plan_file = workbook.export_plan(plan)

    def read_sheets(data):
        sheetfiles.read_upload(staff, period, SimpleUploadedFile("s.xlsx", data))

    def read_plan(data):
        workbook.read_workbook(SimpleUploadedFile("p.xlsx", data))

    cases = []
    for row in ROWS:
        cases.append(
            (f"sheets: _meta and worksheets to XFD{row}", read_sheets,
             hostile.padded_to_row(sheets, row))
        )  # fmt: skip
    for row in ROWS:
        moved = meta_address_moved(sheets, min(row, 1_000))
        cases.append(
            (f"sheets: worksheets but _meta to XFD{row}", read_sheets,
             hostile.padded_to_row(moved, row, leave=hostile.meta_part(sheets)))
        )  # fmt: skip
    for row in ROWS:
        cases.append(
            (f"plan: every sheet to XFD{row}", read_plan,
             hostile.padded_to_row(plan_file, row))
        )  # fmt: skip
    cases.append(
        ("sheets: 190 MB sharedStrings", read_sheets,
         hostile.with_shared_strings(sheets, 190))
    )  # fmt: skip
    cases.append(
        ("plan: 190 MB sharedStrings", read_plan,
         hostile.with_shared_strings(plan_file, 190))
    )  # fmt: skip

    table = Table(
        "case:<40", "upload KB:>10.1f", "seconds:>8.3f", "peak MB:>8.1f", "refusal:"
    )
    for name, read, data in cases:
        tracemalloc.start()
        start = time.perf_counter()
        try:
            read(data)
            outcome = "ACCEPTED"
        except (UploadRejected, workbook.WorkbookInvalid) as refusal:
            outcome = getattr(refusal, "message", str(refusal))
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        table.row(name, len(data) / 1024, seconds, peak, outcome[:70])


if __name__ == "__main__":
    main()
