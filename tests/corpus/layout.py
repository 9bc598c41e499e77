"""What a disclosure document prints, in which order, independent of the file format.

`document_blocks(data)` turns the data of one document (as loaded by
`budgets.sample_data.read_sample`) into a flat list of `Heading`, `Para` and `Grid` blocks.
A `Grid` is one ruled table: its header rows with merged cells (`colspan`/`rowspan`, the covered
positions hold `None`), its body rows, the line above it (`caption`) and the note printed under
an empty table. The DOCX, reportlab-PDF and XLSX writers draw these blocks one to one, so the
three formats carry the same content in the same order.

Table titles, header wording and row order follow the real documents in /work/shared/seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

# Deliberately free of budgets.schema (which imports the Django models): the renderer runs as a
# plain script. The YAML keys it relies on are the ones budgets/sample_data/README.md lists.
RENHANG = "renhang"  # 三十一、人行科目, printed without a 3-digit code
TOTAL_CODES = frozenset((
    "revenue_total", "expenditure_total", "carryover_in", "carryover_out",
    "revenue_grand_total", "expenditure_grand_total",
))

TABLE_ORDER = (
    "summary",
    "revenue_by_function",
    "expenditure_by_function",
    "fiscal_summary",
    "general_budget_by_function",
    "basic_by_economic",
    "gov_fund_by_function",
    "state_capital_by_function",
    "sangong",
)
# Printed after 部门 (department) or 单位 (unit of 第二部分).
TABLE_TITLES = {
    "summary": "预算收支总表",
    "revenue_by_function": "预算收入总表",
    "expenditure_by_function": "预算支出总表",
    "fiscal_summary": "预算财政拨款收支总表",
    "general_budget_by_function": "预算一般公共预算财政拨款支出表",
    "basic_by_economic": "预算一般公共预算财政拨款基本支出表",
    "gov_fund_by_function": "预算政府性基金预算财政拨款支出表",
    "state_capital_by_function": "预算国有资本经营预算财政拨款支出表",
    "sangong": "预算财政拨款“三公”经费支出表",
}

FUNCTION_SUBJECT = ("功能分类科目", ("科目编码", "科目名称"))
# Header columns of each table: (label, sub-labels); a label without sub-labels spans both rows.
TABLE_HEADS = {
    "summary": (("序号", ()), ("收入", ("项  目", "预算数")), ("支出", ("项  目", "预算数"))),
    "revenue_by_function": (
        ("序号", ()), FUNCTION_SUBJECT, ("合计", ()),
        ("本年收入", ("小计", "财政拨款收入", "财政专户收入", "事业收入", "经营收入",
                      "上级补助收入", "附属单位上缴收入", "其他收入")),
        ("上年结转", ()),
    ),
    "expenditure_by_function": (
        ("序号", ()), FUNCTION_SUBJECT, ("合计", ()), ("基本支出", ()), ("项目支出", ()),
        ("经营支出", ()), ("上解上级支出", ()), ("对附属单位补助支出", ()),
    ),
    "fiscal_summary": (
        ("序号", ()), ("收入", ("项  目", "金额")),
        ("支出", ("项  目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
                  "国有资本经营预算财政拨款")),
    ),
    "general_budget_by_function": (
        ("序号", ()), FUNCTION_SUBJECT, ("合计", ()), ("基本支出", ()), ("项目支出", ()),
    ),
    "basic_by_economic": (
        ("序号", ()), ("支出部门经济分类科目", ("科目编码", "科目名称")),
        ("一般公共预算基本支出", ("合计", "人员经费", "公用经费")),
    ),
    "sangong": (
        ("序号", ()), ("项  目", ()),
        ("资 金 性 质", ("合计", "一般公共预算财政拨款", "政府性基金预算拨款",
                         "国有资本经营预算财政拨款")),
    ),
}
TABLE_HEADS["gov_fund_by_function"] = TABLE_HEADS["general_budget_by_function"]
TABLE_HEADS["state_capital_by_function"] = TABLE_HEADS["general_budget_by_function"]

# Column widths in mm. Deliberately narrow (the reportlab PDF uses them as they are) so that
# names wrap over 2-4 lines and amounts break after the point, as in seed 000; the DOCX
# stretches them to the text width.
FUNCTION_WIDTHS = (10, 18, 21, 20, 20, 20)
TABLE_WIDTHS = {
    "summary": (10, 28, 16, 28, 16),
    "revenue_by_function": (8, 9, 9) + (8.5,) * 10,
    "expenditure_by_function": (8, 14, 15) + (16,) * 6,
    "fiscal_summary": (8, 15, 16, 15) + (16,) * 4,
    "general_budget_by_function": FUNCTION_WIDTHS,
    "basic_by_economic": FUNCTION_WIDTHS,
    "gov_fund_by_function": FUNCTION_WIDTHS,
    "state_capital_by_function": FUNCTION_WIDTHS,
    "sangong": (10, 44, 20, 21, 21, 21),
}
KPI_INFO_WIDTHS = (30, 18, 24, 28, 24, 24, 32)
KPI_INDICATOR_WIDTHS = (22, 28, 36, 46, 24, 24)
ORGANISATION_WIDTHS = (36, 26, 26, 30)

SUMMARY_TOTAL_PAIRS = (
    ("revenue_total", "expenditure_total"),
    ("carryover_in", "carryover_out"),
)
GRAND_TOTAL_PAIR = ("revenue_grand_total", "expenditure_grand_total")
# The 财政拨款收支总表 prints these three lines under 年初财政拨款结转和结余, always blank in the
# seeds and not transcribed in the YAML (they carry no code).
FISCAL_CARRYOVER_LINES = ("一、一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款")
# 三公 rows printed indented under their parent ("其中：" and the line below it).
SANGONG_INDENT = {
    "outbound_research": 1, "outbound_other": 2, "vehicle_purchase": 1, "vehicle_operation": 2,
}
# How the writers print a table's caption line (`caption_row`), issue #9: "unruled" as in the
# seeds (it reads as a line above the table); "ruled": the table's first, bordered row of three
# cells merged over column groups; "merged": that row as one cell across the width.
CAPTION_STYLES = ("unruled", "ruled", "merged")
CAPTION_SEPARATOR = "\u3000\u3000"  # two ideographic spaces, as typed between the three
INTRO = (
    "按照《中华人民共和国预算法》、《地方预决算公开操作规程》和《关于进一步推进预算公开工作的"
    "实施意见》规定，现将{name}{year}年{kind}预算公开如下："
)


@dataclass
class Cell:
    text: str = ""
    kind: str = "text"  # text | head | seq (序号) | amount | code | caption
    colspan: int = 1
    rowspan: int = 1
    align: str = "center"  # left | center | right
    indent: int = 0  # indentation steps (the 其中 rows of the 三公 table)
    # (body row, column) of the cells this total adds up; the formula XLSX variant uses it.
    sum_refs: tuple[tuple[int, int], ...] = ()


Row = list  # list[Cell | None]; None marks a position covered by a merged cell


@dataclass
class Grid:
    title: str
    title_level: int  # 2: a heading (the nine tables); 0: a bold line (KPI, 机构设置 tables)
    widths_mm: tuple[float, ...]
    head: list  # list[Row], repeated on every page
    body: list  # list[Row]
    caption: tuple[str, str, str] | None = None  # "<code><name>", "预算年度：…", "单位：万元"
    note: str = ""  # printed under the table (the empty_note of an empty table)
    sheet: str = ""  # XLSX sheet name; "" for tables not written to the workbook
    page_break: bool = False


@dataclass
class Heading:
    text: str
    level: int  # 1: 第一部分/第二部分; 2: unit heading, unit 情况说明; 3: narrative section
    page_break: bool = False


@dataclass
class Para:
    text: str
    style: str = "body"  # body | title (the document title) | center


def document_blocks(data: dict) -> list:
    """Every block of the document in printed order: Part 1 tables and narrative, then Part 2."""
    year = data["document"]["year"]
    department, *units = data["disclosures"]
    blocks: list = [Para(data["document"]["title"], "title"), Heading("第一部分 部门预算公开表", 1)]
    blocks += nine_tables(department, year)
    blocks += narrative_blocks(department, year)
    if units:
        blocks.append(Heading("第二部分 部门所属单位预算", 1, page_break=True))
    for number, unit in enumerate(units, 1):
        blocks.append(Heading(f"{chinese_number(number)}、{unit['name']}收支预算", 2,
                              page_break=number > 1))
        blocks += nine_tables(unit, year)
        blocks += narrative_blocks(unit, year)
    return blocks


def is_unit(disclosure: dict) -> bool:
    return disclosure.get("scope") == "unit"


def scope_word(disclosure: dict) -> str:
    return "单位" if is_unit(disclosure) else "部门"


def chinese_number(n: int) -> str:
    """一 … 九十九, as the documents number their sections."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# --- the nine tables ------------------------------------------------------------------------

