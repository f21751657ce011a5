"""What each sheet of the plan workbook holds: its columns, their kinds and rules.

The export, the 説明 guide sheet, the reader and the preview's field names all
come from these definitions. A column stored in a model field takes its
length limit and whether it may be left blank from that field, so that the
workbook refuses what the database would.
"""

from __future__ import annotations

import re

from plans.models import City
from plans.models import Division
from plans.models import Grade
from plans.models import Indicator
from plans.models import Item
from plans.models import Plan
from plans.models import PolicyArea
from plans.models import RatingScale
from plans.models import ScheduleRow
from plans.workbook.columns import Column
from plans.workbook.columns import Sheet
from plans.workbook.columns import english_column
from plans.workbook.columns import field_column
from plans.workbook.columns import item_number_column
from plans.workbook.columns import key_column
from reformtracker.lib.fiscal import fiscal_year_label
from reformtracker.lib.fiscal import fiscal_years_label

YES = "○"
NO = "×"
YES_WORDS = {"○", "〇", "◯", "1", "TRUE", "はい", "Y", "YES"}
NO_WORDS = {"", "×", "✕", "0", "FALSE", "いいえ", "N", "NO"}
CADENCES = {"半期": Plan.Cadence.HALF_YEARLY, "通年": Plan.Cadence.YEARLY}
RATING_TARGETS = {
    "項目": Plan.RatingTarget.ITEM,
    "工程表の行": Plan.RatingTarget.SCHEDULE_ROW,
}
ITEM_STATUS_RULES = {
    "最も遅れている行": Plan.ItemStatusRule.WORST,
    "最後に記入した行": Plan.ItemStatusRule.LATEST,
    "所管課が記入": Plan.ItemStatusRule.DIVISION,
}
ITEM_STATES = {
    "実施中": Item.State.ACTIVE,
    "終了": Item.State.ENDED,
    "統合": Item.State.MERGED,
}
GUIDE = "説明"
SCHEDULE = "工程表"
# A schedule column's header, compared after match_key (～ is then ~): one
# fiscal year, 2017年度, or a span, 2017～2018年度.
YEAR_HEADER = re.compile(r"^(\d{4})(?: ?[~〜\-] ?(\d{4}))?年度")


PLAN = Sheet(
    "プラン",
    "プランそのもの。1行だけ記入します。",
    (
        field_column(
            City,
            "city",
            "自治体",
            "サイトに登録済みの自治体名。例: 小平市",
            field="name",
        ),
        field_column(
            Plan,
            "name",
            "プラン名",
            "自治体名とあわせてプランを特定します。同じ自治体・プラン名のプランがあれば更新します。",
            width=30,
        ),
        field_column(
            Plan, "first_fiscal_year", "開始年度", "西暦の年度。例: 2017", "year"
        ),
        field_column(
            Plan, "last_fiscal_year", "終了年度", "西暦の年度。例: 2020", "year"
        ),
        # A word of CADENCES, not the stored value; required although the
        # model has a default.
        Column(
            "cadence",
            "報告周期",
            "「半期」（上半期・下半期の年2回）または「通年」（年1回）",
            required=True,
        ),
        field_column(
            RatingScale,
            "scale_code",
            "評価区分コード",
            "評価区分の英数字コード。例: sab。同じコードの評価区分があれば、それを更新します。",
            field="code",
        ),
        field_column(
            RatingScale,
            "scale_name",
            "評価区分名",
            "例: S/A/B評価",
            field="name",
            width=20,
        ),
        field_column(
            Plan,
            "numbered_items",
            "番号の表示",
            "取組項目を番号付き（No.1 など）で表示するなら ○、番号を表示しないなら ×",
            "flag",
            optional=True,
        ),
        field_column(
            Plan,
            "second_round",
            "2次評価",
            "行革本部が所管課の評価のあとに2次評価をするなら ○、所管課の評価だけなら ×",
            "flag",
            optional=True,
        ),
        # A word of RATING_TARGETS, not the stored value.
        Column(
            "rating_target",
            "評価の単位",
            "「項目」（取組項目ごとに評価）または「工程表の行」（工程表の行ごとに状況を記入）",
            default="項目",
            optional=True,
        ),
        # Codes of SHEET_TEXT_BY_CODE with their labels, checked and turned
        # into the stored list by the reader.
        Column(
            "sheet_fields",
            "記入項目",
            "調査票で記入する項目。P（当初予定）、D（取組実績）、A（課題と今後の取組）を"
            "「、」で区切って並べ、見出しを変えるなら「D=取組状況」のように書きます。"
            '見出しに「、」「,」や「"」を含めるときは、見出しを " で囲みます'
            '（例: D="取組状況、成果"。見出しの中の " は "" と2つ重ねます）。'
            "空欄なら P、D、A",
            "fields",
            optional=True,
            width=30,
        ),
        # The previous plan's name, so as long as a plan name may be; blank
        # when there is none.
        field_column(
            Plan,
            "previous_plan",
            "前のプラン",
            "このプランが引き継ぐ、同じ自治体の前のプランの名称。なければ空欄",
            field="name",
            required=False,
            width=30,
            optional=True,
        ),
        # A word of ITEM_STATUS_RULES, not the stored value.
        Column(
            "item_status_rule",
            "項目の状況",
            "評価の単位が「工程表の行」のとき、項目ごとの状況の決め方。「最も遅れている行」"
            "（行の状況のうち評価区分で最も下のもの）、「最後に記入した行」、または"
            "「所管課が記入」。空欄なら「最も遅れている行」",
            default="最も遅れている行",
            optional=True,
            width=18,
        ),
        field_column(
            Plan,
            "purpose_label",
            "目的の見出し",
            "取組項目の目的の呼び方。空欄なら「目的・ねらい」",
            optional=True,
        ),
        field_column(
            Plan,
            "content_label",
            "取組内容の見出し",
            "取組項目の内容の呼び方。空欄なら「取組内容」",
            optional=True,
        ),
        field_column(
            Plan,
            "reason_label",
            "理由の見出し",
            "所管課の評価・状況の理由の呼び方。例: 未着手・中止の理由。空欄なら「理由」",
            optional=True,
        ),
        english_column(Plan, "name", "プラン名"),
        english_column(Plan, "purpose_label", "目的の見出し", width=16),
        english_column(Plan, "content_label", "取組内容の見出し", width=16),
        english_column(Plan, "reason_label", "理由の見出し", width=16),
    ),
)

