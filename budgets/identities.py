"""The accounting identities a correct disclosure satisfies, checked on its stored figures.

Each failure becomes a `Finding` (table, row, column, expected, found in the table's printed
unit). Every comparison is made on `amount_yuan`, so a table printed in 元 and one printed in
万元 compare exactly. Rounding may make a sum differ by one unit of the last printed decimal
place per printed addend (0.01 万元 = 100 元 for two decimals in 万元, 1 元 for whole 元,
0.01 元 for six decimals in 万元); anything beyond is reported. Tolerances are absolute, never
a share of the total (0.05% of 9,000 万元 would hide 4.5 万元).

A code printed on several rows (Beijing prints a code once per hidden unit) counts as the sum
of its rows. Rows whose code is not a classification code (revenue tables whose rows are
units: "unit", "328001") take no part in the 类 › 款 › 项 sums.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from budgets.codes import classification_level, parent_code
from budgets.models import UNIT_FACTORS, Disclosure, Finding, TableKind, Unit, from_yuan
from budgets.schema import (
    CLASSIFIED_TABLES,
    FISCAL_ALLOCATION,
    FISCAL_REVENUE_ITEMS,
    RENHANG,
    REVENUE_ITEMS_2023,
    REVENUE_ITEMS_2024,
    TABLE_COLUMNS,
    is_additive_column,
)

ZERO = Decimal("0")
STORED_PLACES = Decimal("0.000001")  # Finding.expected/found keep 6 decimals
T = TableKind


class Amount(NamedTuple):
    """A cell's value in 元 and its rounding allowance in 元 (summed over repeated rows)."""

    yuan: Decimal
    step: Decimal


BLANK = Amount(ZERO, ZERO)


@cache  # called for every figure; a handful of distinct answers
def printed_step(decimals: int, unit: str) -> Decimal:
    """One unit of the last printed decimal place, in 元: 2 decimals in 万元 → 100 元."""
    return Decimal(1).scaleb(-decimals) * UNIT_FACTORS[unit]


# Row identities within one table: column = sum of other columns, on every row, where the
# table prints the total and some part. The revenue table's 小计 decides between its rules:
# the third item is a column the rule needs printed, the fourth one it needs absent.
REVENUE_ITEMS = ("fiscal_allocation", "special_account", "business", "operating",
                 "superior_subsidy", "subordinate_remittance", "other")
FUNDS = FISCAL_REVENUE_ITEMS  # the three fund columns a table may print
ROW_SUMS = {
    T.REVENUE_BY_FUNCTION: [
        ("total", ("subtotal", "carryover"), "subtotal", None),
        ("subtotal", REVENUE_ITEMS, None, None),
        ("total", (*REVENUE_ITEMS, "carryover"), None, "subtotal"),
    ],
    T.EXPENDITURE_BY_FUNCTION: [
        ("total", ("basic", "project", "operating", "remit_superior", "subsidy_subordinate"),
         None, None),
    ],
    T.GENERAL_BUDGET_BY_FUNCTION: [("total", ("basic", "project"), None, None)],
    T.GOV_FUND_BY_FUNCTION: [("total", ("basic", "project"), None, None)],
    T.STATE_CAPITAL_BY_FUNCTION: [("total", ("basic", "project"), None, None)],
    T.BASIC_BY_ECONOMIC: [("total", ("personnel", "public"), None, None)],
    T.SANGONG: [("total", ("general_budget", "gov_fund", "state_capital"), None, None)],
}

SANGONG_PARTS = [
    ("sangong_total", ("outbound", "vehicle", "reception")),
    ("vehicle", ("vehicle_purchase", "vehicle_operation")),
    ("outbound", ("outbound_research", "outbound_other")),
]