def nine_tables(disclosure: dict, year: int) -> list[Grid]:
    grids = [budget_table(disclosure, key, year) for key in TABLE_ORDER]
    for grid in grids[1:]:
        grid.page_break = True  # every table starts on a new page, as in the seeds
    return grids


def budget_table(disclosure: dict, key: str, year: int) -> Grid:
    table = disclosure["tables"][key]
    title = scope_word(disclosure) + TABLE_TITLES[key]
    sheet = f"{disclosure['code']} {title}" if is_unit(disclosure) else title
    return Grid(
        title=title,
        title_level=2,
        widths_mm=TABLE_WIDTHS[key],
        head=head_rows(TABLE_HEADS[key]),
        body=table_body(key, table["rows"]),
        caption=(f"{disclosure['code']}{disclosure['name']}", f"预算年度：{year}", "单位：万元"),
        note=table.get("empty_note", "") if not table["rows"] else "",
        sheet=sheet,
    )


def caption_row(grid: Grid, style: str = "unruled") -> list:
    """The line above the table, printed as the table's first row: `<code><name>` left,
    预算年度 in the middle, 单位 right, spread over the columns. `style` (one of
    CAPTION_STYLES) "merged" puts the three in one cell across the table's width instead."""
    if style not in CAPTION_STYLES:
        raise ValueError(f"caption style {style!r} is not one of {CAPTION_STYLES}")
    count = len(grid.widths_mm)
    if style == "merged":
        return spanning(CAPTION_SEPARATOR.join(text for text in grid.caption if text), count,
                        "caption")
    side = max(1, count * 2 // 5)
    spans = (side, count - 2 * side, side) if count > 2 else (1, 0, count - 1)
    row: list = []
    for text, span, align in zip(grid.caption, spans, ("left", "center", "right"), strict=True):
        if span:
            row += [Cell(text, "caption", colspan=span, align=align)] + [None] * (span - 1)
    return row


def head_rows(columns) -> list[Row]:
    """The two header rows (merged group labels over their sub-labels) and the 栏次 row."""
    top: Row = []
    sub: Row = []
    for label, sublabels in columns:
        if sublabels:
            top += [Cell(label, "head", colspan=len(sublabels))] + [None] * (len(sublabels) - 1)
            sub += [Cell(text, "head") for text in sublabels]
        else:
            top.append(Cell(label, "head", rowspan=2))
            sub.append(None)
    index: Row = [Cell("栏次", "head")] + [Cell(str(n), "head") for n in range(1, len(top))]
    return [top, sub, index]


def table_body(key: str, rows: list) -> list[Row]:
    if not rows:
        return []
    if key == "summary":
        return summary_body(rows)
    if key == "fiscal_summary":
        return fiscal_summary_body(rows)
    if key == "sangong":
        return sangong_body(rows)
    amount_columns = len(head_rows(TABLE_HEADS[key])[2]) - 3  # all but 序号, 编码, 名称
    return classified_body(rows, amount_columns)


def padded(row: list, length: int) -> list[str]:
    """A YAML row with its trailing blank cells restored (the README allows leaving them off)."""
    return [str(value) for value in row] + [""] * (length - len(row))


def amount(text: str) -> Cell:
    return Cell(text, "amount", align="right")


def name(text: str, indent: int = 0) -> Cell:
    return Cell(text, align="left", indent=indent)


def classified_body(rows: list, n_amounts: int) -> list[Row]:
    """序号 | 科目编码 | 科目名称 | amounts; the 合计 row has no code."""
    rows = [padded(row, 2 + n_amounts) for row in rows]
    body = [
        [Cell(str(seq), "seq"), Cell(row[0], "code"), name(row[1]), *map(amount, row[2:])]
        for seq, row in enumerate(rows, 1)
    ]
    class_rows = [i for i, row in enumerate(rows) if len(row[0]) == 3]
    for i, row in enumerate(rows):
        if row[0] == "":
            add_sum_refs(body[i], range(3, 3 + n_amounts), class_rows)
    return body


def add_sum_refs(row: Row, columns, source_rows: list[int]) -> None:
    for column in columns:
        if row[column].text:
            row[column].sum_refs = tuple((r, column) for r in source_rows)


def is_function_row(code: str) -> bool:
    return code == RENHANG or (len(code) == 3 and code.isdigit())


def revenue_rows(rows: list) -> list:
    """The revenue items: every row that is neither a spending function nor a total (so the
    2023 layout's five items take the place of 单位资金 without a list of names here)."""
    return [row for row in rows if not is_function_row(row[0]) and row[0] not in TOTAL_CODES]


def side_by_side(revenue: list, spending: list, width: int) -> list[tuple[list, list]]:
    """Revenue items printed next to the spending rows, line by line, as in the 总表."""
    blank = [""] * width
    count = max(len(revenue), len(spending))
    return [
        (revenue[i] if i < len(revenue) else blank, spending[i] if i < len(spending) else blank)
        for i in range(count)
    ]


def summary_body(rows: list) -> list[Row]:
    """收支总表: 序号 | 收入项目 | 预算数 | 支出项目 | 预算数."""
    rows = [padded(row, 3) for row in rows]
    by_code = {row[0]: row for row in rows}
    revenue = revenue_rows(rows)
    spending = [row for row in rows if is_function_row(row[0])]
    pairs = side_by_side(revenue, spending, 3)
    pairs += [(by_code.get(a, [""] * 3), by_code.get(b, [""] * 3))
              for a, b in SUMMARY_TOTAL_PAIRS + (GRAND_TOTAL_PAIR,)]
    body = [
        [Cell(str(seq), "seq"), name(left[1]), amount(left[2]), name(right[1]), amount(right[2])]
        for seq, (left, right) in enumerate(pairs, 1)
    ]
    totals = len(side_by_side(revenue, spending, 3))
    add_sum_refs(body[totals], [2], list(range(len(revenue))))
    add_sum_refs(body[totals], [4], list(range(len(spending))))
    return body


def fiscal_summary_body(rows: list) -> list[Row]:
    """财政拨款收支总表: 序号 | 收入项目 | 金额 | 支出项目 | 合计 | three fund columns."""
    rows = [padded(row, 6) for row in rows]
    by_code = {row[0]: row for row in rows}
    revenue = revenue_rows(rows)
    spending = [row for row in rows if is_function_row(row[0])]
    blank = [""] * 6
    pairs = side_by_side(revenue, spending, 6)
    pairs += [(by_code.get(a, blank), by_code.get(b, blank)) for a, b in SUMMARY_TOTAL_PAIRS]
    pairs += [(["", line, "", "", "", ""], blank) for line in FISCAL_CARRYOVER_LINES]
    pairs.append(tuple(by_code.get(code, blank) for code in GRAND_TOTAL_PAIR))
    body = [
        [Cell(str(seq), "seq"), name(left[1]), amount(left[2]), name(right[1]), *map(amount, right[2:])]
        for seq, (left, right) in enumerate(pairs, 1)
    ]
    totals = len(side_by_side(revenue, spending, 6))
    add_sum_refs(body[totals], [2], list(range(len(revenue))))
    add_sum_refs(body[totals], range(4, 8), list(range(len(spending))))
    return body


def sangong_body(rows: list) -> list[Row]:
    """三公: 序号 | 项目 | 合计 | three fund columns; the 其中 rows indented."""
    rows = [padded(row, 6) for row in rows]
    return [
        [Cell(str(seq), "seq"), name(row[1], SANGONG_INDENT.get(row[0], 0)), *map(amount, row[2:])]
        for seq, row in enumerate(rows, 1)
    ]


# --- narrative, 机构设置 table and project KPI tables --------------------------------------

def narrative_blocks(disclosure: dict, year: int) -> list:
    """情况说明: part heading, intro, then each numbered section with its tables."""
    kind = scope_word(disclosure)
    title = f"{disclosure['name']}{year}年{kind}预算信息公开情况说明"
    if is_unit(disclosure):
        blocks: list = [Heading(title, 2, page_break=True)]
    else:
        blocks = [Heading(f"第一部分 {title}", 1, page_break=True), Para(title, "center")]
    blocks.append(Para(INTRO.format(name=disclosure["name"], year=year, kind=kind)))
    sections = disclosure.get("narrative", [])
    keys = {section["key"] for section in sections}
    if "duties" not in keys:
        blocks += organisation_blocks(disclosure)
    for section in sections:
        blocks += section_blocks(disclosure, section)
    if "projects" not in keys:
        blocks += project_blocks(disclosure)
    return blocks


def section_blocks(disclosure: dict, section: dict) -> list:
    """A section title, its paragraphs, and the tables the real documents print inside it."""
    lines = [line for line in section.get("text", "").split("\n") if line.strip()]
    blocks: list = [Heading(section["title"], 3)]
    if section["key"] == "duties":
        table_title = organisation_title(disclosure)
        # Some transcriptions end with the table's title: it is printed once, above the table.
        lines = [line for line in lines if line.strip() != table_title]
        return blocks + [Para(line) for line in lines] + organisation_blocks(disclosure)
    if section["key"] == "projects":
        titles = {kpi_title(n, p) for n, p in enumerate(disclosure.get("projects", []), 1)}
        lines = [line for line in lines if line.strip() not in titles]
        return blocks + [Para(line) for line in lines] + project_blocks(disclosure)
    return blocks + [Para(line) for line in lines]


def organisation_title(disclosure: dict) -> str:
    return f"{scope_word(disclosure)}机构设置情况"


def organisation_blocks(disclosure: dict) -> list:
    entries = disclosure.get("organisation", [])
    if not entries:
        return []
    head = [[Cell(text, "head") for text in ("单位名称", "单位性质", "单位规格", "经费保障形式")]]
    body = [[name(e.get("name", "")), Cell(e.get("nature", "")), Cell(e.get("rank", "")),
             Cell(e.get("funding", ""))] for e in entries]
    return [Grid(organisation_title(disclosure), 0, ORGANISATION_WIDTHS, head, body)]


def kpi_title(number: int, project: dict) -> str:
    return f"{number}、{project['name']}绩效目标表"


def project_blocks(disclosure: dict) -> list:
    blocks: list = []
    for number, project in enumerate(disclosure.get("projects", []), 1):
        blocks += [kpi_info_grid(kpi_title(number, project), project), kpi_indicator_grid(project)]
    return blocks


def spanning(text: str, width: int, kind: str = "text", align: str = "left") -> list:
    return [Cell(text, kind, colspan=width, align=align)] + [None] * (width - 1)


def kpi_info_grid(title: str, project: dict) -> Grid:
    """The upper KPI table: 项目编码/名称, 预算规模及资金用途, 资金支出计划, 绩效目标."""
    plan = padded(project.get("plan", []), 4)
    body = [
        [Cell("项目编码", "head"), *spanning(project.get("code", ""), 2, "code"),
         Cell("项目名称", "head"), *spanning(project["name"], 3)],
        [Cell("预算规模及资金用途", "head", rowspan=2), Cell("预算数", "head"),
         amount(project.get("budget", "")), Cell("其中：财政资金", "head"),
         amount(project.get("fiscal_funds", "")), Cell("其他资金", "head"),
         amount(project.get("other_funds", ""))],
        [None, *spanning(project.get("purpose", ""), 6)],
        [Cell("资金支出计划（%）", "head", rowspan=2), *spanning("3月底", 2, "head", "center"),
         Cell("6月底", "head"), Cell("10月底", "head"), *spanning("12月底", 2, "head", "center")],
        [None, *spanning(plan[0], 2, align="center"), Cell(plan[1]), Cell(plan[2]),
         *spanning(plan[3], 2, align="center")],
        [Cell("绩效目标", "head"), *spanning(project.get("goal", ""), 6)],
    ]
    return Grid(title, 0, KPI_INFO_WIDTHS, [], body, caption=("", "", "单位：万元"))


def kpi_indicator_grid(project: dict) -> Grid:
    """The indicator table; equal 一级 and (within them) 二级 labels merge vertically."""
    labels = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
    rows = [padded(row, 6) for row in project.get("indicators", [])]
    body = [[Cell(value, align="center" if c < 2 else "left") for c, value in enumerate(row)]
            for row in rows]
    merge_runs(body, [row[0] for row in rows], 0)
    merge_runs(body, [(row[0], row[1]) for row in rows], 1)
    head = [[Cell(text, "head") for text in labels]]
    return Grid("", 0, KPI_INDICATOR_WIDTHS, head, body)


def merge_runs(body: list[Row], keys: list, column: int) -> None:
    """Merge consecutive cells of `column` whose key repeats (blank labels never merge)."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i < len(keys) and keys[i] == keys[start] and body[start][column].text:
            continue
        if i - start > 1:
            body[start][column].rowspan = i - start
            for covered in range(start + 1, i):
                body[covered][column] = None
        start = i
