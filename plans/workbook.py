"""The plan workbook: a whole plan in one .xlsx, written and read back.

One worksheet per part of the plan (プラン, 評価区分, 分野, 所管課, 取組項目, 指標,
工程表), a header in row 1 and one record per row, plus a 説明 sheet generated
from the same column definitions. `export_plan` writes it; `read_workbook`
reads and checks it without touching the database; `import_plan` writes it in
one transaction, matching what exists by natural keys (the plan by city and
name, areas and divisions by name, items by number, indicators and schedule
rows by their position under the item), so importing an unchanged export
changes nothing. A dry run does the same work and rolls it back, so the
preview lists exactly what the confirmation will do.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans.models import (
    Division,
    Grade,
    Indicator,
    IndicatorValue,
    Item,
    ItemDivision,
    Plan,
    PolicyArea,
    RatingScale,
    ScheduleRow,
)
from reformtracker.lib import xlsx
from reformtracker.lib.fiscal import fiscal_year_label
from reformtracker.lib.labels import SHEET_TEXT_BY_CODE, SHEET_TEXT_BY_FIELD
from reformtracker.lib.uploads import (
    Problem,
    cell_text,
    is_formula,
    open_workbook,
    reading,
)

YES = "○"
NO = "×"
YES_WORDS = {"○", "〇", "◯", "1", "TRUE", "はい", "Y", "YES"}
NO_WORDS = {"", "×", "✕", "0", "FALSE", "いいえ", "N", "NO"}
LIST_SPLIT = re.compile(r"[、,，\n]")
YEAR_HEADER = re.compile(r"^(\d{4})年度")
# The decimal places of the indicators' numbers (Indicator.baseline_value).
STORED_PLACES = Decimal("0.0001")
# The first day of Excel's calendar (the 1900 date system).
FIRST_EXCEL_DATE = datetime.date(1900, 1, 1)
CADENCES = {"半期": Plan.Cadence.HALF_YEARLY, "通年": Plan.Cadence.YEARLY}
RATING_TARGETS = {
    "項目": Plan.RatingTarget.ITEM,
    "工程表の行": Plan.RatingTarget.SCHEDULE_ROW,
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    kind: str = "text"  # text, int, year, decimal, date, flag, list, colour
    required: bool = False
    max_length: int | None = None
    default: object = ""
    width: int = 16
    # Columns added after the first version may be absent from older files.
    optional: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    help: str
    columns: tuple[Column, ...]

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)


PLAN = Sheet(
    "プラン",
    "プランそのもの。1行だけ記入します。",
    (
        Column("city", "自治体", "自治体名。例: 小平市", required=True, max_length=50),
        Column(
            "name",
            "プラン名",
            "自治体名とあわせてプランを特定します。同じ自治体・プラン名のプランがあれば更新します。",
            required=True,
            max_length=200,
            width=30,
        ),
        Column("first_fiscal_year", "開始年度", "西暦の年度。例: 2017", "year", True),
        Column("last_fiscal_year", "終了年度", "西暦の年度。例: 2020", "year", True),
        Column(
            "cadence",
            "報告周期",
            "「半期」（上半期・下半期の年2回）または「通年」（年1回）",
            required=True,
        ),
        Column(
            "scale_code",
            "評価区分コード",
            "評価区分の英数字コード。例: sab。同じコードの評価区分があれば、それを更新します。",
            required=True,
            max_length=50,
        ),
        Column(
            "scale_name",
            "評価区分名",
            "例: S/A/B評価",
            required=True,
            max_length=100,
            width=20,
        ),
        Column(
            "numbered_items",
            "番号の表示",
            "取組項目を番号付き（No.1 など）で表示するなら ○、番号を表示しないなら ×",
            "flag",
            default=True,
            optional=True,
        ),
        Column(
            "second_round",
            "2次評価",
            "行革本部が所管課の評価のあとに2次評価をするなら ○、所管課の評価だけなら ×",
            "flag",
            default=True,
            optional=True,
        ),
        Column(
            "rating_target",
            "評価の単位",
            "「項目」（取組項目ごとに評価）または「工程表の行」（工程表の行ごとに状況を記入）",
            default="項目",
            optional=True,
        ),
        Column(
            "sheet_fields",
            "記入項目",
            "調査票で記入する項目。P（当初予定）、D（取組実績）、A（課題と今後の取組）を"
            "「、」で区切って並べ、見出しを変えるなら「D=取組状況」のように書きます。"
            "空欄なら P、D、A",
            "list",
            optional=True,
            width=30,
        ),
        Column(
            "previous_plan",
            "前のプラン",
            "このプランが引き継ぐ、同じ自治体の前のプランの名称。なければ空欄",
            max_length=200,
            width=30,
            optional=True,
        ),
    ),
)

SCALE = Sheet(
    "評価区分",
    "評価の記号。上から順に、よい評価から並べます。",
    (
        Column(
            "code",
            "記号",
            "表や報告書に出る記号。例: S、◎",
            required=True,
            max_length=8,
        ),
        Column(
            "label",
            "名称",
            "例: 予定どおりに進捗",
            required=True,
            max_length=50,
            width=24,
        ),
        Column("description", "説明", "記号の意味の説明", max_length=200, width=40),
        Column(
            "colour",
            "色",
            "#で始まる6桁の色コード。例: #259d63",
            "colour",
            default="#767676",
        ),
        Column(
            "reason_required",
            "理由必須",
            "この評価には理由の記入が必要なら ○",
            "flag",
            default=False,
        ),
    ),
)

AREAS = Sheet(
    "分野",
    "分野（施策の柱）。上から順に並びます。下位の分野は、上位分野の名称を「上位分野」に書き、上位分野より下の行に置きます。",
    (
        Column("number", "番号", "例: Ⅰ、1、(1)。なければ空欄", max_length=10),
        Column(
            "name",
            "分野名",
            "プランの中で重複しない名称",
            required=True,
            max_length=200,
            width=40,
        ),
        Column("parent", "上位分野", "入れ子にする場合、上位の分野名", width=30),
    ),
)

DIVISIONS = Sheet(
    "所管課",
    "取組項目を所管する課。取組項目の「所管課」には、ここに書いた名称を使います。",
    (
        Column(
            "name", "所管課名", "現在の課名", required=True, max_length=100, width=30
        ),
        Column(
            "former_names",
            "旧名称",
            "以前の課名。複数あれば「、」で区切ります",
            "list",
            max_length=300,
            width=30,
        ),
        Column(
            "active",
            "有効",
            "現存する課なら ○、廃止された課なら ×",
            "flag",
            default=True,
        ),
    ),
)

ITEMS = Sheet(
    "取組項目",
    "取組項目と、その下のサブ項目。上から順に並びます。",
    (
        Column(
            "number",
            "番号",
            "プランの中で重複しない番号。例: 2、2-1。番号を表示しないプランでは空欄でもよく、"
            "空欄なら上から順に番号を振ります",
            max_length=20,
        ),
        Column("parent", "上位項目", "サブ項目なら、上位の取組項目の番号"),
        Column("area", "分野", "「分野」シートの分野名", required=True, width=30),
        Column("title", "取組項目名", "", required=True, max_length=300, width=40),
        Column("purpose", "目的・ねらい", "", width=50),
        Column("content", "内容", "", width=50),
        Column("is_new", "新規", "新規の取組なら ○", "flag", default=False, width=8),
        Column(
            "is_follow_up",
            "フォローアップ",
            "前のプランからの継続なら ○",
            "flag",
            default=False,
            width=8,
        ),
        Column("relisted_from", "再掲元", "他の分野の取組項目の再掲なら、その番号"),
        Column(
            "divisions",
            "所管課",
            "「所管課」シートの課名。複数なら「、」で区切り、主管課を先に書きます",
            "list",
            width=40,
        ),
        Column(
            "carried_from",
            "前のプランの番号",
            "前のプランの取組項目を引き継ぐ（フォローアップ）場合、その番号",
            optional=True,
        ),
    ),
)

INDICATORS = Sheet(
    "指標",
    "取組項目の指標。同じ取組項目の指標は、上から順に並びます。",
    (
        Column("item", "項目番号", "「取組項目」シートの番号", required=True),
        Column("marker", "記号", "例: ①", max_length=5, width=8),
        Column("name", "指標名", "", required=True, max_length=300, width=40),
        Column("unit", "単位", "例: 人、件", max_length=30, width=8),
        Column("baseline_text", "現状値", "表に出るとおりの文字", width=30),
        Column(
            "baseline_value",
            "現状値（数値）",
            "集計に使う数値。なければ空欄",
            "decimal",
            default=None,
        ),
        Column(
            "baseline_as_of",
            "現状値の時点",
            "日付。例: 2017/3/31",
            "date",
            default=None,
        ),
        Column("target_text", "目標値", "表に出るとおりの文字", width=30),
        Column(
            "target_value",
            "目標値（数値）",
            "集計に使う数値。なければ空欄",
            "decimal",
            default=None,
        ),
        Column(
            "target_fiscal_year",
            "目標年度",
            "西暦の年度。プランの最終年度なら空欄",
            "year",
            default=None,
        ),
    ),
)

SCHEDULE_BASE = (
    Column("item", "項目番号", "「取組項目」シートの番号", required=True),
    Column("activity", "実施内容", "工程表の行", width=40),
)
SCHEDULE_HELP = (
    "工程表。実施内容の右に、プランの年度ごとの列（「2017年度」のように西暦で始まる見出し）"
    "を置き、その年度の予定（例: 検討、実施）を短く書きます。"
)

SHEETS = (PLAN, SCALE, AREAS, DIVISIONS, ITEMS, INDICATORS)
GUIDE = "説明"


def schedule_sheet(years) -> Sheet:
    return Sheet(
        "工程表",
        SCHEDULE_HELP,
        SCHEDULE_BASE
        + tuple(
            Column(f"year:{year}", year_header(year), "", max_length=50, width=12)
            for year in years
        ),
    )


def year_header(year: int) -> str:
    return f"{year}年度（{fiscal_year_label(year)}）"


# Writing


def export_plan(plan: Plan | None) -> bytes:
    """The plan as a plan workbook; with no plan, the empty template."""
    workbook = xlsx.new_workbook()
    years = plan.fiscal_years if plan else range(0)
    sheets = (*SHEETS, schedule_sheet(years))
    _write_guide(workbook.create_sheet(GUIDE), sheets)
    rows = _plan_rows(plan) if plan else {}
    for sheet in sheets:
        _write_table(workbook.create_sheet(sheet.name), sheet, rows.get(sheet.name, []))
    return xlsx.save(workbook)


def _write_guide(ws, sheets) -> None:
    xlsx.put(
        ws, 1, 1, "ReformTracker プラン・ワークブック", font=xlsx.TITLE, border=False
    )
    xlsx.put(
        ws,
        2,
        1,
        "各シートの1行目が見出しです。見出しは変えずに、2行目から1行に1件ずつ記入します。"
        "数式は使えません。○は「はい」の意味です。",
        border=False,
    )
    xlsx.header_row(ws, 4, ["シート", "列", "必須", "説明"])
    row = 5
    for sheet in sheets:
        xlsx.put(ws, row, 1, sheet.name, font=xlsx.BOLD)
        xlsx.put_merged(ws, row, 2, 4, sheet.help)
        row += 1
        for column in sheet.columns:
            xlsx.put(ws, row, 1, "")
            xlsx.put(ws, row, 2, column.header)
            xlsx.put(ws, row, 3, YES if column.required else "", alignment=xlsx.CENTER)
            xlsx.put(ws, row, 4, column.help)
            row += 1
        if sheet.name == "工程表":
            xlsx.put(ws, row, 1, "")
            xlsx.put(ws, row, 2, "2017年度（平成29年度） など")
            xlsx.put(ws, row, 3, "")
            xlsx.put(ws, row, 4, "プランの各年度の予定")
            row += 1
    xlsx.set_widths(ws, [14, 22, 6, 90])


def _write_table(ws, sheet: Sheet, rows: list[dict]) -> None:
    xlsx.header_row(ws, 1, [c.header for c in sheet.columns])
    for r, record in enumerate(rows, start=2):
        for c, column in enumerate(sheet.columns, start=1):
            xlsx.put(ws, r, c, _to_cell(column, record.get(column.key)))
            if column.kind == "date" and record.get(column.key):
                ws.cell(r, c).number_format = "yyyy/m/d"
    flags = [
        c for c, column in enumerate(sheet.columns, start=1) if column.kind == "flag"
    ]
    for c in flags:
        validation = DataValidation(
            type="list", formula1=f'"{YES},{NO}"', allow_blank=True
        )
        letter = get_column_letter(c)
        validation.add(f"{letter}2:{letter}{max(len(rows) + 1, 2) + 500}")
        ws.add_data_validation(validation)
    xlsx.set_widths(ws, [column.width for column in sheet.columns])
    ws.freeze_panes = "A2"


def _to_cell(column: Column, value):
    if column.kind == "flag":
        return YES if value else NO
    if column.kind == "list":
        return "、".join(value or [])
    if column.kind == "decimal" and value is not None:
        if value == value.to_integral_value():
            return int(value)
        # Excel numbers keep 15 significant digits; a longer number is
        # written as text, so that it reads back whole.
        if len(value.normalize().as_tuple().digits) > 15:
            return str(value)
        return float(value)
    return value


def _plan_rows(plan: Plan) -> dict[str, list[dict]]:
    scale = plan.rating_scale
    areas = list(plan.areas.select_related("parent").order_by("order"))
    items = list(
        plan.items.select_related("area", "parent", "relisted_from", "carried_from")
        .prefetch_related("division_links__division")
        .order_by("order")
    )
    divisions: dict[int, Division] = {}
    for item in items:
        for division in item.division_list:
            divisions.setdefault(division.pk, division)
    indicators = Indicator.objects.filter(item__plan=plan).select_related("item")
    schedule = ScheduleRow.objects.filter(item__plan=plan).select_related("item")
    item_order = {item.pk: item.order for item in items}
    return {
        PLAN.name: [
            {
                "city": plan.city,
                "name": plan.name,
                "first_fiscal_year": plan.first_fiscal_year,
                "last_fiscal_year": plan.last_fiscal_year,
                "cadence": next(k for k, v in CADENCES.items() if v == plan.cadence),
                "scale_code": scale.code,
                "scale_name": scale.name,
                "numbered_items": plan.numbered_items,
                "second_round": plan.second_round,
                "rating_target": next(
                    k for k, v in RATING_TARGETS.items() if v == plan.rating_target
                ),
                "sheet_fields": [
                    SHEET_TEXT_BY_FIELD[f["field"]].code
                    + (f"={f['label']}" if f.get("label") else "")
                    for f in plan.sheet_fields
                ],
                "previous_plan": plan.previous_plan.name if plan.previous_plan else "",
            }
        ],
        SCALE.name: [
            {
                "code": g.code,
                "label": g.label,
                "description": g.description,
                "colour": g.colour,
                "reason_required": g.reason_required,
            }
            for g in scale.grades.order_by("order")
        ],
        AREAS.name: [
            {
                "number": a.number,
                "name": a.name,
                "parent": a.parent.name if a.parent else "",
            }
            for a in areas
        ],
        DIVISIONS.name: [
            {
                "name": d.name,
                "former_names": [n for n in d.former_names.split("、") if n],
                "active": d.active,
            }
            for d in sorted(divisions.values(), key=lambda d: d.name)
        ],
        ITEMS.name: [
            {
                "number": i.number,
                "parent": i.parent.number if i.parent else "",
                "area": i.area.name,
                "title": i.title,
                "purpose": i.purpose,
                "content": i.content,
                "is_new": i.is_new,
                "is_follow_up": i.is_follow_up,
                "relisted_from": i.relisted_from.number if i.relisted_from else "",
                "divisions": [d.name for d in i.division_list],
                "carried_from": i.carried_from.number if i.carried_from else "",
            }
            for i in items
        ],
        INDICATORS.name: [
            {
                "item": x.item.number,
                "marker": x.marker,
                "name": x.name,
                "unit": x.unit,
                "baseline_text": x.baseline_text,
                "baseline_value": x.baseline_value,
                "baseline_as_of": x.baseline_as_of,
                "target_text": x.target_text,
                "target_value": x.target_value,
                "target_fiscal_year": x.target_fiscal_year,
            }
            for x in sorted(indicators, key=lambda x: (item_order[x.item_id], x.order))
        ],
        "工程表": [
            {
                "item": s.item.number,
                "activity": s.activity,
                **{f"year:{year}": s.word_for(year) for year in plan.fiscal_years},
            }
            for s in sorted(schedule, key=lambda s: (item_order[s.item_id], s.order))
        ],
    }


# Reading


@dataclass
class PlanDraft:
    """What a plan workbook says, checked, as plain records."""

    plan: dict
    grades: list[dict]
    areas: list[dict]
    divisions: list[dict]
    items: list[dict]
    indicators: list[dict]
    schedule: list[dict]


class WorkbookInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def read_workbook(upload) -> PlanDraft:
    """Read and check a plan workbook; raise WorkbookInvalid listing every problem.

    Raises plans.uploads.UploadRejected when the file is not a workbook at all.
    """
    workbook = open_workbook(upload)
    reader = _Reader(workbook)
    try:
        with reading():
            draft = reader.read()
    finally:
        workbook.close()
    if reader.problems:
        raise WorkbookInvalid(reader.problems)
    return draft


class _Reader:
    def __init__(self, workbook):
        self.workbook = workbook
        self.problems: list[Problem] = []

    def problem(self, sheet: str, row: int | None, column: str | None, message: str):
        self.problems.append(Problem(sheet, row, column, message))

    def read(self) -> PlanDraft:
        plan_rows = self.records(PLAN)
        plan = plan_rows[0][1] if plan_rows else {}
        if len(plan_rows) != 1:
            self.problem(
                PLAN.name, None, None, _("Fill in exactly one row for the plan.")
            )
        else:
            self.check_plan(plan_rows[0][0], plan)
        years = (
            range(plan["first_fiscal_year"], plan["last_fiscal_year"] + 1)
            if plan.get("first_fiscal_year") and plan.get("last_fiscal_year")
            else range(0)
        )
        grades = self.unique(SCALE, self.records(SCALE), "code")
        if SCALE.name in self.workbook.sheetnames and not grades:
            self.problem(SCALE.name, None, None, _("List at least one grade."))
        areas = self.unique(AREAS, self.records(AREAS), "name")
        divisions = self.unique(DIVISIONS, self.records(DIVISIONS), "name")
        items = self.unique(
            ITEMS,
            self.numbered(self.records(ITEMS), plan.get("numbered_items", True)),
            "number",
        )
        indicators = self.records(INDICATORS)
        schedule = self.records(schedule_sheet(years), year_columns=True, years=years)
        self.check_areas(areas)
        self.check_items(items, {a["name"] for _, a in areas}, divisions)
        numbers = {i["number"] for _, i in items}
        for sheet, rows in (
            (INDICATORS, indicators),
            (schedule_sheet(years), schedule),
        ):
            for row, record in rows:
                if record["item"] and record["item"] not in numbers:
                    self.problem(
                        sheet.name,
                        row,
                        sheet.header("item"),
                        _("No item numbered “%(number)s” in the sheet “取組項目”.")
                        % {"number": record["item"]},
                    )
        return PlanDraft(
            plan=plan,
            grades=[g for _, g in grades],
            areas=[a for _, a in areas],
            divisions=[d for _, d in divisions],
            items=[i for _, i in items],
            indicators=[i for _, i in indicators],
            schedule=[s for _, s in schedule],
        )

    # Sheets and cells

    def records(self, sheet: Sheet, *, year_columns=False, years=()) -> list:
        """(row number, record) for each non-empty row of a sheet."""
        if sheet.name not in self.workbook.sheetnames:
            self.problem(sheet.name, None, None, _("The sheet is missing."))
            return []
        rows = self.workbook[sheet.name].iter_rows()
        header = next(rows, ())
        positions = {cell_text(cell.value): i for i, cell in enumerate(header)}
        columns = list(sheet.columns)
        if year_columns:
            columns = list(SCHEDULE_BASE)
            for text, position in positions.items():
                match = YEAR_HEADER.match(text)
                if not match:
                    continue
                year = int(match.group(1))
                if year not in years:
                    self.problem(
                        sheet.name,
                        1,
                        text,
                        _("%(year)s is not a fiscal year of the plan.")
                        % {"year": year},
                    )
                columns.append(Column(f"year:{year}", text, "", max_length=50))
        missing = [
            c.header for c in columns if c.header not in positions and not c.optional
        ]
        for header_text in missing:
            self.problem(sheet.name, 1, header_text, _("The column is missing."))
        if missing:
            return []
        records = []
        for row_number, cells in enumerate(rows, start=2):
            if all(cell.value in (None, "") for cell in cells):
                continue
            record = {}
            for column in columns:
                position = positions.get(column.header, len(cells))
                cell = cells[position] if position < len(cells) else None
                record[column.key] = self.value(sheet, row_number, column, cell)
            if year_columns:
                record["years"] = {
                    key.split(":")[1]: record.pop(key)
                    for key in list(record)
                    if key.startswith("year:") and record[key]
                }
            records.append((row_number, record))
        return records

    def value(self, sheet: Sheet, row: int, column: Column, cell):
        if cell is not None and is_formula(cell):
            self.problem(
                sheet.name,
                row,
                column.header,
                _("Formulas are not accepted; type the value itself."),
            )
            return column.default
        raw = cell.value if cell is not None else None
        text = cell_text(raw)
        if not text:
            if column.required:
                self.problem(
                    sheet.name, row, column.header, _("This cell is required.")
                )
            return [] if column.kind == "list" else column.default
        bad = _("“%(text)s” is not %(what)s.")
        if column.kind == "year":
            # Four digits: str.isdigit() also takes ² and the like, which int() refuses.
            if not (re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2200):
                self.problem(
                    sheet.name,
                    row,
                    column.header,
                    bad % {"text": text, "what": _("a fiscal year such as 2017")},
                )
                return None
            return int(text)
        if column.kind == "decimal":
            try:
                number = (
                    Decimal(str(raw))
                    if isinstance(raw, int | float)
                    else Decimal(text.replace(",", ""))
                )
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite() and abs(number) < 10**14:
                # As stored, with four decimal places: 99999999999999.99999 rounds
                # to 10**14, which the column cannot hold.
                number = number.quantize(STORED_PLACES)
            if number is None or not number.is_finite() or abs(number) >= 10**14:
                self.problem(
                    sheet.name,
                    row,
                    column.header,
                    bad % {"text": text, "what": _("a number")},
                )
                return None
            return number
        if column.kind == "date":
            if isinstance(raw, datetime.datetime):
                date = raw.date()
            elif isinstance(raw, datetime.date):
                date = raw
            else:
                try:
                    date = datetime.date.fromisoformat(text.replace("/", "-"))
                except ValueError:
                    date = None
            if date is None:
                self.problem(
                    sheet.name,
                    row,
                    column.header,
                    bad % {"text": text, "what": _("a date such as 2017/3/31")},
                )
                return None
            # Excel has no dates before 1900: exported, such a date would not
            # read back as itself.
            if date < FIRST_EXCEL_DATE:
                self.problem(
                    sheet.name,
                    row,
                    column.header,
                    bad
                    % {
                        "text": text,
                        "what": _("a date from 1900 on, such as 2017/3/31"),
                    },
                )
                return None
            return date
        if column.kind == "flag":
            if text.upper() in YES_WORDS:
                return True
            if text.upper() in NO_WORDS:
                return False
            self.problem(
                sheet.name,
                row,
                column.header,
                bad % {"text": text, "what": _("○ or ×")},
            )
            return column.default
        if column.kind == "list":
            parts = [part.strip() for part in LIST_SPLIT.split(text) if part.strip()]
            stored = "、".join(parts)
            if column.max_length and len(stored) > column.max_length:
                self.problem(
                    sheet.name,
                    row,
                    column.header,
                    _("At most %(limit)d characters (this has %(length)d).")
                    % {"limit": column.max_length, "length": len(stored)},
                )
            return parts
        if column.kind == "colour":
            if not re.fullmatch(r"#[0-9A-Fa-f]{6}", text):
                self.problem(
                    sheet.name,
                    row,
                    column.header,
                    bad % {"text": text, "what": _("a colour such as #259d63")},
                )
                return column.default
            return text.lower()
        if column.max_length and len(text) > column.max_length:
            self.problem(
                sheet.name,
                row,
                column.header,
                _("At most %(limit)d characters (this has %(length)d).")
                % {"limit": column.max_length, "length": len(text)},
            )
        return text

    def numbered(self, rows: list, numbered: bool) -> list:
        """Items with a number each: required if the plan shows numbers, else given in order."""
        taken = {record["number"] for _row, record in rows if record["number"]}
        counter = 0
        for row, record in rows:
            if record["number"]:
                continue
            if numbered:
                self.problem(
                    ITEMS.name, row, ITEMS.header("number"), _("This cell is required.")
                )
                continue
            counter += 1
            while str(counter) in taken:
                counter += 1
            record["number"] = str(counter)
            taken.add(record["number"])
        return rows

    def unique(self, sheet: Sheet, rows: list, key: str) -> list:
        seen: dict[str, int] = {}
        result = []
        for row, record in rows:
            value = record[key]
            if value and value in seen:
                self.problem(
                    sheet.name,
                    row,
                    sheet.header(key),
                    _("“%(value)s” is already in row %(row)s.")
                    % {"value": value, "row": seen[value]},
                )
                continue
            seen[value] = row
            result.append((row, record))
        return result

    # Rules across rows and sheets

    def check_plan(self, row: int, plan: dict) -> None:
        first, last = plan.get("first_fiscal_year"), plan.get("last_fiscal_year")
        if first and last and first > last:
            self.problem(
                PLAN.name,
                row,
                PLAN.header("last_fiscal_year"),
                _("The last fiscal year is before the first."),
            )
        if plan.get("cadence") and plan["cadence"] not in CADENCES:
            self.problem(
                PLAN.name,
                row,
                PLAN.header("cadence"),
                _("Write 半期 or 通年."),
            )
        else:
            plan["cadence"] = CADENCES.get(plan.get("cadence"), "")
        target = plan.get("rating_target") or "項目"
        if target not in RATING_TARGETS:
            self.problem(
                PLAN.name,
                row,
                PLAN.header("rating_target"),
                _("Write 項目 or 工程表の行."),
            )
        plan["rating_target"] = RATING_TARGETS.get(target, Plan.RatingTarget.ITEM)
        fields = []
        for part in plan.get("sheet_fields") or ["P", "D", "A"]:
            code, _sep, label = part.partition("=")
            text = SHEET_TEXT_BY_CODE.get(code.strip().upper())
            name = text.field if text else None
            if name is None or name in [f["field"] for f in fields]:
                self.problem(
                    PLAN.name,
                    row,
                    PLAN.header("sheet_fields"),
                    _(
                        "“%(part)s”: list P, D and A, each at most once, as in D=取組状況."
                    )
                    % {"part": part},
                )
                continue
            fields.append({"field": name, "label": label.strip()})
        plan["sheet_fields"] = fields
        if plan.get("scale_code") and not re.fullmatch(
            r"[-a-zA-Z0-9_]+", plan["scale_code"]
        ):
            self.problem(
                PLAN.name,
                row,
                PLAN.header("scale_code"),
                _("Use only letters, digits, - and _."),
            )

    def check_areas(self, areas: list) -> None:
        above: set[str] = set()
        for row, area in areas:
            parent = area["parent"]
            if parent and parent not in above:
                self.problem(
                    AREAS.name,
                    row,
                    AREAS.header("parent"),
                    _("“%(name)s” must be an area listed above this row.")
                    % {"name": parent},
                )
            above.add(area["name"])

    def check_items(self, items: list, areas: set[str], divisions: list) -> None:
        division_names = {d["name"] for _, d in divisions}
        by_number = {i["number"]: i for _, i in items}
        for row, item in items:

            def fault(key, message, row=row):
                self.problem(ITEMS.name, row, ITEMS.header(key), message)

            if item["area"] and item["area"] not in areas:
                fault(
                    "area",
                    _("No area named “%(name)s” in the sheet “分野”.")
                    % {"name": item["area"]},
                )
            for key in ("parent", "relisted_from"):
                number = item[key]
                if not number:
                    continue
                if number == item["number"]:
                    fault(key, _("An item cannot refer to itself."))
                elif number not in by_number:
                    fault(
                        key,
                        _("No item numbered “%(number)s” in this sheet.")
                        % {"number": number},
                    )
                elif key == "relisted_from" and by_number[number]["relisted_from"]:
                    fault(
                        key,
                        _("No.%(number)s is itself a re-listing; refer to its source.")
                        % {"number": number},
                    )
            if (
                item["parent"] in by_number
                and by_number[item["parent"]]["parent"] == item["number"]
            ):
                fault("parent", _("Two items cannot be each other's parent."))
            duplicates = [
                n for n, count in Counter(item["divisions"]).items() if count > 1
            ]
            for name in item["divisions"]:
                if name not in division_names:
                    fault(
                        "divisions",
                        _("No division named “%(name)s” in the sheet “所管課”.")
                        % {"name": name},
                    )
            for name in duplicates:
                fault("divisions", _("“%(name)s” is listed twice.") % {"name": name})


# Writing to the database


@dataclass
class Change:
    sheet: str
    key: str
    action: str  # create, update, delete
    fields: dict = field(default_factory=dict)


@dataclass
class Changes:
    lines: list[Change] = field(default_factory=list)
    unchanged: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    plan: Plan | None = None

    def add(self, sheet: str, key: str, action: str, fields=None) -> None:
        self.lines.append(Change(sheet, key, action, fields or {}))

    @property
    def counts(self) -> dict[str, Counter]:
        """Per sheet: how many rows are created, updated, deleted, unchanged."""
        result: dict[str, Counter] = defaultdict(Counter)
        for line in self.lines:
            result[line.sheet][line.action] += 1
        for sheet, count in self.unchanged.items():
            result[sheet]["unchanged"] += count
        order = [sheet.name for sheet in SHEETS] + ["工程表"]
        return {name: result[name] for name in order if name in result}

    def __bool__(self) -> bool:
        return bool(self.lines)


def import_plan(draft: PlanDraft, *, dry_run: bool) -> Changes:
    """Write the draft in one transaction; a dry run rolls it back. All or nothing.

    Raises WorkbookInvalid when the database refuses what the workbook asks,
    such as removing an item that already has survey sheets.
    """
    with transaction.atomic():
        changes = _Importer(draft).run()
        if changes.problems:
            transaction.set_rollback(True)
            raise WorkbookInvalid(changes.problems)
        if dry_run:
            transaction.set_rollback(True)
    return changes


FIELD_LABELS = {
    **{
        column.key: column.header
        for sheet in SHEETS
        for column in sheet.columns
        if column.key not in ("name", "number", "parent", "area", "item", "code")
    },
    "name": "名称",
    "number": "番号",
    "code": "記号",
    "area_id": "分野",
    "parent_id": "上位",
    "relisted_from_id": "再掲元",
    "rating_scale_id": "評価区分",
    "previous_plan_id": "前のプラン",
    "numbered_items": "番号の表示",
    "second_round": "2次評価",
    "rating_target": "評価の単位",
    "sheet_fields": "記入項目",
    "carried_from_id": "前のプランの番号",
    "order": "並び順",
    "years": "年度ごとの予定",
    "divisions": "所管課",
}


def shown_value(value) -> str:
    """A value as a person reads it in the preview."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, dict):
        return "、".join(f"{year}年度: {word}" for year, word in value.items())
    return str(value)