class Cells:
    """The figures of one disclosure, addressable as (table, code, column); blank reads as 0.

    `tables` are the disclosure's DisclosureTable rows, for the printed unit and columns and
    the tables noted as empty. Both may be objects in memory (the corpus generator checks what
    it is about to store).
    """

    def __init__(self, figures: Iterable, tables: Iterable = ()):
        self.amounts: dict[tuple[str, str, str], Amount] = {}
        self.pages: dict[tuple[str, str], int | None] = {}
        self.codes: dict[str, list[str]] = defaultdict(list)
        self.units: dict[str, str] = {}
        self.decimals: dict[str, int] = {}
        self.columns: dict[str, list[str]] = {}
        self.noted_empty = [t for t in tables if t.empty_note]
        self.nonzero: dict[str, int] = defaultdict(int)  # figures other than 0, per table
        for t in tables:
            self.units[t.table] = t.unit
            if t.columns:
                self.columns[t.table] = [c["key"] for c in t.columns]
        for f in figures:
            key = (f.table, f.code, f.column)
            yuan, step = self.amounts.get(key, BLANK)
            self.amounts[key] = Amount(yuan + f.amount_yuan,
                                       step + printed_step(f.decimals, f.unit))
            self.units.setdefault(f.table, f.unit)
            self.decimals[f.table] = max(self.decimals.get(f.table, 0), f.decimals)
            if f.amount_yuan:
                self.nonzero[f.table] += 1
            if (f.table, f.code) not in self.pages:
                self.pages[(f.table, f.code)] = f.page
                self.codes[f.table].append(f.code)

    @classmethod
    def of(cls, disclosure: Disclosure) -> "Cells":
        return cls(disclosure.figures.all(), disclosure.tables.all())

    def cell(self, table: str, code: str, column: str) -> Amount:
        return self.amounts.get((table, code, column), BLANK)

    def get(self, table: str, code: str, column: str) -> Decimal:
        """The value in 元 (the sum of every row printing this code)."""
        return self.cell(table, code, column).yuan

    def has_row(self, table: str, code: str) -> bool:
        return (table, code) in self.pages

    def has_table(self, table: str) -> bool:
        return bool(self.codes.get(table))

    def classified(self, table: str) -> list[str]:
        return [c for c in self.codes.get(table, []) if classification_level(c)]

    def printed_columns(self, table: str) -> list[str]:
        return self.columns.get(table) or list(TABLE_COLUMNS[table])

    def unit(self, table: str) -> str:
        return self.units.get(table, Unit.WAN)

    def table_step(self, table: str) -> Decimal:
        """The allowance of one printed figure of this table (for comparisons with blanks)."""
        return printed_step(self.decimals.get(table, 2), self.unit(table))

    def in_unit(self, table: str, yuan: Decimal) -> Decimal:
        return from_yuan(yuan, self.unit(table)).quantize(STORED_PLACES)

    def format(self, table: str, yuan: Decimal, signed: bool = False) -> str:
        """An amount in the table's printed unit and precision: "2,800.00 万元"."""
        places = self.decimals.get(table, 2)
        value = from_yuan(yuan, self.unit(table))
        return f"{value:{'+' if signed else ''},.{places}f} {self.unit(table)}"

    def nearest_parent(self, table: str, code: str, present: set[str]) -> str:
        """The closest printed ancestor of a code ("" when none: the row is a root)."""
        parent = parent_code(code)
        while parent and parent not in present:
            parent = parent_code(parent)
        return parent or ""

    def class_total(self, table: str, code: str, column: str) -> Amount:
        """A 类 as printed, or, when only its 款/项 are printed, the sum of its top rows."""
        if self.has_row(table, code):
            return self.cell(table, code, column)
        present = set(self.classified(table))
        roots = [c for c in present if c.startswith(code)
                 and not self.nearest_parent(table, c, present)]
        return _sum([self.cell(table, c, column) for c in roots])


def _sum(parts: list[Amount]) -> Amount:
    return Amount(sum((p.yuan for p in parts), ZERO), sum((p.step for p in parts), ZERO))


class Checker:
    """Collects findings while comparing amounts with their tolerance."""

    def __init__(self, disclosure: Disclosure, cells: Cells, projects: Iterable | None = None):
        self.disclosure, self.cells, self.findings = disclosure, cells, []
        # Its stored projects unless given (the corpus generator checks what it is about to
        # store); queried only when check_projects reads them.
        self.projects = disclosure.projects.all() if projects is None else projects
        # Every comparison made, held or not: the public quality page says how many passed.
        self.runs = 0

    def expect(self, *, rule: str, table: str, code: str, column: str, expected: Amount,
               found: Amount, message: str, tolerance: Decimal | None = None) -> None:
        cells = self.cells
        self.runs += 1
        if tolerance is None:
            tolerance = max(expected.step, found.step)
        tolerance = tolerance or cells.table_step(table)
        difference = found.yuan - expected.yuan
        if abs(difference) <= tolerance:
            return
        self.findings.append(Finding(
            disclosure=self.disclosure, rule=rule, table=table, code=code, column=column,
            expected=cells.in_unit(table, expected.yuan), found=cells.in_unit(table, found.yuan),
            unit=cells.unit(table), page=cells.pages.get((table, code)),
            message=f"{message}：应为 {cells.format(table, expected.yuan)}，"
                    f"表中为 {cells.format(table, found.yuan)}，"
                    f"相差 {cells.format(table, difference, signed=True)}",
        ))

    def expect_sum(self, *, rule: str, table: str, code: str, column: str,
                   parts: list[Amount], found: Amount, message: str) -> None:
        # Only printed addends can carry rounding: a blank cell is an exact zero. The
        # allowance is theirs, one unit of each one's last printed place.
        total = _sum(parts)
        self.expect(rule=rule, table=table, code=code, column=column, expected=total,
                    found=found, tolerance=sum((p.step for p in parts if p.yuan), ZERO),
                    message=message)


