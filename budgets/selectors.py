"""Reads that span rows: published disclosures, a department's lines, comparisons, rankings.

Only published disclosures are ever returned to the public. A disclosure's figures are read once
(`disclosure_figures`) and cached on the instance, so the page selectors below (headline figures,
the function tree, the economic tree, the 三公 table …) cost one query together, however many
lines the disclosure has.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import translation

from budgets.caching import per_version
from budgets.codes import classification_level, parent_code
from budgets.models import (
    TOTAL_CELLS,
    Department,
    DepartmentName,
    Disclosure,
    DisclosureTable,
    Figure,
    Indicator,
    PrintedLine,
    Project,
    Region,
    TableKind,
    department_lookup,
    to_yuan,
)
from budgets.schema import (
    COLUMN_LABELS,
    REVENUE_ITEM_LABELS,
    REVENUE_ITEMS_2023,
    REVENUE_ITEMS_2024,
    SANGONG_ROWS,
    TABLE_COLUMNS,
)

ZERO = Decimal("0.00")
T = TableKind
WAN = Decimal(10000)
# Amounts in 万元 as the database computes them from 元 (sums, rankings): 元 to the cent is
# 万元 to six decimals; eight leave room for 千元 printed to the tenth of a 元.
MONEY_FIELD = DecimalField(max_digits=30, decimal_places=8)
YUAN_FIELD = DecimalField(max_digits=28, decimal_places=6)
# ×0.0001 rather than ÷10000: SQLite divides two integers as integers (114479860 元 / 10000
# would lose its fraction); PostgreSQL multiplies numerics exactly either way.
PER_WAN = Decimal("0.0001")
CENT = Decimal("0.01")


# --- money ------------------------------------------------------------------------------------

def printed_number(amount: Decimal, decimals: int | None = None) -> str:
    """A printed amount with thousands separators and its printed decimals: 114,479,860 or
    12,482.549431 (without `decimals`: trailing zeros dropped, at least two decimals kept)."""
    if decimals is None:
        if amount == amount.to_integral_value():
            decimals = 0
        else:
            decimals = max(2, -amount.normalize().as_tuple().exponent)
    return f"{amount:,.{decimals}f}"


class Amount(Decimal):
    """An amount in 万元, exact (元 ÷ 10000), that remembers how it was printed.

    Arithmetic on it gives a plain Decimal: a sum or a difference has no printed form. `printed`
    is the hover text of a page: "12,482.549431 万元", or several cells of a repeated code
    joined by " + ".
    """

    printed: str = ""

    def __new__(cls, value, printed: str = ""):
        amount = super().__new__(cls, value)
        amount.printed = printed
        return amount

    def __reduce__(self):
        return (self.__class__, (str(self), self.printed))


def figure_amount(figure: Figure) -> Amount:
    """A figure in 万元 (from amount_yuan), with the amount and unit as printed."""
    printed = f"{printed_number(figure.amount, getattr(figure, 'decimals', None))} {figure.unit}"
    return Amount(figure.amount_yuan / WAN, printed)


def add_amounts(first: Amount | None, second: Amount) -> Amount:
    """Two printed cells of one code (Beijing prints a code once per hidden unit): summed."""
    if first is None:
        return second
    return Amount(Decimal(first) + Decimal(second), f"{first.printed} + {second.printed}")


def in_wan(amount_yuan: Decimal | None) -> Decimal | None:
    """元 → 万元, exactly (Decimal division by a power of ten)."""
    return None if amount_yuan is None else amount_yuan / WAN


def printed_in_wan(amount: Decimal | None, unit: str) -> Amount | None:
    """An amount printed in `unit` (元, 千元, 万元) as an Amount in 万元."""
    if amount is None:
        return None
    return Amount(to_yuan(Decimal(amount), unit) / WAN, f"{printed_number(amount)} {unit}")


def chart_number(amount: Decimal | None) -> str:
    """A chart value as a JSON string (plotly data; the browser turns it into a number):
    never a float computed in Python."""
    return f"{(amount or ZERO).quantize(Decimal('0.000001')).normalize():f}"


def wan_expression(expression):
    """An amount in 元 (a column, a sum) as 万元, in the database."""
    return ExpressionWrapper(expression * Value(PER_WAN, output_field=MONEY_FIELD),
                             output_field=MONEY_FIELD)


def wan_sum(figures: QuerySet[Figure], group_by: str = "disclosure_id"):
    """A one-value subquery: the figures' amount_yuan summed, in 万元 (a code printed on several
    rows counts once with all its rows)."""
    total = wan_expression(Sum("amount_yuan"))
    return Subquery(figures.order_by().values(group_by).annotate(s=total).values("s")[:1],
                    output_field=MONEY_FIELD)


# --- published disclosures ---------------------------------------------------------------------

def published_disclosures() -> QuerySet[Disclosure]:
    return Disclosure.objects.published().select_related(
        "department__region", "department__parent", "document",
    )


def find_department(*, region: str, code: str | None = None,
                    pk: int | None = None) -> Department | None:
    return (Department.objects.select_related("region", "parent")
            .filter(department_lookup(region=region, code=code, pk=pk, prefix="")).first())


def published_disclosure(*, region: str, year: int, code: str | None = None,
                         pk: int | None = None) -> Disclosure | None:
    """The published version of one department's (or unit's) budget for one year."""
    return published_disclosures().filter(
        department_lookup(region=region, code=code, pk=pk), year=year,
    ).first()


def latest_published_disclosure(*, region: str, code: str | None = None,
                                pk: int | None = None) -> Disclosure | None:
    return published_disclosures().filter(
        department_lookup(region=region, code=code, pk=pk),
    ).order_by("-year").first()


def previous_year_disclosure(disclosure: Disclosure) -> Disclosure | None:
    """The published disclosure of the same department for the year before, if there is one."""
    return published_disclosures().filter(
        department_id=disclosure.department_id, year=disclosure.year - 1,
    ).first()


def department_years(disclosure: Disclosure) -> list[int]:
    """Years with a published disclosure of this department, newest first (the year switcher)."""
    return list(
        Disclosure.objects.published().filter(department_id=disclosure.department_id)
        .order_by("-year").values_list("year", flat=True)
    )


def version_history(disclosure: Disclosure) -> QuerySet[Disclosure]:
    """Public versions of this department-year: the published one and those it replaced."""
    return Disclosure.objects.filter(
        department_id=disclosure.department_id, year=disclosure.year,
        status__in=[Disclosure.Status.PUBLISHED, Disclosure.Status.SUPERSEDED],
    ).order_by("-version")


def unit_disclosures(disclosure: Disclosure) -> QuerySet[Disclosure]:
    """The published same-year disclosures of the units of a department (第二部分)."""
    return published_disclosures().filter(
        department__parent_id=disclosure.department_id, year=disclosure.year,
    ).order_by("department__code", "department__name")


def parent_disclosure(disclosure: Disclosure) -> Disclosure | None:
    """For a unit: its department's published disclosure of the same year."""
    if not disclosure.department.parent_id:
        return None
    return published_disclosures().filter(
        department_id=disclosure.department.parent_id, year=disclosure.year,
    ).first()