class _Importer:
    def __init__(self, draft: PlanDraft):
        self.draft = draft
        self.changes = Changes()

    def run(self) -> Changes:
        scale = self.scale()
        plan = self.plan(scale)
        self.changes.plan = plan
        self.grades(scale)
        divisions = self.divisions()
        areas = self.areas(plan)
        items = self.items(plan, areas, divisions)
        if self.changes.problems:
            return self.changes
        self.indicators(plan, items)
        self.schedule(plan, items)
        self.remove_areas(areas)
        return self.changes

    def refuse(self, sheet: str, column: str | None, message: str) -> None:
        self.changes.problems.append(Problem(sheet, None, column, message))

    @staticmethod
    def sync(model, existing: dict, wanted: dict, **extra) -> tuple[dict, dict]:
        """Create or update `model` rows so that each key has the wanted field values.

        Returns every object by key and what changed per key: None for a
        created row, {field: (old, new)} for an updated one.
        """
        objects, diffs, create, update, changed = dict(existing), {}, [], [], set()
        for key, fields in wanted.items():
            obj = existing.get(key)
            if obj is None:
                objects[key] = obj = model(**extra, **fields)
                create.append(obj)
                diffs[key] = None
                continue
            diff = {
                name: (getattr(obj, name), value)
                for name, value in fields.items()
                if getattr(obj, name) != value
            }
            if diff:
                for name, (_old, value) in diff.items():
                    setattr(obj, name, value)
                update.append(obj)
                changed |= diff.keys()
                diffs[key] = diff
        bulk_create_with_history(create, model, batch_size=500)
        if update:
            bulk_update_with_history(update, model, sorted(changed), batch_size=500)
        return objects, diffs

    @staticmethod
    def merge(first: dict, second: dict) -> dict:
        """The changes of two passes over the same rows, one entry per key."""
        merged = dict(first)
        for key, diff in second.items():
            if key in merged and merged[key] is None:
                continue  # created in the first pass
            merged[key] = {**(merged.get(key) or {}), **diff}
        return merged

    def log(self, sheet: str, diffs: dict, total: int, label=str, names=None) -> None:
        """Record the changes of one sheet, fields and values as the workbook shows them.

        `names` turns the ids of foreign keys back into what the workbook
        writes: {"area_id": {pk: name}, ...}.
        """
        for key, diff in diffs.items():
            if diff is None:
                self.changes.add(sheet, label(key), "create")
                continue
            shown = {}
            for name, values in diff.items():
                lookup = (names or {}).get(name)
                shown[FIELD_LABELS.get(name, name)] = tuple(
                    shown_value(lookup.get(value, "") if lookup else value)
                    for value in values
                )
            self.changes.add(sheet, label(key), "update", shown)
        if total > len(diffs):
            self.changes.unchanged[sheet] += total - len(diffs)

    def scale(self) -> RatingScale:
        code, name = self.draft.plan["scale_code"], self.draft.plan["scale_name"]
        existing = {s.code: s for s in RatingScale.objects.filter(code=code)}
        wanted = {code: {"code": code, "name": name}}
        scales, diffs = self.sync(RatingScale, existing, wanted)
        self.log(SCALE.name, diffs, 1, lambda key: f"{PLAN.header('scale_code')} {key}")
        return scales[code]

    def plan(self, scale: RatingScale) -> Plan:
        p = self.draft.plan
        key = (p["city"], p["name"])
        existing = {
            (plan.city, plan.name): plan
            for plan in Plan.objects.filter(city=p["city"], name=p["name"])
        }
        previous = None
        if p.get("previous_plan"):
            previous = Plan.objects.filter(
                city=p["city"], name=p["previous_plan"]
            ).first()
            if previous is None or previous.name == p["name"]:
                self.refuse(
                    PLAN.name,
                    PLAN.header("previous_plan"),
                    _("%(city)s has no other plan named “%(name)s”.")
                    % {"city": p["city"], "name": p["previous_plan"]},
                )
                previous = None
        self.previous = previous
        wanted = {
            key: {
                "city": p["city"],
                "name": p["name"],
                "first_fiscal_year": p["first_fiscal_year"],
                "last_fiscal_year": p["last_fiscal_year"],
                "cadence": p["cadence"],
                "rating_scale_id": scale.pk,
                "previous_plan_id": previous.pk if previous else None,
                "numbered_items": p["numbered_items"],
                "second_round": p["second_round"],
                "rating_target": p["rating_target"],
                "sheet_fields": p["sheet_fields"],
            }
        }
        plans, diffs = self.sync(Plan, existing, wanted)
        names = {
            "rating_scale_id": dict(RatingScale.objects.values_list("pk", "code")),
            "previous_plan_id": dict(
                Plan.objects.filter(city=p["city"]).values_list("pk", "name")
            ),
        }
        self.log(PLAN.name, diffs, 1, lambda key: " ".join(key), names)
        return plans[key]

    def grades(self, scale: RatingScale) -> None:
        existing = {g.code: g for g in scale.grades.all()}
        wanted = {
            g["code"]: {**g, "order": order}
            for order, g in enumerate(self.draft.grades, start=1)
        }
        _objects, diffs = self.sync(Grade, existing, wanted, scale=scale)
        self.log(SCALE.name, diffs, len(wanted))
        for code, grade in existing.items():
            if code in wanted:
                continue
            try:
                grade.delete()
            except (ProtectedError, RestrictedError):
                self.refuse(
                    SCALE.name,
                    SCALE.header("code"),
                    _(
                        "The grade “%(code)s” is not in the workbook but survey "
                        "sheets use it; it cannot be removed."
                    )
                    % {"code": code},
                )
            else:
                self.changes.add(SCALE.name, code, "delete")

    def divisions(self) -> dict[str, Division]:
        wanted = {
            d["name"]: {
                "name": d["name"],
                "former_names": "、".join(d["former_names"]),
                "active": d["active"],
            }
            for d in self.draft.divisions
        }
        existing = {d.name: d for d in Division.objects.filter(name__in=wanted)}
        divisions, diffs = self.sync(Division, existing, wanted)
        self.log(DIVISIONS.name, diffs, len(wanted))
        return divisions

    def areas(self, plan: Plan) -> dict[str, PolicyArea]:
        existing = {a.name: a for a in plan.areas.all()}
        wanted = {
            a["name"]: {"name": a["name"], "number": a["number"], "order": order}
            for order, a in enumerate(self.draft.areas, start=1)
        }
        areas, diffs = self.sync(PolicyArea, existing, wanted, plan=plan)
        parents = {
            a["name"]: {"parent_id": areas[a["parent"]].pk if a["parent"] else None}
            for a in self.draft.areas
        }
        areas, parent_diffs = self.sync(PolicyArea, areas, parents)
        names = {"parent_id": {a.pk: a.name for a in areas.values()}}
        self.log(AREAS.name, self.merge(diffs, parent_diffs), len(wanted), names=names)
        return areas

    def items(self, plan, areas, divisions) -> dict[str, Item]:
        existing = {i.number: i for i in plan.items.all()}
        wanted = {
            i["number"]: {
                "number": i["number"],
                "area_id": areas[i["area"]].pk,
                "title": i["title"],
                "purpose": i["purpose"],
                "content": i["content"],
                "is_new": i["is_new"],
                "is_follow_up": i["is_follow_up"],
                "order": order,
            }
            for order, i in enumerate(self.draft.items, start=1)
        }
        gone = [item for number, item in existing.items() if number not in wanted]
        kept = sorted(
            Item.objects.filter(pk__in=[i.pk for i in gone], sheets__isnull=False)
            .values_list("number", flat=True)
            .distinct()
        )
        for number in kept:
            self.refuse(
                ITEMS.name,
                ITEMS.header("number"),
                _(
                    "No.%(number)s is not in the workbook but has survey sheets; "
                    "it cannot be removed."
                )
                % {"number": number},
            )
        items, diffs = self.sync(Item, existing, wanted, plan=plan)
        earlier = (
            {i.number: i for i in self.previous.items.all()} if self.previous else {}
        )
        for record in self.draft.items:
            number = record.get("carried_from")
            if number and number not in earlier:
                self.refuse(
                    ITEMS.name,
                    ITEMS.header("carried_from"),
                    _("No.%(number)s: the previous plan has no item No.%(carried)s.")
                    % {"number": record["number"], "carried": number},
                )
        links = {
            i["number"]: {
                "carried_from_id": (
                    earlier[i["carried_from"]].pk
                    if i.get("carried_from") in earlier
                    else None
                ),
                "parent_id": items[i["parent"]].pk if i["parent"] else None,
                "relisted_from_id": (
                    items[i["relisted_from"]].pk if i["relisted_from"] else None
                ),
            }
            for i in self.draft.items
        }
        items, link_diffs = self.sync(Item, items, links)
        diffs = self.merge(diffs, link_diffs)
        diffs = self.merge(diffs, self.item_divisions(items, divisions))
        numbers = {i.pk: i.number for i in items.values()}
        names = {
            "carried_from_id": {i.pk: i.number for i in earlier.values()},
            "area_id": {a.pk: a.name for a in areas.values()},
            "parent_id": numbers,
            "relisted_from_id": numbers,
        }
        self.log(ITEMS.name, diffs, len(wanted), lambda key: f"No.{key}", names)
        if gone and not kept:
            Item.objects.filter(pk__in=[i.pk for i in gone]).delete()
            for item in gone:
                self.changes.add(ITEMS.name, f"No.{item.number}", "delete")
        return {number: items[number] for number in wanted}

    def item_divisions(self, items, divisions) -> dict:
        """Replace the division list of each item whose list changed."""
        current = defaultdict(list)
        for link in (
            ItemDivision.objects.filter(item__in=[i.pk for i in items.values()])
            .order_by("order")
            .select_related("division")
        ):
            current[link.item_id].append(link.division.name)
        diffs, stale, create = {}, [], []
        for record in self.draft.items:
            item = items[record["number"]]
            if current[item.pk] == record["divisions"]:
                continue
            stale.append(item.pk)
            create += [
                ItemDivision(item=item, division=divisions[name], order=order)
                for order, name in enumerate(record["divisions"], start=1)
            ]
            diffs[record["number"]] = {
                "divisions": (
                    "、".join(current[item.pk]),
                    "、".join(record["divisions"]),
                )
            }
        ItemDivision.objects.filter(item_id__in=stale).delete()
        bulk_create_with_history(create, ItemDivision, batch_size=500)
        return diffs

    def positional(self, sheet: str, model, plan, items, records, fields_of) -> list:
        """Rows identified by their item and their position under it (1, 2, ...).

        Returns the rows that are no longer in the workbook, not yet deleted.
        """
        existing = {
            (obj.item.number, obj.order): obj
            for obj in model.objects.filter(item__plan=plan).select_related("item")
        }
        wanted, position = {}, Counter()
        for record in records:
            position[record["item"]] += 1
            key = (record["item"], position[record["item"]])
            wanted[key] = {
                "item_id": items[record["item"]].pk,
                "order": position[record["item"]],
                **fields_of(record),
            }
        keep = {key: obj for key, obj in existing.items() if key in wanted}
        _objects, diffs = self.sync(model, keep, wanted)
        self.log(sheet, diffs, len(wanted), lambda key: f"No.{key[0]} ({key[1]})")
        return [obj for key, obj in existing.items() if key not in wanted]

    def delete(self, sheet: str, model, gone: list) -> None:
        model.objects.filter(pk__in=[obj.pk for obj in gone]).delete()
        for obj in gone:
            self.changes.add(sheet, f"No.{obj.item.number} ({obj.order})", "delete")

    def indicators(self, plan, items) -> None:
        keys = [c.key for c in INDICATORS.columns if c.key != "item"]
        gone = self.positional(
            INDICATORS.name,
            Indicator,
            plan,
            items,
            self.draft.indicators,
            lambda record: {key: record[key] for key in keys},
        )
        with_values = set(
            IndicatorValue.objects.filter(indicator__in=gone)
            .exclude(text="")
            .values_list("indicator_id", flat=True)
        )
        for indicator in gone:
            if indicator.pk in with_values:
                self.refuse(
                    INDICATORS.name,
                    None,
                    _(
                        "The indicator “%(name)s” of No.%(number)s is not in the "
                        "workbook but has actual values; it cannot be removed."
                    )
                    % {"name": indicator.name, "number": indicator.item.number},
                )
        self.delete(INDICATORS.name, Indicator, gone)

    def schedule(self, plan, items) -> None:
        gone = self.positional(
            "工程表",
            ScheduleRow,
            plan,
            items,
            self.draft.schedule,
            lambda record: {"activity": record["activity"], "years": record["years"]},
        )
        self.delete("工程表", ScheduleRow, gone)

    def remove_areas(self, areas) -> None:
        wanted = {a["name"] for a in self.draft.areas}
        gone = [area for name, area in areas.items() if name not in wanted]
        PolicyArea.objects.filter(pk__in=[a.pk for a in gone]).delete()
        for area in gone:
            self.changes.add(AREAS.name, area.name, "delete")