def _label(code: str) -> str:
    return code or "合计"


def check_hierarchy(check: Checker) -> None:
    """合计 = Σ top rows; each 类 = Σ its 款; each 款 = Σ its 项 — per table and column.

    A row's parent is its nearest printed ancestor, so a table printing only 项 (Beijing,
    Quanzhou) checks 合计 = Σ 项 and reports no missing 类/款.
    """
    cells = check.cells
    for table in CLASSIFIED_TABLES:
        label = T(table).label  # once, not per comparison: the corpus generator runs these
        codes = cells.classified(table)
        present = set(codes)
        children: dict[str, list[str]] = defaultdict(list)
        for code in codes:
            children[cells.nearest_parent(table, code, present)].append(code)
        if not cells.has_row(table, ""):
            children.pop("", None)
        columns = [c for c in cells.printed_columns(table) if is_additive_column(c)]
        for parent, kids in children.items():
            for column in columns:
                check.expect_sum(
                    rule="hierarchy_sum", table=table, code=parent, column=column,
                    parts=[cells.cell(table, k, column) for k in kids],
                    found=cells.cell(table, parent, column),
                    message=f"{label} {_label(parent)} 行{column}栏不等于下级科目之和",
                )


def _applicable(printed: list[str], total: str, parts: tuple, needs: str | None,
                unless: str | None) -> bool:
    """A row rule holds only where the table prints its total and some of its parts."""
    return (total in printed and any(p in printed for p in parts)
            and (needs is None or needs in printed) and (unless is None or unless not in printed))


def check_row_sums(check: Checker) -> None:
    cells = check.cells
    for table, rules in ROW_SUMS.items():
        label, printed = T(table).label, cells.printed_columns(table)
        for total, parts, needs, unless in rules:
            if "fiscal_allocation" in parts and "fiscal_allocation" not in printed:
                # 财政拨款 printed as its three funds (Shenzhen, Jiangsu, Beijing)
                parts = tuple(p for p in parts if p != "fiscal_allocation") + FUNDS
            if not _applicable(printed, total, parts, needs, unless):
                continue
            for code in cells.codes.get(table, []):
                check.expect_sum(
                    rule="row_sum", table=table, code=code, column=total,
                    parts=[cells.cell(table, code, p) for p in parts],
                    found=cells.cell(table, code, total),
                    message=f"{label} {_label(code)} 行{total}栏不等于{'+'.join(parts)}",
                )
    if not any(c in cells.printed_columns(T.FISCAL_SUMMARY) for c in FUNDS):
        return  # only 合计 printed per function (Beijing, Shenzhen)
    for code in cells.codes.get(T.FISCAL_SUMMARY, []):
        if classification_level(code) or code == RENHANG or code.startswith("expenditure"):
            check.expect_sum(
                rule="row_sum", table=T.FISCAL_SUMMARY, code=code, column="total",
                parts=[cells.cell(T.FISCAL_SUMMARY, code, c)
                       for c in ("general_budget", "gov_fund", "state_capital")],
                found=cells.cell(T.FISCAL_SUMMARY, code, "total"),
                message=f"财政拨款收支总表 {code} 行合计不等于三类资金之和",
            )


def _spending_rows(cells: Cells, table: str) -> list[str]:
    return [c for c in cells.codes.get(table, []) if (len(c) == 3 and c.isdigit()) or c == RENHANG]


def _revenue_items(cells: Cells, table: str, items: tuple[str, ...]) -> list[str]:
    """The revenue lines adding up to 本年收入合计: 一、财政拨款收入, when printed as a parent
    line, replaces its three fiscal items (which it is checked against separately)."""
    if cells.has_row(table, FISCAL_ALLOCATION):
        return [FISCAL_ALLOCATION, *(i for i in items if i not in FISCAL_REVENUE_ITEMS)]
    return list(items)