def disclosure_tables(disclosure: Disclosure) -> dict[str, DisclosureTable]:
    """The nine tables as met in the document (pages, unit, empty notes), keyed by table."""
    order = {table: index for index, table in enumerate(TableKind.values)}
    tables = sorted(disclosure_figures(disclosure).tables.values(),
                    key=lambda t: order.get(t.table, 99))
    return {t.table: t for t in tables}


def disclosure_projects(disclosure: Disclosure) -> QuerySet[Project]:
    """Every project with its KPI indicators (two queries, whatever the number of projects)."""
    return disclosure.projects.order_by("order").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order"))
    )


def disclosure_sections(disclosure: Disclosure):
    return disclosure.sections.order_by("order")


def disclosure_organisation(disclosure: Disclosure):
    return disclosure.organisation.order_by("order")


def disclosure_findings(disclosure: Disclosure) -> list:
    """Findings, each with expected/found/difference in 万元 (`expected_wan` …, from the unit of
    the table it is about) for pages that show every amount in 万元."""
    findings = list(disclosure.findings.order_by("table", "code", "pk"))
    for finding in findings:
        unit = getattr(finding, "unit", "") or "万元"
        finding.expected_wan = printed_in_wan(finding.expected, unit)
        finding.found_wan = printed_in_wan(finding.found, unit)
        difference = finding.difference
        finding.difference_wan = None if difference is None else \
            to_yuan(difference, unit) / WAN
    return findings


# --- the figures of one disclosure ----------------------------------------------------------------

@dataclass
class PrintedRow:
    """One printed row of a table, as printed (a code printed twice is two rows)."""

    row: int
    code: str
    name: str
    page: int | None
    amounts: dict[str, Amount] = field(default_factory=dict)


