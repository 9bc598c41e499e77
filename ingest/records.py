"""Step 3: recognised parts → records, in the plain-data shape `budgets.services.disclosures_store`
takes (that of budgets/sample_data/README.md), with the source page of every row.

Columns are matched by what their headers mean, not by exact wording, so drifting headers and
extra columns still land in the right place; a column that means nothing known is reported.
"""

import re
from decimal import Decimal, InvalidOperation

from budgets.codes import is_classification_code
from budgets.schema import RENHANG, TABLE_COLUMNS
from ingest.recognise import Part, RawTable

COLUMN_MEANINGS = [  # first match wins: specific money columns before 合计, 项目 last
    ("subtotal", r"小计"), ("fiscal_allocation", r"财政拨款收入"), ("special_account", r"财政专户"),
    ("operating", r"经营(收入|支出)"), ("business", r"事业收入"), ("superior_subsidy", r"上级补助"),
    ("subordinate_remittance", r"附属单位上缴"), ("other", r"其他收入"),
    ("carryover", r"上年结转|结转"), ("basic", r"基本支出"), ("project", r"项目支出"),
    ("remit_superior", r"上解上级"), ("subsidy_subordinate", r"对附属单位补助"),
    ("personnel", r"人员经费"), ("public", r"公用经费"), ("general_budget", r"一般公共预算"),
    ("gov_fund", r"政府性基金"), ("state_capital", r"国有资本经营"),
    ("total", r"合计|预算数|金额"), ("seq", r"序号"), ("code", r"编码"), ("name", r"名称|项目"),
]
REVENUE_NAMES = [
    ("revenue_total", r"本年收入合计"), ("revenue_grand_total", r"收入总计"),
    ("carryover_in", r"上年结转|年初.*结转"), ("general_budget", r"一般公共预算"),
    ("gov_fund", r"政府性基金"), ("state_capital", r"国有资本经营"), ("special_account", r"财政专户"),
    ("unit_funds", r"单位资金"), ("operating", r"经营收入"), ("business", r"事业收入"),
    ("superior_subsidy", r"上级补助"), ("subordinate_remittance", r"附属单位上缴"),
    ("other", r"其他收入"),
]
SPENDING_TOTALS = [
    ("expenditure_total", r"本年支出合计"), ("expenditure_grand_total", r"支出总计"),
    ("carryover_out", r"年终结转|年末.*结转"),
]
SANGONG_NAMES = [
    ("sangong_total", r"小计"), ("outbound_research", r"教学科研"), ("outbound_other", r"其他因公出国"),
    ("outbound", r"因公出国"), ("vehicle", r"购置及运"), ("vehicle_purchase", r"购置费"),
    ("vehicle_operation", r"运行维护|运维"), ("reception", r"接待"), ("", r"^合计$"),
]
SPENDING_CODES = ["201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212",
                  "213", "214", "215", "216", "217", "219", "220", "221", "222", "223", "224", "227",
                  "229", "230", "231", "232", "233", "234", RENHANG]
NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")
BLANKS = {"", "-", "—", "－", "/"}


def match_name(text: str, table: list[tuple[str, str]]) -> str | None:
    for key, pattern in table:
        if re.search(pattern, text):
            return key
    return None


def chinese_number(text: str) -> int | None:
    """三十一 → 31, from the 一、… prefix of the 31 spending rows."""
    match = re.match(r"^([一二三四五六七八九十]+)、", text)
    if not match:
        return None
    digits = [NUMERALS[c] for c in match.group(1)]
    if len(digits) == 1:
        return digits[0]
    if digits[0] == 10:
        return 10 + digits[1]
    return digits[0] * 10 + (digits[2] if len(digits) == 3 else 0)


def is_header_end(row: list[str]) -> bool:
    return bool(row) and row[0] in ("栏次", "栏 次")