def _year_total(cells: Cells, table: str, side: str) -> str:
    """The row that totals the year's lines: 本年收入合计, or 收入总计 where the table prints no
    本年 line and nothing carried over (Shanghai's 财务收支预算总表)."""
    year, grand = f"{side}_total", f"{side}_grand_total"
    carried = "carryover_in" if side == "revenue" else "carryover_out"
    if cells.has_row(table, year) or not cells.has_row(table, grand) or \
            cells.get(table, carried, "total"):
        return year
    return grand


def check_summary(check: Checker) -> None:
    """收支总表 and 财政拨款收支总表: both sides balance and match the detailed tables."""
    cells, d = check.cells, check.disclosure
    items = REVENUE_ITEMS_2023 if d.summary_layout == 2023 else REVENUE_ITEMS_2024
    for table, revenue in ((T.SUMMARY, items), (T.FISCAL_SUMMARY, FISCAL_REVENUE_ITEMS)):
        if not cells.has_table(table):
            continue
        get = lambda code, t=table: cells.cell(t, code, "total")  # noqa: E731
        revenue_total = _year_total(cells, table, "revenue")
        expenditure_total = _year_total(cells, table, "expenditure")
        # A total line left blank (Shanghai's 收入总计) is checked only by the balance below.
        revenue_printed = cells.has_row(table, revenue_total)
        expenditure_printed = cells.has_row(table, expenditure_total)
        if revenue_printed:
            check.expect_sum(rule="revenue_items", table=table, code=revenue_total,
                             column="total",
                             parts=[get(c) for c in _revenue_items(cells, table, revenue)],
                             found=get(revenue_total),
                             message=f"{T(table).label} 本年收入合计不等于各项收入之和")
        if cells.has_row(table, FISCAL_ALLOCATION) and \
                any(cells.has_row(table, c) for c in FISCAL_REVENUE_ITEMS):
            check.expect_sum(rule="revenue_items", table=table, code=FISCAL_ALLOCATION,
                             column="total", parts=[get(c) for c in FISCAL_REVENUE_ITEMS],
                             found=get(FISCAL_ALLOCATION),
                             message=f"{T(table).label} 财政拨款收入不等于三类财政拨款之和")
        if expenditure_printed:
            check.expect_sum(rule="spending_rows", table=table, code=expenditure_total,
                             column="total",
                             parts=[get(c) for c in _spending_rows(cells, table)],
                             found=get(expenditure_total),
                             message=f"{T(table).label} 本年支出合计不等于各项支出之和")
        # Where last year's balance is spent this year (Beijing), 本年支出 exceeds 本年收入 by
        # it and only the 总计 lines balance.
        carried_in = get("carryover_in").yuan - get("carryover_out").yuan
        if revenue_printed and expenditure_printed:
            check.expect(rule="balance", table=table, code=expenditure_total, column="total",
                         expected=Amount(get(revenue_total).yuan + carried_in,
                                         get(revenue_total).step),
                         found=get(expenditure_total),
                         message=f"{T(table).label} 本年支出合计不等于本年收入合计")
        check.expect(rule="balance", table=table, code="expenditure_grand_total",
                     column="total", expected=get("revenue_grand_total"),
                     found=get("expenditure_grand_total"),
                     message=f"{T(table).label} 支出总计不等于收入总计")
    # A department table may print only its total, the classes under each unit (Shenzhen).
    if cells.classified(T.EXPENDITURE_BY_FUNCTION):
        for code in _spending_rows(cells, T.SUMMARY):
            if code.isdigit():
                check.expect(
                    rule="summary_matches_expenditure", table=T.SUMMARY, code=code,
                    column="total",
                    expected=cells.class_total(T.EXPENDITURE_BY_FUNCTION, code, "total"),
                    found=cells.cell(T.SUMMARY, code, "total"),
                    message=f"收支总表 {code} 支出不等于支出总表同类合计")
    fund_tables = (("general_budget", T.GENERAL_BUDGET_BY_FUNCTION),
                   ("gov_fund", T.GOV_FUND_BY_FUNCTION),
                   ("state_capital", T.STATE_CAPITAL_BY_FUNCTION))
    for code in _spending_rows(cells, T.FISCAL_SUMMARY):
        if not code.isdigit():
            continue
        for column, table in fund_tables:
            if column not in cells.printed_columns(T.FISCAL_SUMMARY):
                continue
            check.expect(rule="fiscal_summary_matches_fund_table", table=T.FISCAL_SUMMARY,
                         code=code, column=column,
                         expected=cells.class_total(table, code, "total"),
                         found=cells.cell(T.FISCAL_SUMMARY, code, column),
                         message=f"财政拨款收支总表 {code} {column}栏不等于{T(table).label}同类合计")