class DisclosureFigures:
    """The figures of one disclosure, addressable by (table, code, column), in printed order.

    Amounts are 万元 computed from amount_yuan. A code printed on several rows of one table
    (Beijing prints a 7-digit code once per hidden unit) reads as the sum of its rows;
    `printed_rows` keeps every row as printed.
    """

    def __init__(self, figures, tables=None):
        self.amounts: dict[tuple[str, str, str], Amount] = {}
        self.rows: dict[str, list[tuple[str, str, int | None]]] = defaultdict(list)
        self.printed_rows: dict[str, list[PrintedRow]] = defaultdict(list)
        self.tables: dict[str, DisclosureTable] = {t.table: t for t in tables or ()}
        seen, current = set(), {}
        for f in figures:
            amount = figure_amount(f)
            key = (f.table, f.code, f.column)
            self.amounts[key] = add_amounts(self.amounts.get(key), amount)
            if (f.table, f.code) not in seen:
                seen.add((f.table, f.code))
                self.rows[f.table].append((f.code, f.name, f.page))
            row = current.get(f.table)
            if row is None or row.row != f.row:
                row = current[f.table] = PrintedRow(row=f.row, code=f.code, name=f.name,
                                                    page=f.page)
                self.printed_rows[f.table].append(row)
            row.amounts[f.column] = amount

    def get(self, table: str, code: str, column: str = "total") -> Amount | None:
        return self.amounts.get((table, code, column))

    def has_table(self, table: str) -> bool:
        return bool(self.rows.get(table))

    def columns_used(self, table: str) -> list[str]:
        """Column keys with at least one printed amount in the table, in first-seen order."""
        return list(dict.fromkeys(column for (t, _, column) in self.amounts if t == table))


FIGURE_FIELDS = ("disclosure_id", "table", "code", "name", "column", "amount", "unit",
                 "decimals", "amount_yuan", "row", "page")


def figures_of(disclosure_ids) -> QuerySet[Figure]:
    """The figures of these disclosures in printed order (disclosure, table, row)."""
    return (Figure.objects.filter(disclosure_id__in=disclosure_ids)
            .order_by("disclosure_id", "table", "row", "column").only(*FIGURE_FIELDS))


def disclosure_figures(disclosure: Disclosure | None) -> DisclosureFigures:
    """All figures of a disclosure (one query) and its tables (one more), cached on it."""
    if disclosure is None:
        return DisclosureFigures([])
    cached = getattr(disclosure, "_figures_cache", None)
    if cached is None:
        cached = DisclosureFigures(figures_of([disclosure.pk]), disclosure.tables.all())
        disclosure._figures_cache = cached
    return cached


# --- headline figures -------------------------------------------------------------------------

@dataclass
class Headline:
    key: str
    label: str
    amount: Decimal | None
    previous: Decimal | None = None
    has_previous: bool = False
    note: str = ""

    @property
    def change(self) -> Decimal | None:
        if not self.has_previous or self.amount is None:
            return None
        return self.amount - (self.previous or ZERO)

    @property
    def change_percent(self) -> Decimal | None:
        if self.change is None or not self.previous:
            return None
        return (self.change * 100 / self.previous).quantize(Decimal("0.01"))


# (key, label, table, code, column, fallback cell): read from the 收支总表 where it is printed.
HEADLINES = (
    ("revenue", "收入合计", T.SUMMARY, "revenue_total", "total",
     (T.REVENUE_BY_FUNCTION, "", "total")),
    ("expenditure", "支出合计", T.SUMMARY, "expenditure_total", "total",
     (T.EXPENDITURE_BY_FUNCTION, "", "total")),
    ("basic", "基本支出", T.EXPENDITURE_BY_FUNCTION, "", "basic", None),
    ("project", "项目支出", T.EXPENDITURE_BY_FUNCTION, "", "project", None),
    ("personnel", "人员经费", T.BASIC_BY_ECONOMIC, "", "personnel", None),
    ("public", "公用经费", T.BASIC_BY_ECONOMIC, "", "public", None),
    ("sangong", "“三公”经费", T.SANGONG, "", "total", (T.SANGONG, "sangong_total", "total")),
)


def _headline_amount(figures: DisclosureFigures, table, code, column, fallback) -> Decimal | None:
    amount = figures.get(table, code, column)
    if amount is None and fallback:
        amount = figures.get(*fallback)
    if amount is None and figures.rows:
        return ZERO  # a blank cell of a printed table is zero (an empty 三公 table is 0.00)
    return amount