SCALE = Sheet(
    "評価区分",
    "評価の記号。上から順に、よい評価から並べます。",
    (
        field_column(
            Grade,
            "code",
            "記号",
            "表や報告書に出る記号。例: S、◎。〇・◯は○と、全角の英数字は半角と同じ記号と"
            "みなします（既存の記号は書いたとおりに残ります）",
        ),
        field_column(Grade, "label", "名称", "例: 予定どおりに進捗", width=24),
        field_column(Grade, "description", "説明", "記号の意味の説明", width=40),
        field_column(
            Grade, "colour", "色", "#で始まる6桁の色コード。例: #259d63", "colour"
        ),
        field_column(
            Grade,
            "reason_required",
            "理由必須",
            "この評価には理由の記入が必要なら ○",
            "flag",
        ),
        english_column(Grade, "label", "名称", width=24),
        english_column(Grade, "description", "説明", width=40),
    ),
)

AREAS = Sheet(
    "分野",
    "分野（施策の柱）。上から順に並びます。下位の分野は、上位分野を「上位分野」に書き、"
    "上位分野より下の行に置きます。分野を指すときは分野名を書きます。同じ名称の分野が"
    "ほかにもあるときは、最上位の分野からの名称を「＞」でつないで書きます"
    "（例: 行政改革＞行政改革）。最上位の分野は名称だけで指せます。",
    (
        field_column(
            PolicyArea,
            "number",
            "番号",
            "例: Ⅰ、1、(1)。なければ空欄。Ⅰ と I、： と : のように、全角・半角や"
            "ローマ数字の書き方の違いは同じ番号とみなします",
        ),
        field_column(
            PolicyArea,
            "name",
            "分野名",
            "同じ上位分野の中で重複しない名称。上位分野と同じ名称でもかまいません",
            width=40,
        ),
        field_column(
            PolicyArea,
            "parent",
            "上位分野",
            "入れ子にする場合、上位の分野（分野名、または「＞」でつないだ名称）",
            width=30,
        ),
        english_column(PolicyArea, "name", "分野名", width=40),
    ),
)

DIVISIONS = Sheet(
    "所管課",
    "取組項目を所管する課。取組項目の「所管課」には、ここに書いた名称を使います。",
    (
        field_column(Division, "name", "所管課名", "現在の課名", width=30),
        field_column(
            Division,
            "former_names",
            "旧名称",
            "以前の課名。複数あれば「、」で区切ります",
            "list",
            width=30,
        ),
        field_column(
            Division, "active", "有効", "現存する課なら ○、廃止された課なら ×", "flag"
        ),
        english_column(Division, "name", "所管課名"),
    ),
)

