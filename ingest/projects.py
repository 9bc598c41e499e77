"""Project KPI tables (…绩效目标表): the labelled upper table and the indicator rows."""

from ingest.extract import Table
from ingest.records import parse_amount

PLAN_MONTHS = ("3月底", "6月底", "10月底", "12月底")
INDICATOR_LABELS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def _value_after(rows: list[list[str]], label: str) -> tuple[int, str]:
    """(row index, the first cell right of the label that is not the label repeated)."""
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell.startswith(label) or (label == "财政资金" and "财政资金" in cell):
                following = [c for c in row[j + 1:] if c and c != cell]
                return i, following[0] if following else ""
    return -1, ""


def _plan(rows: list[list[str]]) -> list[str]:
    """The four values under 3月底 … 12月底. A values row carried onto the next page has one
    cell per month (its merged cells read as one) rather than the header's grid."""
    for i, row in enumerate(rows[:-1]):
        if "3月底" in row:
            values = rows[i + 1]
            if len(values) == len(row):
                return [values[row.index(m)] if m in row else "" for m in PLAN_MONTHS]
            return (values[-4:] + [""] * 4)[:4] if len(values) >= 4 else ["", "", "", ""]
    return ["", "", "", ""]


def _purpose(rows: list[list[str]], budget_row: int) -> str:
    if budget_row < 0 or budget_row + 1 >= len(rows):
        return ""
    cells = [c for c in rows[budget_row + 1] if c and not c.startswith("预算规模")]
    return cells[0] if cells else ""


def is_indicator_table(table: Table) -> bool:
    return bool(table.rows) and "一级指标" in table.rows[0]


def indicator_rows(tables: list[Table]) -> tuple[list[list[str]], list]:
    """Indicator rows of every page piece; merged 一级/二级 labels filled down. The first row
    of a later piece with no 三级指标, or with neither 指标值 nor 依据, is the rest of a row cut
    by the page break."""
    rows, pages, previous = [], [], ["", ""]
    for number, table in enumerate(tables):
        header = table.rows[0] if is_indicator_table(table) else list(INDICATOR_LABELS)
        index = [header.index(label) if label in header else None for label in INDICATOR_LABELS]
        start = 1 if is_indicator_table(table) else 0
        for i, (row, page) in enumerate(zip(table.rows[start:], table.row_pages[start:],
                                            strict=False)):
            values = [row[k] if k is not None and k < len(row) else "" for k in index]
            if number and i == 0 and rows and any(values) and \
                    (not values[2] or not (values[4] or values[5])):
                rows[-1] = [a + b for a, b in zip(rows[-1], values, strict=True)]
                continue
            if not any(values[2:]):
                continue
            values[0] = values[0] or previous[0]
            values[1] = values[1] or previous[1]
            previous = values[:2]
            rows.append(values)
            pages.append(page)
    return rows, pages


def project_record(title: str, info: Table, indicator_tables: list[Table], problems: list) -> dict:
    rows = info.rows
    _, code = _value_after(rows, "项目编码")
    _, name = _value_after(rows, "项目名称")
    budget_row, budget = _value_after(rows, "预算数")
    _, fiscal = _value_after(rows, "财政资金")
    _, other = _value_after(rows, "其他资金")
    _, goal = _value_after(rows, "绩效目标")
    indicators, pages = indicator_rows(indicator_tables)
    where = f"{name or title} 绩效目标表"
    return {
        "code": code, "name": name, "budget": parse_amount(budget, problems, where),
        "fiscal_funds": parse_amount(fiscal, problems, where),
        "other_funds": parse_amount(other, problems, where),
        "purpose": _purpose(rows, budget_row), "plan": _plan(rows), "goal": goal,
        "indicators": indicators, "indicator_pages": pages, "page": info.page,
    }