def headline_figures(disclosure: Disclosure, previous: Disclosure | None = None) -> list[Headline]:
    """Totals, 基本 vs 项目, 人员 vs 公用 and 三公, each with the change against `previous`."""
    current, before = disclosure_figures(disclosure), disclosure_figures(previous)
    return [
        Headline(
            key=key, label=label,
            amount=_headline_amount(current, table, code, column, fallback),
            previous=_headline_amount(before, table, code, column, fallback),
            has_previous=previous is not None,
        )
        for key, label, table, code, column, fallback in HEADLINES
    ]


# --- revenue, fund types ------------------------------------------------------------------------

@dataclass
class Share:
    key: str
    label: str
    amount: Decimal
    percent: Decimal | None = None


def _with_shares(items: list[Share]) -> list[Share]:
    total = sum((i.amount for i in items), ZERO)
    for item in items:
        item.percent = (item.amount * 100 / total).quantize(Decimal("0.01")) if total else None
    return items


def revenue_by_source(disclosure: Disclosure) -> list[Share]:
    """The revenue items of the 收支总表 (一般公共预算拨款 … 单位资金) with their share."""
    figures = disclosure_figures(disclosure)
    items = REVENUE_ITEMS_2023 if disclosure.summary_layout == 2023 else REVENUE_ITEMS_2024
    return _with_shares([
        Share(key=k, label=REVENUE_ITEM_LABELS[k], amount=figures.get(T.SUMMARY, k) or ZERO)
        for k in items
    ])


FUND_TYPES = (
    ("general_budget", "一般公共预算", T.GENERAL_BUDGET_BY_FUNCTION),
    ("gov_fund", "政府性基金预算", T.GOV_FUND_BY_FUNCTION),
    ("state_capital", "国有资本经营预算", T.STATE_CAPITAL_BY_FUNCTION),
)


def fund_type_split(disclosure: Disclosure) -> list[Share]:
    """财政拨款 spending by fund type, from the totals of tables 5, 7 and 8."""
    figures = disclosure_figures(disclosure)
    return _with_shares([
        Share(key=key, label=label,
              amount=figures.get(table, "", "total")
              or figures.get(T.FISCAL_SUMMARY, "expenditure_total", key) or ZERO)
        for key, label, table in FUND_TYPES
    ])


# --- classified tables as trees ------------------------------------------------------------------

@dataclass
class Line:
    """One row of a classified table, with its place in the 类 › 款 › 项 tree."""

    code: str
    name: str
    level: int
    amounts: dict[str, Decimal | None]
    page: int | None = None
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    percent: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return self.amounts.get("total") or ZERO

    @property
    def has_children(self) -> bool:
        return bool(self.children)

    @property
    def descendants_hint(self) -> str:
        return " ".join(f"line-{c}" for c in self.children)


@dataclass
class ClassifiedTable:
    table: str
    columns: list[tuple[str, str]]
    total: Line | None
    lines: list[Line]

    @property
    def is_empty(self) -> bool:
        return self.total is None and not self.lines


def column_label(key: str) -> str:
    """A column's label when the table kept no printed header: the standard one, or the header
    text of an `x:<header>` column."""
    if key.startswith("x:"):
        return key[2:]
    return COLUMN_LABELS.get(key, key)


def _shown_label(column: dict) -> str:
    """The header as printed; on a translated page (/en/) a standard column's translated name."""
    key = column["key"]
    if key in COLUMN_LABELS and translation.get_language() != settings.LANGUAGE_CODE:
        return COLUMN_LABELS[key]
    return column.get("label") or column_label(key)


