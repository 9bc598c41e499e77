"""The accounting identities a correct disclosure satisfies, checked on its stored figures.

Each failure becomes a `Finding` (table, row, column, expected, found). Rounding may make a sum
differ by 0.01 per addend; anything beyond is reported. Tolerances are absolute, never a
share of the total (0.05% of 9,000 万元 would hide 4.5 万元).
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from budgets.codes import classification_level, parent_code
from budgets.models import Disclosure, Finding, TableKind
from budgets.schema import (
    CLASSIFIED_TABLES,
    FISCAL_REVENUE_ITEMS,
    RENHANG,
    REVENUE_ITEMS_2023,
    REVENUE_ITEMS_2024,
    TABLE_COLUMNS,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
T = TableKind

# Row identities within one table: column = sum of other columns, on every row.
ROW_SUMS = {
    T.REVENUE_BY_FUNCTION: [
        ("total", ("subtotal", "carryover")),
        ("subtotal", ("fiscal_allocation", "special_account", "business", "operating",
                      "superior_subsidy", "subordinate_remittance", "other")),
    ],
    T.EXPENDITURE_BY_FUNCTION: [
        ("total", ("basic", "project", "operating", "remit_superior", "subsidy_subordinate")),
    ],
    T.GENERAL_BUDGET_BY_FUNCTION: [("total", ("basic", "project"))],
    T.GOV_FUND_BY_FUNCTION: [("total", ("basic", "project"))],
    T.STATE_CAPITAL_BY_FUNCTION: [("total", ("basic", "project"))],
    T.BASIC_BY_ECONOMIC: [("total", ("personnel", "public"))],
    T.SANGONG: [("total", ("general_budget", "gov_fund", "state_capital"))],
}

SANGONG_PARTS = [
    ("sangong_total", ("outbound", "vehicle", "reception")),
    ("vehicle", ("vehicle_purchase", "vehicle_operation")),
    ("outbound", ("outbound_research", "outbound_other")),
]


class Cells:
    """The figures of one disclosure, addressable as (table, code, column); blank reads as 0."""

    def __init__(self, figures: Iterable):
        self.amounts: dict[tuple[str, str, str], Decimal] = {}
        self.pages: dict[tuple[str, str], int | None] = {}
        self.codes: dict[str, list[str]] = defaultdict(list)
        for f in figures:
            self.amounts[(f.table, f.code, f.column)] = f.amount
            if (f.table, f.code) not in self.pages:
                self.pages[(f.table, f.code)] = f.page
                self.codes[f.table].append(f.code)

    def get(self, table: str, code: str, column: str) -> Decimal:
        return self.amounts.get((table, code, column), ZERO)

    def has_row(self, table: str, code: str) -> bool:
        return (table, code) in self.pages

    def has_table(self, table: str) -> bool:
        return bool(self.codes.get(table))

    def classified(self, table: str) -> list[str]:
        return [c for c in self.codes.get(table, []) if classification_level(c)]


class Checker:
    """Collects findings while comparing amounts with their tolerance."""

    def __init__(self, disclosure: Disclosure, cells: Cells):
        self.disclosure, self.cells, self.findings = disclosure, cells, []

    def expect(self, *, rule: str, table: str, code: str, column: str, expected: Decimal,
               found: Decimal, addends: int, message: str) -> None:
        if abs(found - expected) > CENT * max(addends, 1):
            self.findings.append(Finding(
                disclosure=self.disclosure, rule=rule, table=table, code=code, column=column,
                expected=expected, found=found, page=self.cells.pages.get((table, code)),
                message=f"{message}：应为 {expected}，实际 {found}，相差 {found - expected}",
            ))

    def expect_sum(self, *, rule: str, table: str, code: str, column: str,
                   parts: list[Decimal], found: Decimal, message: str) -> None:
        # Only printed addends can carry rounding: a blank cell is an exact zero.
        self.expect(rule=rule, table=table, code=code, column=column, expected=sum(parts, ZERO),
                    found=found, addends=sum(1 for p in parts if p), message=message)


def _label(code: str) -> str:
    return code or "合计"


def check_hierarchy(check: Checker) -> None:
    """合计 = Σ 类; each 类 = Σ its 款; each 款 = Σ its 项 — per table and column."""
    cells = check.cells
    for table in CLASSIFIED_TABLES:
        codes = cells.classified(table)
        children: dict[str, list[str]] = defaultdict(list)
        for code in codes:
            children[parent_code(code) or ""].append(code)
        for parent, kids in children.items():
            if parent and not cells.has_row(table, parent):
                continue
            if not parent and not cells.has_row(table, ""):
                continue
            for column in TABLE_COLUMNS[table]:
                check.expect_sum(
                    rule="hierarchy_sum", table=table, code=parent, column=column,
                    parts=[cells.get(table, k, column) for k in kids],
                    found=cells.get(table, parent, column),
                    message=f"{T(table).label} {_label(parent)} 行{column}栏不等于下级科目之和",
                )


def check_row_sums(check: Checker) -> None:
    cells = check.cells
    for table, rules in ROW_SUMS.items():
        for code in cells.codes.get(table, []):
            for total, parts in rules:
                check.expect_sum(
                    rule="row_sum", table=table, code=code, column=total,
                    parts=[cells.get(table, code, p) for p in parts],
                    found=cells.get(table, code, total),
                    message=f"{T(table).label} {_label(code)} 行{total}栏不等于{'+'.join(parts)}",
                )
    for code in cells.codes.get(T.FISCAL_SUMMARY, []):
        if classification_level(code) or code == RENHANG or code.startswith("expenditure"):
            check.expect_sum(
                rule="row_sum", table=T.FISCAL_SUMMARY, code=code, column="total",
                parts=[cells.get(T.FISCAL_SUMMARY, code, c)
                       for c in ("general_budget", "gov_fund", "state_capital")],
                found=cells.get(T.FISCAL_SUMMARY, code, "total"),
                message=f"财政拨款收支总表 {code} 行合计不等于三类资金之和",
            )


def _spending_rows(cells: Cells, table: str) -> list[str]:
    return [c for c in cells.codes.get(table, []) if (len(c) == 3 and c.isdigit()) or c == RENHANG]


def check_summary(check: Checker) -> None:
    """收支总表 and 财政拨款收支总表: both sides balance and match the detailed tables."""
    cells, d = check.cells, check.disclosure
    items = REVENUE_ITEMS_2023 if d.summary_layout == 2023 else REVENUE_ITEMS_2024
    for table, revenue in ((T.SUMMARY, items), (T.FISCAL_SUMMARY, FISCAL_REVENUE_ITEMS)):
        if not cells.has_table(table):
            continue
        get = lambda code, t=table: cells.get(t, code, "total")  # noqa: E731
        check.expect_sum(rule="revenue_items", table=table, code="revenue_total", column="total",
                         parts=[get(c) for c in revenue], found=get("revenue_total"),
                         message=f"{T(table).label} 本年收入合计不等于各项收入之和")
        check.expect_sum(rule="spending_rows", table=table, code="expenditure_total",
                         column="total", parts=[get(c) for c in _spending_rows(cells, table)],
                         found=get("expenditure_total"),
                         message=f"{T(table).label} 本年支出合计不等于各项支出之和")
        check.expect(rule="balance", table=table, code="expenditure_total", column="total",
                     expected=get("revenue_total"), found=get("expenditure_total"), addends=1,
                     message=f"{T(table).label} 本年支出合计不等于本年收入合计")
        check.expect(rule="balance", table=table, code="expenditure_grand_total",
                     column="total", expected=get("revenue_grand_total"),
                     found=get("expenditure_grand_total"), addends=1,
                     message=f"{T(table).label} 支出总计不等于收入总计")
    for code in _spending_rows(cells, T.SUMMARY):
        if code.isdigit():
            check.expect(rule="summary_matches_expenditure", table=T.SUMMARY, code=code,
                         column="total",
                         expected=cells.get(T.EXPENDITURE_BY_FUNCTION, code, "total"),
                         found=cells.get(T.SUMMARY, code, "total"), addends=1,
                         message=f"收支总表 {code} 支出不等于支出总表同类合计")
    fund_tables = (("general_budget", T.GENERAL_BUDGET_BY_FUNCTION),
                   ("gov_fund", T.GOV_FUND_BY_FUNCTION),
                   ("state_capital", T.STATE_CAPITAL_BY_FUNCTION))
    for code in _spending_rows(cells, T.FISCAL_SUMMARY):
        if not code.isdigit():
            continue
        for column, table in fund_tables:
            check.expect(rule="fiscal_summary_matches_fund_table", table=T.FISCAL_SUMMARY,
                         code=code, column=column, expected=cells.get(table, code, "total"),
                         found=cells.get(T.FISCAL_SUMMARY, code, column), addends=1,
                         message=f"财政拨款收支总表 {code} {column}栏不等于{T(table).label}同类合计")


def check_basic_expenditure(check: Checker) -> None:
    """基本支出表 合计 = 一般公共预算表 基本支出; 人员经费 = 301 + 303; 公用经费 = 302 + 310."""
    cells = check.cells
    if not cells.has_table(T.BASIC_BY_ECONOMIC):
        return
    check.expect(rule="basic_matches_general_budget", table=T.BASIC_BY_ECONOMIC, code="",
                 column="total",
                 expected=cells.get(T.GENERAL_BUDGET_BY_FUNCTION, "", "basic"),
                 found=cells.get(T.BASIC_BY_ECONOMIC, "", "total"), addends=1,
                 message="基本支出表合计不等于一般公共预算支出表的基本支出")
    for column, codes in (("personnel", ("301", "303")), ("public", ("302", "310"))):
        check.expect_sum(rule="economic_composition", table=T.BASIC_BY_ECONOMIC, code="",
                         column=column,
                         parts=[cells.get(T.BASIC_BY_ECONOMIC, c, "total") for c in codes],
                         found=cells.get(T.BASIC_BY_ECONOMIC, "", column),
                         message=f"基本支出表{'人员' if column == 'personnel' else '公用'}经费"
                                 f"不等于{'+'.join(codes)}类之和")


def check_sangong(check: Checker) -> None:
    cells = check.cells
    for total, parts in SANGONG_PARTS:
        if not any(cells.has_row(T.SANGONG, c) for c in (total, *parts)):
            continue
        if total == "outbound" and not any(cells.has_row(T.SANGONG, p) for p in parts):
            continue
        for column in TABLE_COLUMNS[T.SANGONG]:
            check.expect_sum(rule="sangong_parts", table=T.SANGONG, code=total, column=column,
                             parts=[cells.get(T.SANGONG, p, column) for p in parts],
                             found=cells.get(T.SANGONG, total, column),
                             message=f"三公经费表 {total} 不等于{'+'.join(parts)}")


def check_projects(check: Checker) -> None:
    """The project tables' 预算数 add up to the 项目支出 of the 支出总表."""
    budgets = [p.budget or ZERO for p in check.disclosure.projects.all()]
    if not budgets:
        return
    check.expect_sum(rule="projects_sum", table=T.EXPENDITURE_BY_FUNCTION, code="",
                     column="project", parts=budgets,
                     found=check.cells.get(T.EXPENDITURE_BY_FUNCTION, "", "project"),
                     message="各项目绩效目标表预算数之和不等于支出总表项目支出")


TABLE_CHECKS = (check_hierarchy, check_row_sums, check_summary, check_basic_expenditure,
                check_sangong, check_projects)


def table_findings(disclosure: Disclosure) -> list[Finding]:
    check = Checker(disclosure, Cells(disclosure.figures.all()))
    for run in TABLE_CHECKS:
        run(check)
    return check.findings


def validate_identities(disclosure: Disclosure) -> list[Finding]:
    """Replace the disclosure's findings with a fresh check of its tables and prose."""
    from budgets.narrative import narrative_findings

    disclosure.findings.all().delete()
    cells = Cells(disclosure.figures.all())
    findings = table_findings(disclosure) + narrative_findings(disclosure, cells)
    return Finding.objects.bulk_create(findings)
