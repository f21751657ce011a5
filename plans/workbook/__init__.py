"""The plan workbook: a whole plan in one .xlsx, written and read back.

One worksheet per part of the plan (プラン, 評価区分, 分野, 所管課, 取組項目,
指標, 工程表), a header in row 1 and one record per row, plus a 説明 sheet
generated from the same column definitions (schema, columns). `export_plan` writes it
(export); `read_workbook` reads and checks it without touching the database
(read, cells, checks); `import_plan` writes it in one transaction, matching
what exists by natural and stable keys, so that importing an unchanged export
changes nothing and a renumbered or moved row keeps its survey data (apply,
apply_items, keys, sync). Rows left out are removed unless survey data
depends on them (removals). A dry run does the same work and rolls it back,
so the preview lists exactly what the confirmation will do (changes).
"""

from plans.workbook.apply import import_plan
from plans.workbook.cells import to_cell
from plans.workbook.changes import Change
from plans.workbook.changes import Changes
from plans.workbook.columns import Column
from plans.workbook.columns import Sheet
from plans.workbook.export import export_plan
from plans.workbook.read import PlanDraft
from plans.workbook.read import Reader
from plans.workbook.read import WorkbookInvalid
from plans.workbook.read import read_workbook
from plans.workbook.schema import SHEETS
from plans.workbook.schema import schedule_sheet
from plans.workbook.schema import year_header

__all__ = [
    "SHEETS",
    "Change",
    "Changes",
    "Column",
    "PlanDraft",
    "Reader",
    "Sheet",
    "WorkbookInvalid",
    "export_plan",
    "import_plan",
    "read_workbook",
    "schedule_sheet",
    "to_cell",
    "year_header",
]