def table_columns(disclosure: Disclosure, table: str,
                  standard: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(key, label) of a table's columns in printed order with their printed labels, less those
    blank on every row (经营支出, 上解上级 … are rare); 合计 always.

    Tables stored without their printed columns fall back to the standard columns of the kind
    (`standard`, or all of budgets.schema.TABLE_COLUMNS), then any other column that has
    amounts (政府采购, x:<header> …).
    """
    figures = disclosure_figures(disclosure)
    used = set(figures.columns_used(table))
    meta = figures.tables.get(table)
    printed = [(c["key"], _shown_label(c))
               for c in (meta.columns if meta is not None and meta.columns else [])]
    if not printed:
        keys = list(standard or TABLE_COLUMNS[table])
        keys += [c for c in figures.columns_used(table) if c not in keys]
        printed = [(key, column_label(key)) for key in keys]
    return [(key, label) for key, label in printed if key == "total" or key in used]


def classified_table(disclosure: Disclosure, table: str,
                     columns: list[tuple[str, str]] | None = None) -> ClassifiedTable:
    """A function or economic table as a tree in printed order: 合计 apart, then 类 › 款 › 项.
    A code printed on several rows is one line with their sum."""
    figures = disclosure_figures(disclosure)
    columns = columns or table_columns(disclosure, table)
    total, lines, by_code = None, [], {}
    for code, name, page in figures.rows.get(table, []):
        amounts = {c: figures.get(table, code, c) for c, _ in columns}
        line = Line(code=code, name=name, level=classification_level(code), amounts=amounts,
                    page=page)
        if code == "":
            total = line
            continue
        if not line.level:
            continue
        parent = parent_code(code)
        if parent in by_code:
            line.parent = parent
            by_code[parent].children.append(code)
        by_code[code] = line
        lines.append(line)
    grand = total.total if total else sum((ln.total for ln in lines if ln.level == 1), ZERO)
    for line in lines:
        line.percent = (line.total * 100 / grand).quantize(Decimal("0.01")) if grand else None
    return ClassifiedTable(table=table, columns=columns, total=total, lines=lines)


def expenditure_by_function(disclosure: Disclosure) -> ClassifiedTable:
    """部门预算支出总表 as a 类 › 款 › 项 tree."""
    return classified_table(disclosure, T.EXPENDITURE_BY_FUNCTION)


def revenue_by_function(disclosure: Disclosure) -> ClassifiedTable:
    return classified_table(disclosure, T.REVENUE_BY_FUNCTION)


def expenditure_by_economic(disclosure: Disclosure) -> ClassifiedTable:
    """一般公共预算财政拨款基本支出表: 基本支出 by economic 类 › 款, 人员经费 vs 公用经费."""
    return classified_table(disclosure, T.BASIC_BY_ECONOMIC)


def fund_tables(disclosure: Disclosure) -> list[tuple[str, str, ClassifiedTable]]:
    """Tables 5, 7, 8: spending of each fund type by function."""
    return [(key, label, classified_table(disclosure, table)) for key, label, table in FUND_TYPES]


# --- summary tables -------------------------------------------------------------------------

@dataclass
class PlainRow:
    code: str
    name: str
    amounts: dict[str, Amount | None]
    page: int | None = None


def plain_table(disclosure: Disclosure, table: str) -> list[PlainRow]:
    """A table's rows in printed order, one per code (rows with no amount are not stored)."""
    figures = disclosure_figures(disclosure)
    columns = [key for key, _ in table_columns(disclosure, table)]
    return [
        PlainRow(code=code, name=name, page=page,
                 amounts={c: figures.get(table, code, c) for c in columns})
        for code, name, page in figures.rows.get(table, [])
    ]


@dataclass
class PrintedTable:
    """One of the nine tables as printed: every row in printed order, every column with its
    printed label (extra columns such as 政府采购 too), amounts in 万元."""

    table: str
    meta: DisclosureTable | None
    columns: list[tuple[str, str]]
    rows: list[PrintedRow]

    @property
    def label(self) -> str:
        return TableKind(self.table).label

    @property
    def unit(self) -> str:
        return self.meta.unit if self.meta is not None else "万元"


def printed_tables(disclosure: Disclosure) -> list[PrintedTable]:
    """The nine tables as printed, in the order of TableKind, those with rows only."""
    figures = disclosure_figures(disclosure)
    return [
        PrintedTable(table=table, meta=figures.tables.get(table),
                     columns=table_columns(disclosure, table),
                     rows=figures.printed_rows[table])
        for table in TableKind.values if figures.printed_rows.get(table)
    ]


@dataclass
class SangongRow:
    code: str
    name: str
    amount: Decimal | None
    previous: Decimal | None
    has_previous: bool

    @property
    def change(self) -> Decimal | None:
        if not self.has_previous:
            return None
        return (self.amount or ZERO) - (self.previous or ZERO)


def sangong_comparison(disclosure: Disclosure, previous: Disclosure | None) -> list[SangongRow]:
    """The 三公 table, row by row, beside the previous year's (a blank cell reads as 0)."""
    current, before = disclosure_figures(disclosure), disclosure_figures(previous)
    return [
        SangongRow(code=code, name=name, amount=current.get(T.SANGONG, code),
                   previous=before.get(T.SANGONG, code), has_previous=previous is not None)
        for code, name in (("", "合计"), *SANGONG_ROWS.items())
    ]


# --- chart series (plain data; static/js/department.js draws them) -------------------------------

def hierarchy_series(tree: ClassifiedTable, column: str = "total") -> dict:
    """ids/labels/parents/values of a 类 › 款 › 项 tree for a sunburst or treemap ({} if empty),
    with `hover`: each line's own printed total in 万元 and as printed, which the chart shows.

    Drawn with plotly's branchvalues "remainder": a parent's value is what its printed total
    has beyond its children's sum (never negative), so a sector is as large as the line's
    printed total, and a parent printed with a slightly smaller sum than its children cannot
    stop the chart from drawing.
    """
    kept = [(line, line.amounts.get(column)) for line in tree.lines]
    kept = [(line, amount) for line, amount in kept if amount and amount > 0]
    if not kept:
        return {}
    codes = {line.code for line, _ in kept}
    parents = [line.parent if line.parent in codes else "" for line, _ in kept]
    children_sum = defaultdict(lambda: ZERO)
    for (_, amount), parent in zip(kept, parents, strict=True):
        if parent:
            children_sum[parent] += amount
    return {
        "ids": [line.code for line, _ in kept],
        "labels": [f"{line.code} {line.name}" for line, _ in kept],
        "parents": parents,
        "values": [chart_number(max(amount - children_sum[line.code], ZERO))
                   for line, amount in kept],
        "hover": [wan_with_printed(amount) for _, amount in kept],
    }


def wan_with_printed(amount: Decimal) -> str:
    """"4,055.65 万元（原文 40,556,500 元）": the page's 万元 figure and, where the table was
    printed in another unit or form, the figure as printed."""
    text = f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f} 万元"
    printed = getattr(amount, "printed", "")
    if printed and printed != text:
        text += f"（原文 {printed}）"
    return text