def split_header(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """Header rows (through the 栏次 row, else until the first row holding an amount)."""
    for i, row in enumerate(rows):
        if is_header_end(row):
            return rows[:i], rows[i + 1:]
    for i, row in enumerate(rows):
        if any(AMOUNT.match(c.replace(",", "")) for c in row[1:]) or \
                (row and row[0].isdigit() and len(row[0]) < 3):
            return rows[:i], rows[i:]
    return rows, []


def column_meanings(header: list[list[str]], width: int) -> list[str | None]:
    """What each column holds, read from the lowest header cell that says something known
    (一般公共预算基本支出 › 合计 is 合计, not 基本支出)."""
    meanings = []
    for j in range(width):
        labels = [row[j] for row in reversed(header) if j < len(row) and row[j]]
        meanings.append(next((m for m in (match_name(label, COLUMN_MEANINGS) for label in labels)
                              if m), None))
    return meanings


def parse_amount(text: str, problems: list, where: str) -> str:
    text = text.replace(",", "")
    if text in BLANKS:
        return ""
    if not AMOUNT.match(text):
        problems.append(f"{where}：无法识别的金额“{text}”")
        return ""
    try:
        return f"{Decimal(text):.2f}"
    except InvalidOperation:
        problems.append(f"{where}：无法识别的金额“{text}”")
        return ""


def stitched_rows(raw: RawTable) -> tuple[list[list[str]], list, list[int | None]]:
    """Data rows of every page piece, header repeats dropped and broken rows joined."""
    header, rows, pages = [], [], []
    for piece in raw.pieces:
        piece_header, data = split_header(piece.rows)
        header = header or piece_header
        offset = len(piece.rows) - len(data)
        for i, row in enumerate(data):
            page = piece.row_pages[offset + i]
            if rows and i == 0 and not row[0] and not (len(row) > 1 and row[1]) and \
                    piece is not raw.pieces[0]:
                rows[-1] = [a + b for a, b in zip(rows[-1], row, strict=False)]
                continue
            rows.append(row)
            pages.append(page)
    return header, rows, pages


def _amounts(row, meanings, columns, problems, where) -> list[str]:
    values = {m: parse_amount(row[j], problems, where) for j, m in enumerate(meanings)
              if m in columns and j < len(row)}
    return [values.get(c, "") for c in columns]


def one_sided_rows(raw: RawTable, problems: list) -> tuple[list[list], list]:
    header, rows, pages = stitched_rows(raw)
    width = max((len(r) for r in rows), default=0)
    meanings = column_meanings(header, width)
    columns = TABLE_COLUMNS[raw.kind]
    for j, meaning in enumerate(meanings):
        if meaning is None and any(j < len(r) and r[j] for r in rows):
            problems.append(f"{raw.title}：第{j + 1}栏表头无法识别，该栏数据未读取")
    code_at = meanings.index("code") if "code" in meanings else None
    name_at = meanings.index("name") if "name" in meanings else None
    out, out_pages = [], []
    for row, page in zip(rows, pages, strict=False):
        code = row[code_at] if code_at is not None and code_at < len(row) else ""
        name = row[name_at] if name_at is not None and name_at < len(row) else ""
        if not is_classification_code(code):  # 合计, or a 三公 row: the text is the name
            name, code = name or code, ""
        if raw.kind == "sangong":
            code = match_name(name, SANGONG_NAMES)
            if code is None:
                problems.append(f"{raw.title}：无法识别的行“{name}”")
                continue
        elif not code and name not in ("合计", "总计"):
            if name:
                problems.append(f"{raw.title}：无编码的行“{name}”未读取")
            continue
        amounts = _amounts(row, meanings, columns, problems, f"{raw.title} {code or name}")
        out.append([code, name, *amounts])
        out_pages.append(page)
    return out, out_pages


def two_sided_rows(raw: RawTable, problems: list) -> tuple[list[list], list]:
    """收支总表 and 财政拨款收支总表: revenue on the left, spending on the right."""
    header, rows, pages = stitched_rows(raw)
    width = max((len(r) for r in rows), default=0)
    meanings = column_meanings(header, width)
    names = [j for j, m in enumerate(meanings) if m == "name"]
    if len(names) < 2:
        problems.append(f"{raw.title}：未找到收入和支出两侧的“项目”栏")
        return [], []
    left, right = names[0], names[1]
    columns = TABLE_COLUMNS[raw.kind]
    revenue, spending, rev_pages, spend_pages = [], [], [], []
    after_carryover = False
    for row, page in zip(rows, pages, strict=False):
        name = row[left] if left < len(row) else ""
        if name:
            code = match_name(name, REVENUE_NAMES)
            if code is None:
                problems.append(f"{raw.title}：无法识别的收入项目“{name}”")
            else:
                if after_carryover and code in ("general_budget", "gov_fund", "state_capital"):
                    code = f"carryover_in_{code}"
                after_carryover = after_carryover or code == "carryover_in"
                amount = parse_amount(row[left + 1] if left + 1 < len(row) else "", problems, name)
                revenue.append([code, name, amount])
                rev_pages.append(page)
        name = row[right] if right < len(row) else ""
        if name:
            code = match_name(name, SPENDING_TOTALS)
            number = chinese_number(name)
            if code is None and number and number <= len(SPENDING_CODES):
                code = SPENDING_CODES[number - 1]
            if code is None:
                problems.append(f"{raw.title}：无法识别的支出项目“{name}”")
                continue
            side = [m if j > right else None for j, m in enumerate(meanings)]
            spending.append([code, name, *_amounts(row, side, columns, problems, name)])
            spend_pages.append(page)
    return revenue + spending, rev_pages + spend_pages


def table_record(raw: RawTable, problems: list) -> dict:
    interpret = two_sided_rows if raw.kind in ("summary", "fiscal_summary") else one_sided_rows
    rows, pages = interpret(raw, problems)
    rows = [r for r in rows if any(r[2:]) or r[0]]
    all_pages = [p for piece in raw.pieces for p in piece.row_pages if p is not None]
    return {
        "title": raw.title, "rows": rows, "pages": pages, "empty_note": raw.empty_note,
        "first_page": min(all_pages, default=None), "last_page": max(all_pages, default=None),
    }


def part_record(part: Part, problems: list) -> dict:
    from ingest.projects import project_record

    return {
        "scope": part.scope, "code": part.code, "name": part.name, "name_variants": [],
        "tables": {kind: table_record(raw, problems) for kind, raw in part.tables.items()},
        "narrative": part.narrative, "organisation": part.organisation,
        "projects": [project_record(title, info, indicators, problems)
                     for title, info, indicators in part.project_tables],
    }

