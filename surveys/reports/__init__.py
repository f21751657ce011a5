"""Excel reports for the committee and HQ, in the layouts they already know from seed 000/001.

1. summary: the evaluation summary (評価一覧), per area, each item with its ratings;
2. counts: the count table (表1), grades per area;
3. sheets: the survey sheets (調査票), one worksheet per item and sub-item;
4. trend: each item's rating across every period;
5. progress_report: the progress report (進捗状況報告書), a Word document.

The cells they share are written by cells.
"""

from surveys.reports.counts import counts_workbook
from surveys.reports.progress_report import progress_report
from surveys.reports.progress_report import progress_report_content
from surveys.reports.sheets import PDCA_HEADERS
from surveys.reports.sheets import SHEET_COLUMNS
from surveys.reports.sheets import SheetTitles
from surveys.reports.sheets import rating_label
from surveys.reports.sheets import sheet_names
from surveys.reports.sheets import sheet_titles
from surveys.reports.sheets import sheets_for_workbook
from surveys.reports.sheets import sheets_workbook
from surveys.reports.sheets import write_sheet
from surveys.reports.summary import SUMMARY_HEADERS
from surveys.reports.summary import summary_workbook
from surveys.reports.trend import trend_workbook

__all__ = [
    "PDCA_HEADERS",
    "SHEET_COLUMNS",
    "SUMMARY_HEADERS",
    "SheetTitles",
    "counts_workbook",
    "progress_report",
    "progress_report_content",
    "rating_label",
    "sheet_names",
    "sheet_titles",
    "sheets_for_workbook",
    "sheets_workbook",
    "summary_workbook",
    "trend_workbook",
    "write_sheet",
]