def shares_series(shares: list[Share]) -> dict:
    kept = [s for s in shares if s.amount > 0]
    if not kept:
        return {}
    return {"labels": [s.label for s in kept], "values": [chart_number(s.amount) for s in kept]}


def sangong_series(rows: list[SangongRow], year: int) -> dict:
    """The three parts of 三公 this year (and last year where there is one), {} if all zero."""
    parts = [r for r in rows if r.code in ("outbound", "vehicle", "reception")]
    if not any(r.amount for r in parts) and not any(r.previous for r in parts):
        return {}
    current = [chart_number(r.amount) for r in parts]
    previous = [chart_number(r.previous) for r in parts]
    series = {"labels": [r.name for r in parts], "current": current, "current_name": f"{year}年"}
    if parts and parts[0].has_previous:
        series["previous"], series["previous_name"] = previous, f"{year - 1}年"
    return series


def describe_shares(shares: list[Share], what: str) -> str:
    """A text alternative for a share chart: the largest items with their percentage."""
    kept = sorted((s for s in shares if s.amount > 0), key=lambda s: s.amount, reverse=True)
    if not kept:
        return f"{what}：无数据。"
    parts = "；".join(f"{s.label} {s.amount:,.2f} 万元（{s.percent}%）" for s in kept)
    return f"{what}：{parts}。"


def describe_tree(tree: ClassifiedTable, what: str) -> str:
    top = sorted((ln for ln in tree.lines if ln.level == 1), key=lambda ln: ln.total,
                 reverse=True)
    if not top:
        return f"{what}：无数据。"
    total = tree.total.total if tree.total else sum((ln.total for ln in top), ZERO)
    parts = "；".join(f"{ln.name} {ln.total:,.2f} 万元（{ln.percent}%）" for ln in top)
    return f"{what}合计 {total:,.2f} 万元，其中{parts}。"


def describe_sangong(rows: list[SangongRow], year: int) -> str:
    total = rows[0]
    text = f"{year}年“三公”经费合计 {(total.amount or ZERO):,.2f} 万元"
    if total.has_previous:
        text += f"，上年 {(total.previous or ZERO):,.2f} 万元"
    parts = "；".join(f"{r.name} {(r.amount or ZERO):,.2f} 万元" for r in rows
                     if r.code in ("outbound", "vehicle", "reception"))
    return f"{text}。其中{parts}。"


# --- directory ----------------------------------------------------------------------------------

def total_field(table: str, code: str, column: str) -> str | None:
    """The DisclosureTotals field holding this cell, if it is one of TOTAL_CELLS."""
    return next((field for field, cell in TOTAL_CELLS.items() if cell == (table, code, column)),
                None)


def printed_cell(table: str, code: str, column: str):
    """One printed cell of the row's (published) disclosure in 万元, NULL when not printed: its
    pre-computed total (DisclosureTotals, one joined row) where it is one, else a correlated
    subquery summing amount_yuan of the rows printing it."""
    field = total_field(table, code, column)
    if field:
        return wan_expression(F(f"totals__{field}"))
    # order_by() in wan_sum: Figure's default ordering would join disclosure, department and
    # region into every per-row subquery (measured 2× slower on the ranking benchmark).
    return wan_sum(Figure.objects.filter(
        disclosure=OuterRef("pk"), table=table, code=code, column=column))