def check_basic_expenditure(check: Checker) -> None:
    """基本支出表 合计 = 一般公共预算表 基本支出; 人员经费 = 301 + 303; 公用经费 = 302 + 310."""
    cells, table = check.cells, T.BASIC_BY_ECONOMIC
    if not cells.has_table(table):
        return
    if cells.has_row(T.GENERAL_BUDGET_BY_FUNCTION, "") and cells.has_row(table, ""):
        check.expect(rule="basic_matches_general_budget", table=table, code="",
                     column="total",
                     expected=cells.cell(T.GENERAL_BUDGET_BY_FUNCTION, "", "basic"),
                     found=cells.cell(table, "", "total"),
                     message="基本支出表合计不等于一般公共预算支出表的基本支出")
    printed = cells.printed_columns(table)
    for column, codes in (("personnel", ("301", "303")), ("public", ("302", "310"))):
        if column not in printed:
            continue
        check.expect_sum(rule="economic_composition", table=table, code="", column=column,
                         parts=[cells.class_total(table, c, "total") for c in codes],
                         found=cells.cell(table, "", column),
                         message=f"基本支出表{'人员' if column == 'personnel' else '公用'}经费"
                                 f"不等于{'+'.join(codes)}类之和")


def check_sangong(check: Checker) -> None:
    cells = check.cells
    columns = [c for c in cells.printed_columns(T.SANGONG) if is_additive_column(c)]
    for total, parts in SANGONG_PARTS:
        if not any(cells.has_row(T.SANGONG, c) for c in (total, *parts)):
            continue
        if total == "sangong_total" and not cells.has_row(T.SANGONG, total):
            total = ""  # a list with 合计 and no “三公”经费小计 line (Fuzhou, Quanzhou)
        if not cells.has_row(T.SANGONG, total):
            continue  # the parts alone: nothing printed to check them against
        if total == "outbound" and not any(cells.has_row(T.SANGONG, p) for p in parts):
            continue
        for column in columns:
            check.expect_sum(rule="sangong_parts", table=T.SANGONG, code=total, column=column,
                             parts=[cells.cell(T.SANGONG, p, column) for p in parts],
                             found=cells.cell(T.SANGONG, total, column),
                             message=f"三公经费表 {total} 不等于{'+'.join(parts)}")


def check_projects(check: Checker) -> None:
    """The project tables' 预算数 add up to the 项目支出 of the 支出总表."""
    # Project amounts keep no printed precision: allow one cent of their unit each. Filtered
    # here, not in a query: the projects may be in memory.
    budgets = [Amount(p.budget_yuan or ZERO, printed_step(2, p.unit))
               for p in check.projects if not p.name.startswith("部门整体")]
    project_total = check.cells.cell(T.EXPENDITURE_BY_FUNCTION, "", "project")
    if not budgets or sum(b.yuan for b in budgets) <= project_total.yuan:
        return  # many documents list only their key projects: the list may fall short
    check.expect_sum(rule="projects_sum", table=T.EXPENDITURE_BY_FUNCTION, code="",
                     column="project", parts=budgets,
                     found=check.cells.cell(T.EXPENDITURE_BY_FUNCTION, "", "project"),
                     message="各项目绩效目标表预算数之和不等于支出总表项目支出")


def check_empty_notes(check: Checker) -> None:
    """A table that says it is empty (本表为空表) must print no amount other than zero."""
    for table in check.cells.noted_empty:
        printed = check.cells.nonzero.get(table.table, 0)
        if printed:
            check.findings.append(Finding(
                disclosure=check.disclosure, rule="empty_note_with_figures", table=table.table,
                unit=table.unit, page=table.first_page,
                message=f"{T(table.table).label}注明“{table.empty_note}”，但表中印有"
                        f" {printed} 个非零金额"))


TABLE_CHECKS = (check_hierarchy, check_row_sums, check_summary, check_basic_expenditure,
                check_sangong, check_projects, check_empty_notes)


def run_table_checks(disclosure: Disclosure, cells: Cells | None = None,
                     projects: Iterable | None = None) -> Checker:
    """Every table identity compared on the disclosure's figures (and projects); the checker
    holds the findings and how many comparisons were made (`runs`)."""
    check = Checker(disclosure, cells or Cells.of(disclosure), projects)
    for run in TABLE_CHECKS:
        run(check)
    return check


def table_check_counts(disclosure: Disclosure) -> tuple[int, int]:
    """(checks run, checks failed) of the table identities on the stored figures. Prose
    checks are not counted: they run only where the prose restates a figure."""
    check = run_table_checks(disclosure)
    return check.runs, len(check.findings)