ITEMS = Sheet(
    "取組項目",
    "取組項目と、その下のサブ項目。上から順に並びます。",
    (
        # Not required here: plans without numbers leave it empty and the
        # reader numbers the items in order (and requires it otherwise).
        field_column(
            Item,
            "number",
            "番号",
            "プランの中で重複しない番号。例: 2、2-1。番号を表示しないプランでは空欄でもよく、"
            "空欄なら上から順に番号を振ります",
            required=False,
        ),
        field_column(Item, "parent", "上位項目", "サブ項目なら、上位の取組項目の番号"),
        field_column(
            Item,
            "area",
            "分野",
            "「分野」シートの分野名。同じ名称の分野がほかにもあれば、最上位の分野からの"
            "名称を「＞」でつないで書きます（例: 行政改革＞行政改革）",
            width=30,
        ),
        field_column(Item, "title", "取組項目名", "", width=40),
        field_column(Item, "purpose", "目的・ねらい", "", width=50),
        field_column(Item, "content", "内容", "", width=50),
        field_column(Item, "is_new", "新規", "新規の取組なら ○", "flag", width=8),
        field_column(
            Item,
            "is_follow_up",
            "フォローアップ",
            "前のプランからの継続なら ○",
            "flag",
            width=8,
        ),
        field_column(
            Item, "relisted_from", "再掲元", "他の分野の取組項目の再掲なら、その番号"
        ),
        field_column(
            Item,
            "divisions",
            "所管課",
            "「所管課」シートの課名。複数なら「、」で区切り、主管課を先に書きます",
            "list",
            width=40,
        ),
        field_column(
            Item,
            "carried_from",
            "前のプランの番号",
            "前のプランの取組項目を引き継ぐ（フォローアップ）場合、その番号",
            optional=True,
        ),
        # A word of ITEM_STATES, not the stored value.
        Column(
            "state",
            "状態",
            "「実施中」、「終了」（取組を終えた）または「統合」（他の取組項目に統合した）。"
            "空欄なら実施中。終了・統合した項目は、調査票と公表した結果を残したまま、"
            "新しい調査票が作られなくなります。項目を削除する代わりに使います",
            optional=True,
            width=10,
        ),
        field_column(
            Item,
            "ended_fiscal_year",
            "終了年度",
            "終了・統合した年度（西暦）。なければ空欄",
            "year",
            default=None,
            optional=True,
            width=10,
        ),
        field_column(
            Item,
            "merged_into",
            "統合先",
            "「統合」の場合、統合先の取組項目の番号",
            optional=True,
            width=10,
        ),
        english_column(Item, "title", "取組項目名", width=40),
        key_column(Item),
    ),
)

INDICATORS = Sheet(
    "指標",
    "取組項目の指標。同じ取組項目の指標は、上から順に並びます。",
    (
        item_number_column(Indicator),
        field_column(Indicator, "marker", "記号", "例: ①", width=8),
        field_column(Indicator, "name", "指標名", "", width=40),
        field_column(Indicator, "unit", "単位", "例: 人、件", width=8),
        field_column(
            Indicator, "baseline_text", "現状値", "表に出るとおりの文字", width=30
        ),
        field_column(
            Indicator,
            "baseline_value",
            "現状値（数値）",
            "集計に使う数値。なければ空欄",
            "decimal",
            default=None,
        ),
        field_column(
            Indicator,
            "baseline_as_of",
            "現状値の時点",
            "日付。例: 2017/3/31",
            "date",
            default=None,
        ),
        field_column(
            Indicator, "target_text", "目標値", "表に出るとおりの文字", width=30
        ),
        field_column(
            Indicator,
            "target_value",
            "目標値（数値）",
            "集計に使う数値。なければ空欄",
            "decimal",
            default=None,
        ),
        field_column(
            Indicator,
            "target_fiscal_year",
            "目標年度",
            "西暦の年度。プランの最終年度なら空欄",
            "year",
            default=None,
        ),
        key_column(Indicator),
    ),
)

SCHEDULE_BASE = (
    item_number_column(ScheduleRow),
    field_column(ScheduleRow, "activity", "実施内容", "工程表の行", width=40),
)
SCHEDULE_KEY = key_column(ScheduleRow)
SCHEDULE_HELP = (
    "工程表。実施内容の右に、プランの年度ごとの列（「2017年度」のように西暦で始まる見出し）"
    "を置き、その年度の予定（例: 検討、実施）を書きます。複数年度にわたる予定（例: "
    "平成29～30年度 検討）は、「2017～2018年度」のように最初と最後の年度を「～」で"
    "つないだ見出しの列に書きます。その予定は範囲の各年度に当てはまり、同じ行の"
    "範囲内の年度の列は空欄にします。"
)

SHEETS = (PLAN, SCALE, AREAS, DIVISIONS, ITEMS, INDICATORS)


def schedule_sheet(years, spans=()) -> Sheet:
    """The schedule sheet: its base columns, a column per year and per span, then the key.

    `spans` are the (first, last) fiscal years of the spans the rows use.
    """
    return Sheet(
        SCHEDULE,
        SCHEDULE_HELP,
        (
            *SCHEDULE_BASE,
            *(year_column(year) for year in years),
            *(year_column(first, last=last) for first, last in spans),
            SCHEDULE_KEY,
        ),
    )


def year_column(
    year: int, header: str | None = None, *, last: int | None = None
) -> Column:
    """The schedule's column of one fiscal year, or of a span up to `last`, under its header.

    Its key is the key of ScheduleRow.years: year:2017, or year:2017-2018.
    """
    years = f"{year}-{last}" if last is not None else str(year)
    return Column(
        f"year:{years}",
        header or year_header(year, last),
        "",
        max_length=ScheduleRow.WORD_LIMIT,
        width=12 if last is None else 16,
    )


def year_header(year: int, last: int | None = None) -> str:
    """2017年度（平成29年度）, or for a span 2017～2018年度（平成29～30年度）."""
    if last is not None:
        return f"{year}～{last}年度（{fiscal_years_label(year, last)}）"
    return f"{year}年度（{fiscal_year_label(year)}）"