def _cell(table: str, code: str, column: str):
    """One printed cell of the row's disclosure in 万元, 0 when blank."""
    return Coalesce(printed_cell(table, code, column), Value(ZERO), output_field=MONEY_FIELD)


def with_totals(disclosures: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
    """Annotate total, basic, project and 三公 (per disclosure, for ranking and sorting)."""
    return disclosures.annotate(
        total=_cell(T.EXPENDITURE_BY_FUNCTION, "", "total"),
        basic=_cell(T.EXPENDITURE_BY_FUNCTION, "", "basic"),
        project=_cell(T.EXPENDITURE_BY_FUNCTION, "", "project"),
        sangong=_cell(T.SANGONG, "", "total"),
    )


def _name_pattern(token: str) -> str:
    """A case-insensitive pattern matching the token's characters in order (人社局 → 人力资源和社会保障局)."""
    return ".*".join(re.escape(ch) for ch in token)


def search_departments(query: str) -> Q:
    """Every whitespace-separated token must match the name, a name variant or the region name.

    A token matches as a substring or as an abbreviation (its characters in order), so
    "芦台 群工部", "高新区人社局" and "沧州组织人事部" all find their department.
    """
    condition = Q()
    for token in query.split()[:6]:
        token = token[:30]
        pattern = _name_pattern(token)
        variants = DepartmentName.objects.filter(
            department=OuterRef("department_id"), name__iregex=pattern,
        )
        condition &= (
            Q(department__code=token)
            | Q(department__name__iregex=pattern)
            | Q(department__region__name__iregex=pattern)
            | Q(Exists(variants))
        )
    return condition


def department_directory(
    *, query: str = "", region: Region | None = None, year: int | None = None,
    function: str = "", include_units: bool = False,
) -> QuerySet[Disclosure]:
    """Published department-years matching the directory filters, with their totals."""
    disclosures = published_disclosures()
    if not include_units:
        disclosures = disclosures.heads()
    if region is not None:
        disclosures = disclosures.filter(department__region_id__in=region.descendant_ids())
    if year:
        disclosures = disclosures.filter(year=year)
    if function:
        # economic codes (3xx) are read from the 基本支出 table, functional ones (2xx) from 支出总表
        table = T.BASIC_BY_ECONOMIC if function.startswith("3") else T.EXPENDITURE_BY_FUNCTION
        spends = Figure.objects.filter(
            disclosure=OuterRef("pk"), table=table,
            code__startswith=function, column="total", amount_yuan__gt=0,
        )
        disclosures = disclosures.filter(Exists(spends))
    if query.strip():
        disclosures = disclosures.filter(search_departments(query))
    return with_totals(disclosures).order_by("-total", "department__code", "department__name")


@dataclass
class CoveredRegion:
    region: Region
    path: str
    departments: int


def covered_regions() -> list[CoveredRegion]:
    """Regions with published departments, with their full name and number of departments."""
    counts = (
        Disclosure.objects.published().heads()
        .values_list("department__region").annotate(n=Count("department", distinct=True))
    )
    regions = {r.pk: r for r in Region.objects.all()}
    paths = region_paths(regions)
    covered = [CoveredRegion(region=regions[pk], path=paths[pk], departments=n)
               for pk, n in counts]
    return sorted(covered, key=lambda c: c.path)


def region_paths(regions: dict[int, Region] | None = None) -> dict[int, str]:
    """Every region's full name (河北省 › 唐山市 › 芦台经济开发区, as Region.__str__), one query."""
    if regions is None:
        regions = {r.pk: r for r in Region.objects.only("pk", "name", "parent_id")}
    paths: dict[int, str] = {}

    def path(pk: int) -> str:
        if pk not in paths:
            region = regions[pk]
            paths[pk] = f"{path(region.parent_id)} › {region.name}" if region.parent_id \
                else region.name
        return paths[pk]

    for pk in regions:
        path(pk)
    return paths


@per_version
def region_choices() -> list[tuple[str, str]]:
    """Every region as (slug, indented name), parents before children."""
    regions = list(Region.objects.order_by("name"))
    children = defaultdict(list)
    for region in regions:
        children[region.parent_id].append(region)
    choices = []

    def walk(parent_id, depth):
        for region in children[parent_id]:
            choices.append((region.slug, "\u3000" * depth + region.name))
            walk(region.pk, depth + 1)

    walk(None, 0)
    return choices


@per_version
def function_class_choices() -> list[tuple[str, str]]:
    """The 类 codes published departments spend under, with their printed names."""
    rows = (
        PrintedLine.objects.filter(table=T.EXPENDITURE_BY_FUNCTION, code__regex=r"^[0-9]{3}$")
        .values("code").annotate(name=Min("name")).order_by("code")
    )
    return [(row["code"], f"{row['code']} {row['name']}") for row in rows]


@per_version
def published_years() -> list[int]:
    return list(
        Disclosure.objects.published().order_by("-year").values_list("year", flat=True).distinct()
    )


# --- home -------------------------------------------------------------------------------------

@dataclass
class YearTotal:
    year: int
    total: Decimal  # 万元
    departments: int


@dataclass
class PortalStatistics:
    departments: int
    units: int
    disclosures: int
    years: list[int]
    # newest year first: budgets of different years are never added together
    totals: list[YearTotal] = field(default_factory=list)
    last_published: object = None

    @property
    def latest(self) -> YearTotal | None:
        return self.totals[0] if self.totals else None


def portal_statistics() -> PortalStatistics:
    """Headline numbers of the home page. The spending covered is one figure per budget year
    (a 2023 and a 2024 budget of one department are two plans, not one sum). Units are not
    added: their department's budget already contains them."""
    published = Disclosure.objects.published()
    heads = published.heads()
    counts = published.aggregate(disclosures=Count("pk"), last=Max("published_at"))
    counts["departments"] = heads.values("department").distinct().count()
    counts["units"] = published.within_departments().values("department").distinct().count()
    by_year = heads.filter(totals__expenditure__isnull=False).order_by("-year").values(
        "year").annotate(total=Sum("totals__expenditure"),
                         departments=Count("department", distinct=True))
    return PortalStatistics(
        departments=counts["departments"], units=counts["units"],
        disclosures=counts["disclosures"], years=published_years(),
        totals=[YearTotal(row["year"], in_wan(row["total"]), row["departments"])
                for row in by_year],
        last_published=counts["last"],
    )


def recent_disclosures(limit: int = 10) -> QuerySet[Disclosure]:
    return with_totals(published_disclosures()).order_by("-published_at", "-pk")[:limit]


# --- exports ----------------------------------------------------------------------------------

def published_figures(*, year: int | None = None, region: Region | None = None):
    """Every figure of every published disclosure, optionally of one year and region tree."""
    figures = Figure.objects.published()
    if year:
        figures = figures.filter(disclosure__year=year)
    if region is not None:
        figures = figures.filter(
            disclosure__department__region_id__in=region.descendant_ids()
        )
    return figures


def published_indicators(*, year: int | None = None, region: Region | None = None):
    indicators = Indicator.objects.filter(project__disclosure__status=Disclosure.Status.PUBLISHED)
    if year:
        indicators = indicators.filter(project__disclosure__year=year)
    if region is not None:
        indicators = indicators.filter(
            project__disclosure__department__region_id__in=region.descendant_ids()
        )
    return indicators


# --- public versions of a department-year (issue #10) --------------------------------------------

PUBLIC_VERSION_STATUSES = (Disclosure.Status.PUBLISHED, Disclosure.Status.SUPERSEDED)


@dataclass
class YearVersions:
    year: int
    versions: list[Disclosure]  # newest version number first

    @property
    def restored(self) -> bool:
        """The published version is older than one it replaced (an earlier version was
        deliberately put back): the public should see that the numbers went back."""
        published = [v for v in self.versions if v.status == Disclosure.Status.PUBLISHED]
        return bool(published) and published[0].version < self.versions[0].version


def department_versions(department: Department) -> list[YearVersions]:
    """Every public version (published or superseded, never drafts or discarded) of every year
    of a department, newest year first: the version list of its history page."""
    years: dict[int, list[Disclosure]] = defaultdict(list)
    for disclosure in (Disclosure.objects.filter(department=department,
                                                 status__in=PUBLIC_VERSION_STATUSES)
                       .select_related("department__region").order_by("-year", "-version")):
        years[disclosure.year].append(disclosure)
    return [YearVersions(year=year, versions=versions) for year, versions in years.items()]


def public_version(*, region: str, year: int, version: int, code: str | None = None,
                   pk: int | None = None) -> Disclosure | None:
    """One public version of a department-year named in a URL; None for drafts and discarded
    versions, which the public never sees."""
    return (Disclosure.objects.select_related("department__region", "department__parent",
                                              "document")
            .filter(department_lookup(region=region, code=code, pk=pk), year=year,
                    version=version, status__in=PUBLIC_VERSION_STATUSES).first())
