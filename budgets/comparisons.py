"""Reads across disclosures: side-by-side comparison, rankings, and one department over the years.

A compared disclosure is named by a key, ``<region slug>:<code>:<year>``
(``河北省-唐山市-芦台经济开发区:711:2024``), or ``<region slug>:id-<department id>:<year>`` for
a department whose documents print no code, so a comparison is a plain, shareable URL
(``/compare/?d=…&d=…``). Every amount is 万元 computed from `Figure.amount_yuan`, so
departments printing 元 and departments printing 万元 compare correctly.

Query counts do not depend on how many disclosures are compared or ranked: the figures of every
compared disclosure are read in one query (`prime_figures`) into the cache that
`selectors.disclosure_figures` reads, so the page selectors of `budgets.selectors` (headline
figures, the classified trees …) cost nothing more; rankings are one annotated query whatever
the number of departments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from budgets.codes import classification_level, is_classification_code, parent_code
from budgets.models import (
    Department,
    Disclosure,
    DisclosureTable,
    DisclosureTotals,
    Figure,
    Finding,
    Project,
    Region,
    TableKind,
)
from budgets.schema import (
    REVENUE_ITEM_LABELS,
    REVENUE_ITEMS_2023,
    REVENUE_ITEMS_2024,
    SANGONG_ROWS,
)
from budgets.selectors import (
    MONEY_FIELD,
    ZERO,
    DisclosureFigures,
    chart_number,
    expenditure_by_economic,
    expenditure_by_function,
    figures_of,
    fund_type_split,
    headline_figures,
    printed_cell,
    published_disclosures,
    region_paths,
    revenue_by_source,
    search_departments,
    total_field,
    wan_expression,
    wan_sum,
)
from budgets.templatetags.budget_format import disclosure_path

T = TableKind
MAX_COMPARED = 10
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
SHARE_FIELD = DecimalField(max_digits=20, decimal_places=6)


# --- disclosure keys ----------------------------------------------------------------------------

ID_PREFIX = "id-"


def department_token(department: Department) -> str:
    """The department part of a key: its printed code, or ``id-<pk>`` when none was printed."""
    return department.code or f"{ID_PREFIX}{department.pk}"


def disclosure_key(disclosure: Disclosure) -> str:
    """``<region slug>:<code or id-pk>:<year>``, the name of a disclosure in a comparison URL."""
    department = disclosure.department
    return f"{department.region.slug}:{department_token(department)}:{disclosure.year}"


def _key_condition(slug: str, token: str, year: int) -> Q:
    if token.startswith(ID_PREFIX) and token[len(ID_PREFIX):].isdigit():
        return Q(department__region__slug=slug, department_id=int(token[len(ID_PREFIX):]),
                 year=year)
    return Q(department__region__slug=slug, department__code=token, year=year)


def parse_disclosure_key(key: str) -> tuple[str, str, int] | None:
    """(region slug, code, year) of a key, or None when it is not one."""
    parts = (key or "").strip().rsplit(":", 2)
    if len(parts) != 3:
        return None
    slug, code, year = parts
    if not slug or not code or not year.isdigit() or len(year) != 4:
        return None
    return slug, code, int(year)


def _with_counts(disclosures: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
    """Annotate findings_count, project_count and project_budget (subqueries, no join fan-out)."""
    def count_of(model):
        rows = (model.objects.filter(disclosure=OuterRef("pk")).order_by()
                .values("disclosure").annotate(n=Count("pk")).values("n"))
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    budget = (Project.objects.filter(disclosure=OuterRef("pk")).order_by().values("disclosure")
              .annotate(s=ExpressionWrapper(Sum("budget_yuan") * Value(Decimal("0.0001")),
                                            output_field=MONEY_FIELD)).values("s"))
    return disclosures.annotate(
        findings_count=count_of(Finding), project_count=count_of(Project),
        project_budget=Coalesce(Subquery(budget, output_field=MONEY_FIELD), Value(ZERO),
                                output_field=MONEY_FIELD),
    )


@dataclass
class Selection:
    """The disclosures a list of keys names, in the keys' order, and what could not be used."""

    disclosures: list[Disclosure]
    missing: list[str] = field(default_factory=list)
    repeated: bool = False
    dropped: int = 0  # keys past MAX_COMPARED


def disclosures_from_keys(keys: Iterable[str], limit: int = MAX_COMPARED) -> Selection:
    """The published disclosures named by the keys (one query), without repeats, at most `limit`."""
    wanted, missing, seen, repeated = [], [], set(), False
    for key in keys:
        if not key.strip():
            continue
        parsed = parse_disclosure_key(key)
        if parsed is None:
            missing.append(key)
        elif parsed in seen:
            repeated = True
        else:
            seen.add(parsed)
            wanted.append((key, parsed))
    dropped = max(0, len(wanted) - limit)
    wanted = wanted[:limit]
    found = {}
    if wanted:
        condition = Q()
        for _, (slug, token, year) in wanted:
            condition |= _key_condition(slug, token, year)
        for disclosure in _with_counts(published_disclosures().filter(condition)):
            department = disclosure.department
            slug = department.region.slug
            found[(slug, f"{ID_PREFIX}{department.pk}", disclosure.year)] = disclosure
            if department.code:
                found[(slug, department.code, disclosure.year)] = disclosure
    disclosures = []
    for key, parsed in wanted:
        if parsed in found:
            disclosures.append(found[parsed])
        else:
            missing.append(key)
    return Selection(disclosures=disclosures, missing=missing, repeated=repeated, dropped=dropped)


def prime_figures(disclosures: Sequence[Disclosure]) -> None:
    """Read the figures of all these disclosures in one query into the cache of
    `selectors.disclosure_figures` (same order, same class), so the selectors reuse them."""
    pending = [d for d in disclosures if getattr(d, "_figures_cache", None) is None]
    if not pending:
        return
    ids = [d.pk for d in pending]
    rows, tables = defaultdict(list), defaultdict(list)
    for figure in figures_of(ids):
        rows[figure.disclosure_id].append(figure)
    for table in DisclosureTable.objects.filter(disclosure_id__in=ids):
        tables[table.disclosure_id].append(table)
    for disclosure in pending:
        disclosure._figures_cache = DisclosureFigures(rows[disclosure.pk], tables[disclosure.pk])


def search_disclosures(query: str, limit: int = 20) -> list[Disclosure]:
    """Published department-years and unit-years whose name, name variant, region or code
    matches the query (as the directory search does)."""
    if not query.strip():
        return []
    # region, then code: a department's units follow it (313, 313001)
    return list(
        published_disclosures().filter(search_departments(query))
        .order_by("department__region__slug", "department__code", "department__name",
                  "-year")[:limit]
    )


# --- a comparison: columns of disclosures, rows of figures ---------------------------------------

@dataclass
class Item:
    """One compared disclosure (a column)."""

    disclosure: Disclosure
    key: str
    region_path: str
    index: int

    @property
    def department(self) -> Department:
        return self.disclosure.department

    @property
    def year(self) -> int:
        return self.disclosure.year

    @property
    def is_unit(self) -> bool:
        return self.department.parent_id is not None

    @property
    def label(self) -> str:
        return f"{self.department.name}（{self.year}年）"

    @property
    def findings(self) -> int:
        return getattr(self.disclosure, "findings_count", 0) or 0


@dataclass
class Cell:
    amount: Decimal | None  # None: the row is not printed in this disclosure
    share: Decimal | None = None  # % of the row's reference total in the same disclosure
    difference: Decimal | None = None  # against the reference column (first, or previous year)
    difference_percent: Decimal | None = None
    is_reference: bool = False


@dataclass
class Row:
    key: str
    code: str
    name: str
    level: int = 0
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    share_of: str = ""
    unit: str = "万元"

    @property
    def has_children(self) -> bool:
        return bool(self.children)

    @property
    def is_classified(self) -> bool:
        """A functional or economic code (printed before the name), not a row key like 'outbound'."""
        return is_classification_code(self.code)

    @property
    def is_count(self) -> bool:
        return self.unit == "个"


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row]
    share_of: str = ""
    tree: bool = False
    note: str = ""


@dataclass
class Notice:
    kind: str
    text: str
    url: str = ""
    link_text: str = ""


@dataclass
class Comparison:
    items: list[Item]
    sections: list[Section]
    notices: list[Notice]
    charts: dict
    descriptions: dict
    reference: str  # "first" or "previous"

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def row(self, section: str, key: str) -> Row:
        return next(r for r in self.section(section).rows if r.key == key)


def _share(amount: Decimal | None, total: Decimal | None) -> Decimal | None:
    if amount is None or not total:
        return None
    return (amount * HUNDRED / total).quantize(CENT)


def _cells(amounts: list[Decimal | None], totals: list[Decimal | None] | None,
           reference: str) -> list[Cell]:
    """Cells with shares and differences: against column 0 ("first") or the column before."""
    cells = []
    for index, amount in enumerate(amounts):
        cell = Cell(amount=amount, share=_share(amount, totals[index]) if totals else None)
        base_index = 0 if reference == "first" else index - 1
        if index == 0 or base_index < 0:
            cell.is_reference = True
        else:
            base = amounts[base_index]
            if amount is not None or base is not None:
                cell.difference = (amount or ZERO) - (base or ZERO)
                if base:
                    cell.difference_percent = (cell.difference * HUNDRED / base).quantize(CENT)
        cells.append(cell)
    return cells


def _pick_name(names: list[str | None], prefer_last: bool) -> tuple[str, list[str]]:
    printed = [n for n in names if n]
    if not printed:
        return "", []
    chosen = printed[-1] if prefer_last else printed[0]
    others = list(dict.fromkeys(n for n in printed if n != chosen))
    return chosen, others


def _tree_rows(trees: list, totals: list[Decimal | None], reference: str, share_of: str,
               prefer_last: bool) -> list[Row]:
    """The union of several 类 › 款 › 项 trees, matched by code, in code order."""
    by_code: dict[str, list] = {}
    for index, tree in enumerate(trees):
        for line in tree.lines:
            by_code.setdefault(line.code, [None] * len(trees))[index] = line
    rows, codes = [], sorted(by_code)
    present = set(codes)
    for code in codes:
        lines = by_code[code]
        name, others = _pick_name([ln.name if ln else None for ln in lines], prefer_last)
        parent = parent_code(code)
        rows.append(Row(
            key=code, code=code, name=name, level=classification_level(code),
            parent=parent if parent in present else None, other_names=others, share_of=share_of,
            cells=_cells([ln.total if ln else None for ln in lines], totals, reference),
        ))
    index = {row.code: row for row in rows}
    for row in rows:
        if row.parent:
            index[row.parent].children.append(row.code)
    return rows


OVERVIEW = (
    # key, label, share of
    ("expenditure", "支出合计", "expenditure"),
    ("revenue", "收入合计", None),
    ("basic", "基本支出", "expenditure"),
    ("project", "项目支出", "expenditure"),
    ("personnel", "人员经费", "basic_economic"),
    ("public", "公用经费", "basic_economic"),
    ("sangong", "“三公”经费", "expenditure"),
)
SHARE_OF = {"expenditure": "占支出合计", "basic_economic": "占基本支出（人员经费＋公用经费）"}
SANGONG_PARTS = (
    # code, level, parent
    ("outbound", 1, None), ("outbound_research", 2, "outbound"), ("outbound_other", 2, "outbound"),
    ("vehicle", 1, None), ("vehicle_purchase", 2, "vehicle"), ("vehicle_operation", 2, "vehicle"),
    ("reception", 1, None),
)
CHART_OVERVIEW = ("expenditure", "basic", "project", "personnel", "public", "sangong")


def _overview(disclosures: list[Disclosure], reference: str) -> tuple[Section, dict]:
    headlines = [{h.key: h.amount for h in headline_figures(d)} for d in disclosures]
    totals = {
        "expenditure": [h["expenditure"] for h in headlines],
        "basic_economic": [(h["personnel"] or ZERO) + (h["public"] or ZERO) for h in headlines],
    }
    rows = []
    for key, label, share_of in OVERVIEW:
        rows.append(Row(key=key, code="", name=label, share_of=SHARE_OF.get(share_of, ""),
                        cells=_cells([h[key] for h in headlines],
                                     totals.get(share_of), reference)))
    rows.append(Row(key="project_count", code="", name="项目个数", unit="个",
                    cells=_cells([Decimal(getattr(d, "project_count", 0) or 0)
                                  for d in disclosures], None, reference)))
    rows.append(Row(key="project_budget", code="", name="项目预算数合计（绩效目标表）",
                    share_of=SHARE_OF["expenditure"],
                    cells=_cells([getattr(d, "project_budget", None) or ZERO for d in disclosures],
                                 totals["expenditure"], reference)))
    section = Section(key="overview", title="概览", rows=rows,
                      note="人员经费、公用经费取自一般公共预算财政拨款基本支出表；"
                           "项目个数与预算数取自项目绩效目标表。")
    return section, headlines


def _revenue(disclosures: list[Disclosure], reference: str) -> Section:
    shares = [{s.key: s.amount for s in revenue_by_source(d)} for d in disclosures]
    keys = [k for k in dict.fromkeys(REVENUE_ITEMS_2024 + REVENUE_ITEMS_2023)
            if any(k in s for s in shares)]
    totals = [sum(s.values(), ZERO) for s in shares]
    rows = [Row(key=k, code=k, name=REVENUE_ITEM_LABELS[k], share_of="占收入合计",
                cells=_cells([s.get(k) for s in shares], totals, reference)) for k in keys]
    note = ""
    if len({d.summary_layout for d in disclosures}) > 1:
        note = ("各份预算的收支总表格式不同（2023 年格式列事业收入等，2024 年格式列单位资金），"
                "不同格式的收入项目不能逐项对应。")
    return Section(key="revenue", title="收入来源", rows=rows, share_of="占收入合计", note=note)


def _funds(disclosures: list[Disclosure], reference: str) -> Section:
    splits = [fund_type_split(d) for d in disclosures]
    totals = [sum((s.amount for s in split), ZERO) for split in splits]
    rows = [Row(key=share.key, code=share.key, name=share.label, share_of="占财政拨款支出",
                cells=_cells([split[i].amount for split in splits], totals, reference))
            for i, share in enumerate(splits[0])] if splits else []
    return Section(key="funds", title="资金性质（财政拨款支出）", rows=rows,
                   share_of="占财政拨款支出")


def _sangong(headlines: list[dict], disclosures: list[Disclosure], reference: str,
             figures: list[DisclosureFigures]) -> Section:
    totals = [h["sangong"] for h in headlines]
    rows = [Row(key="sangong_total", code="", name="“三公”经费合计", share_of="占三公经费合计",
                cells=_cells(totals, totals, reference))]
    for code, level, parent in SANGONG_PARTS:
        amounts = [(f.get(T.SANGONG, code) or ZERO) if f.rows else None for f in figures]
        rows.append(Row(key=code, code=code, name=SANGONG_ROWS[code], level=level, parent=parent,
                        share_of="占三公经费合计", cells=_cells(amounts, totals, reference)))
    index = {r.key: r for r in rows}
    for row in rows:
        if row.parent:
            index[row.parent].children.append(row.key)
    return Section(key="sangong", title="“三公”经费", rows=rows, share_of="占三公经费合计",
                   tree=True, note="空表按 0 计。")


def _describe(items: list[Item], row: Row, unit: str = "万元") -> str:
    parts = "，".join(f"{item.label} {(cell.amount or ZERO):,.2f} {unit}"
                     for item, cell in zip(items, row.cells, strict=True))
    return f"{row.name}：{parts}。"


def _charts(items: list[Item], overview: Section, functions: Section, *, by_year: bool) -> dict:
    names = [f"{item.year}年" if by_year else item.label for item in items]
    rows = {r.key: r for r in overview.rows}
    bars = {
        "categories": [rows[k].name for k in CHART_OVERVIEW],
        "series": [{"name": names[i],
                    "values": [chart_number(rows[k].cells[i].amount) for k in CHART_OVERVIEW]}
                   for i in range(len(items))],
        "unit": "万元",
    }
    classes = [r for r in functions.rows if r.level == 1]
    shares = {}
    if classes:
        shares = {
            "categories": [f"{r.code} {r.name}" for r in classes],
            "series": [{"name": names[i],
                        "values": [chart_number(r.cells[i].share) for r in classes]}
                       for i in range(len(items))],
            "unit": "%",
        }
    return {"overview": bars, "functions": shares}


def _notices(items: list[Item], selection: Selection | None) -> list[Notice]:
    notices = []
    if selection is not None:
        for key in selection.missing:
            notices.append(Notice("missing", f"没有找到已公开的预算“{key}”（编号有误，或该预算未公开、"
                                             "已被新版本替换），已略去。"))
        if selection.repeated:
            notices.append(Notice("repeated", "同一份预算只比较一次，重复的已略去。"))
        if selection.dropped:
            notices.append(Notice("dropped", f"最多同时比较 {MAX_COMPARED} 项，"
                                             f"其余 {selection.dropped} 项已略去。"))
    years = sorted({item.year for item in items})
    if len(years) > 1:
        notices.append(Notice(
            "years", "所比较的预算年度不同（" + "、".join(f"{y}年" for y in years) + "）：金额为各年预算数，"
            "未作价格调整，科目名称和口径可能变化。"))
    if any(i.is_unit for i in items) and any(not i.is_unit for i in items):
        notices.append(Notice(
            "scope", "比较对象中既有部门也有所属单位：部门预算包含其所属单位的预算，二者规模不可直接相比。"))
    by_department = {(i.department.pk, i.year): i for i in items}
    for item in items:
        parent = by_department.get((item.department.parent_id, item.year))
        if parent is not None:
            notices.append(Notice(
                "nested", f"{item.label}是{parent.label}的所属单位，其预算已包含在部门预算中，"
                          "两列金额不能相加。"))
    for item in items:
        if item.findings:
            notices.append(Notice(
                "findings", f"{item.label}的数据核对发现 {item.findings} 处不一致，相关金额可能有误。",
                url=disclosure_path(item.disclosure) + "#findings", link_text="查看核对结果"))
    return notices


def build_comparison(disclosures: Sequence[Disclosure], *, reference: str = "first",
                     selection: Selection | None = None) -> Comparison:
    """Compare disclosures column by column: every figure with its share of the disclosure's
    own total and its difference against the first column (`reference="first"`) or against the
    column before it (`reference="previous"`, for a department over the years)."""
    disclosures = list(disclosures)
    prime_figures(disclosures)
    paths = region_paths()
    items = [Item(disclosure=d, key=disclosure_key(d), region_path=paths.get(d.department.region_id, ""),
                  index=i) for i, d in enumerate(disclosures)]
    if not items:
        return Comparison(items=[], sections=[], notices=_notices([], selection), charts={},
                          descriptions={}, reference=reference)
    prefer_last = reference == "previous"
    overview, headlines = _overview(disclosures, reference)
    figures = [d._figures_cache for d in disclosures]
    functions_trees = [expenditure_by_function(d) for d in disclosures]
    economic_trees = [expenditure_by_economic(d) for d in disclosures]
    functions = Section(
        key="functions", title="支出功能分类（部门预算支出总表）", tree=True, share_of="占支出合计",
        rows=_tree_rows(functions_trees, [h["expenditure"] for h in headlines], reference,
                        "占支出合计", prefer_last))
    economic = Section(
        key="economic", title="支出经济分类（一般公共预算财政拨款基本支出）", tree=True,
        share_of="占基本支出",
        rows=_tree_rows(economic_trees,
                        [t.total.total if t.total else None for t in economic_trees], reference,
                        "占基本支出", prefer_last))
    sections = [overview, _revenue(disclosures, reference), _funds(disclosures, reference),
                functions, economic, _sangong(headlines, disclosures, reference, figures)]
    by_year = reference == "previous"
    rows = {r.key: r for r in overview.rows}
    return Comparison(
        items=items, sections=sections, notices=_notices(items, selection),
        charts=_charts(items, overview, functions, by_year=by_year),
        descriptions={
            "overview": " ".join(_describe(items, rows[k]) for k in CHART_OVERVIEW),
            "functions": "各功能分类（类）占各自支出合计的比例，数据见“支出功能分类”表。",
        },
        reference=reference,
    )


def comparison_rows(comparison: Comparison):
    """The comparison in long format for the CSV: one row per (line, compared disclosure)."""
    for section in comparison.sections:
        for row in section.rows:
            for item, cell in zip(comparison.items, row.cells, strict=True):
                department = item.department
                parent = department.parent
                yield [
                    section.key, section.title, row.code, row.name, row.level or "",
                    item.key, item.region_path,
                    parent.code if parent else department.code,
                    parent.name if parent else department.name,
                    "unit" if parent else "department",
                    department.code if parent else "", department.name if parent else "",
                    item.year, row.unit, _plain(cell.amount, row.is_count), _plain(cell.share),
                    row.share_of, _plain(cell.difference, row.is_count),
                    _plain(cell.difference_percent), _reference_key(comparison, item),
                ]


def _reference_key(comparison: Comparison, item: Item) -> str:
    if item.index == 0:
        return ""
    base = comparison.items[0 if comparison.reference == "first" else item.index - 1]
    return base.key


COMPARISON_COLUMNS = [
    "section", "section_name", "code", "name", "level", "disclosure_key", "region",
    "department_code", "department_name", "scope", "unit_code", "unit_name", "year", "unit",
    "amount", "share_percent", "share_of", "difference", "difference_percent",
    "difference_against",
]


def _plain(value: Decimal | None, integer: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if integer else f"{value:.2f}"


# --- across years ---------------------------------------------------------------------------

@dataclass
class History:
    department: Department
    comparison: Comparison

    @property
    def years(self) -> list[int]:
        return [item.year for item in self.comparison.items]


def department_history(department: Department) -> History:
    """All published years of one department (or unit), oldest first, line by line, matched by
    code, each with its change against the year before it."""
    disclosures = list(_with_counts(published_disclosures().filter(department=department))
                       .order_by("year"))
    comparison = build_comparison(disclosures, reference="previous")
    comparison.notices = [n for n in comparison.notices if n.kind == "findings"]
    years = [d.year for d in disclosures]
    gaps = [f"{a}–{b}" for a, b in zip(years, years[1:], strict=False) if b - a > 1]
    if gaps:
        comparison.notices.insert(0, Notice(
            "gap", "缺少中间年度的公开预算（" + "、".join(gaps) + "），增减按相邻的已公开年度计算。"))
    return History(department=department, comparison=comparison)


def history_charts(history: History) -> dict:
    """Lines over the years for the overview figures ({} with fewer than two years)."""
    comparison = history.comparison
    if len(comparison.items) < 2:
        return {}
    rows = {r.key: r for r in comparison.section("overview").rows}
    return {
        "x": [f"{y}年" for y in history.years],
        "series": [{"name": rows[k].name, "values": [chart_number(c.amount) for c in rows[k].cells]}
                   for k in CHART_OVERVIEW],
        "unit": "万元",
    }


# --- rankings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """What a ranking ranks by: an amount (万元) or a share (%)."""

    key: str
    code: str = ""

    KINDS = {
        "total": "支出合计",
        "basic": "基本支出",
        "project": "项目支出",
        "function": "支出功能分类科目",
        "economic": "支出经济分类科目（基本支出）",
        "sangong": "“三公”经费",
        "personnel_share": "人员经费占基本支出比例",
        "project_share": "项目支出占支出合计比例",
    }

    @property
    def is_share(self) -> bool:
        return self.key.endswith("_share")

    @property
    def unit(self) -> str:
        return "%" if self.is_share else "万元"

    @property
    def needs_code(self) -> bool:
        return self.key in ("function", "economic")

    @property
    def blank_is_zero(self) -> bool:
        """Totals and 三公 are always printed (an empty 三公 table is 0); a classification code
        a department does not print is left out of the ranking instead."""
        return self.key in ("total", "basic", "project", "sangong")

    def label(self, name: str = "") -> str:
        if self.key == "sangong" and self.code:
            return f"“三公”经费：{SANGONG_ROWS[self.code]}"
        if self.needs_code:
            return f"{self.code} {name}".strip()
        return self.KINDS[self.key]

    def validate(self) -> str | None:
        """An error message, or None."""
        if self.key not in self.KINDS:
            return "未知的排名指标"
        if self.key == "function" and not is_classification_code(self.code):
            return "请填写 3、5 或 7 位的支出功能分类编码（如 201、20129、2012901）"
        if self.key == "economic" and not (self.code.isdigit() and len(self.code) in (3, 5)):
            return "请填写 3 或 5 位的经济分类编码（如 301、30201）"
        if self.key == "sangong" and self.code and self.code not in SANGONG_ROWS:
            return "未知的“三公”经费项目"
        return None

    def expression(self, previous: bool = False):
        """The measure of each row's disclosure, or (previous=True) of the same department's
        published disclosure of the year before; NULL where it is not printed."""
        cell = _previous_cell if previous else _cell
        if self.key in ("total", "basic", "project"):
            column = "total" if self.key == "total" else self.key
            return cell(T.EXPENDITURE_BY_FUNCTION, "", column)
        if self.key == "function":
            return cell(T.EXPENDITURE_BY_FUNCTION, self.code, "total")
        if self.key == "economic":
            return cell(T.BASIC_BY_ECONOMIC, self.code, "total")
        if self.key == "sangong":
            if self.code:
                return cell(T.SANGONG, self.code, "total")
            return Coalesce(cell(T.SANGONG, "", "total"), cell(T.SANGONG, "sangong_total", "total"),
                            output_field=MONEY_FIELD)
        part = _zero(cell(*self.SHARES[self.key][0]))
        return ExpressionWrapper(part * Value(HUNDRED) / NullIf(self.base(previous), Value(ZERO)),
                                 output_field=SHARE_FIELD)

    # share measures: (part cell, whole cell). 人员经费 of 基本支出 is table 6's personnel over its
    # 合计 (= 人员经费 + 公用经费), 项目支出 of table 3's 合计.
    SHARES = {
        "personnel_share": ((T.BASIC_BY_ECONOMIC, "", "personnel"), (T.BASIC_BY_ECONOMIC, "", "total")),
        "project_share": ((T.EXPENDITURE_BY_FUNCTION, "", "project"),
                          (T.EXPENDITURE_BY_FUNCTION, "", "total")),
    }

    def base(self, previous: bool = False):
        """The whole a share measure divides by (NULL or 0: no share)."""
        cell = _previous_cell if previous else _cell
        return cell(*self.SHARES[self.key][1])


# Both in 万元 from amount_yuan, summed over the rows of a code (a code printed once per hidden
# unit counts with all its rows); order_by() in wan_sum keeps the models' default ordering from
# joining disclosure, department and region into every subquery.
_cell = printed_cell  # one printed cell of the row's disclosure, in 万元 (NULL when not printed)


def _previous_cell(table: str, code: str, column: str):
    """The same cell in the department's published disclosure of the year before."""
    previous = {"disclosure__department_id": OuterRef("department_id"),
                "disclosure__year": OuterRef("year") - 1,
                "disclosure__status": Disclosure.Status.PUBLISHED}
    field = total_field(table, code, column)
    if field:
        totals = DisclosureTotals.objects.filter(**previous).values(field)[:1]
        return wan_expression(Subquery(totals, output_field=MONEY_FIELD))
    return wan_sum(Figure.objects.filter(**previous, table=table, code=code, column=column))


def _zero(expression):
    return Coalesce(expression, Value(ZERO), output_field=MONEY_FIELD)


BY_CHOICES = {"amount": "按本年数", "change": "按比上年增减额", "change_percent": "按比上年增减率"}


@dataclass
class Ranking:
    """The ranked department-years, largest first: a queryset annotated with `value` and, when
    ranking by change, `previous_value` and `change` or `change_percent`.

    Ranks (ties share one, the next skips: 1, 2, 2, 4) are read from one query of the ranked
    values (`rank_of`), so sorting the table by another column keeps each row's rank and no
    window function makes the database evaluate the measure several times per row.
    """

    rows: QuerySet[Disclosure]
    measure: Measure
    year: int
    region: Region | None
    by: str
    candidates: int
    measure_name: str = ""
    _values: list | None = None

    @property
    def field(self) -> str:
        return "value" if self.by == "amount" else self.by

    def values(self) -> list:
        """The ranked values, largest first (one query, read once)."""
        if self._values is None:
            self._values = sorted(self.rows.order_by().values_list(self.field, flat=True),
                                  reverse=True)
        return self._values

    @property
    def ranked(self) -> int:
        return len(self.values())

    def rank_of(self, record) -> int:
        """1 + how many ranked rows have a larger value."""
        value = getattr(record, self.field)
        values = self.values()
        low, high = 0, len(values)
        while low < high:  # first index whose value is not larger (values descend)
            middle = (low + high) // 2
            if values[middle] > value:
                low = middle + 1
            else:
                high = middle
        return low + 1

    def with_ranks(self, rows: list[Disclosure]) -> list[Disclosure]:
        for row in rows:
            row.rank = self.rank_of(row)
        return rows

    def top(self, n: int) -> list[Disclosure]:
        return self.with_ranks(list(self.rows[:n]))


def change_of(record) -> Decimal | None:
    previous = getattr(record, "previous_value", None)
    if previous is None or record.value is None:
        return None
    return record.value - previous


def change_percent_of(record) -> Decimal | None:
    change, previous = change_of(record), getattr(record, "previous_value", None)
    if change is None or not previous:
        return None
    return change * HUNDRED / previous


def ranking(*, measure: Measure, year: int, region: Region | None = None,
            include_units: bool = False, by: str = "amount") -> Ranking:
    """Every published department-year of a region (and its sub-regions) in a year, ranked by
    the measure (largest first), or by its change against the department's previous year.

    Left out: departments that do not print the classification code (for a code measure),
    whose share has no base (no basic/total expenditure), and — ranking by change — those
    without a published disclosure of the year before.
    """
    candidates = published_disclosures().filter(year=year)
    if not include_units:
        candidates = candidates.heads()
    if region is not None:
        candidates = candidates.filter(department__region_id__in=region.descendant_ids())
    current = measure.expression()
    if by == "amount":
        if measure.is_share:  # filtering on the base is cheaper than on the whole share
            candidates_with_base = candidates.alias(base=measure.base()).filter(base__gt=0)
            rows = candidates_with_base.annotate(value=current)
        else:
            rows = candidates.annotate(value=_zero(current) if measure.blank_is_zero else current)
            if not measure.blank_is_zero:
                rows = rows.filter(value__isnull=False)
    else:
        had_previous = Disclosure.objects.published().filter(
            department_id=OuterRef("department_id"), year=year - 1)
        rows = candidates.filter(Exists(had_previous))
        previous = measure.expression(previous=True)
        if measure.is_share:
            rows = rows.alias(base=measure.base(), previous_base=measure.base(previous=True))
            rows = rows.filter(base__gt=0, previous_base__gt=0)
            rows = rows.annotate(value=current, previous_value=previous)
        else:
            if not measure.blank_is_zero:
                rows = rows.alias(value_raw=current, previous_raw=previous).filter(
                    Q(value_raw__isnull=False) | Q(previous_raw__isnull=False))
            rows = rows.annotate(value=_zero(current), previous_value=_zero(previous))
        change = ExpressionWrapper(F("value") - F("previous_value"), output_field=SHARE_FIELD)
        if by == "change":
            rows = rows.annotate(change=change)
        else:
            rows = rows.annotate(change_percent=ExpressionWrapper(
                change * Value(HUNDRED) / NullIf(F("previous_value"), Value(ZERO)),
                output_field=SHARE_FIELD)).filter(change_percent__isnull=False)
    field_name = "value" if by == "amount" else by
    rows = rows.order_by(F(field_name).desc(nulls_last=True), "department__region__slug",
                         "department__code", "department__name")
    return Ranking(rows=rows, measure=measure, year=year, region=region, by=by,
                   candidates=candidates.count())


def classification_name(measure: Measure, year: int) -> str:
    """The printed name of a measure's code in that year's published tables (one query)."""
    if not measure.needs_code:
        return ""
    table = T.EXPENDITURE_BY_FUNCTION if measure.key == "function" else T.BASIC_BY_ECONOMIC
    figure = (Figure.objects.published()
              .filter(table=table, code=measure.code, disclosure__year=year)
              .values_list("name", flat=True).first())
    return figure or ""


def ranking_chart(rows: list[Disclosure], measure: Measure, by: str) -> dict:
    """Horizontal bars of the top rows (largest on top)."""
    if not rows:
        return {}
    field_name = "value" if by == "amount" else by
    unit = "%" if by == "change_percent" or (measure.is_share and by == "amount") else (
        "百分点" if measure.is_share else "万元")
    return {
        "labels": [f"{r.rank}. {r.department.name}" for r in rows][::-1],
        "values": [chart_number(_q(getattr(r, field_name))) for r in rows][::-1],
        "unit": unit,
    }


RANKING_COLUMNS = [
    "rank", "region", "department_code", "department_name", "scope", "unit_code", "unit_name",
    "year", "measure", "unit", "value", "previous_value", "change", "change_percent",
    "disclosure_key",
]


def ranking_rows(result: Ranking):
    """Every ranked row (not just one page) for the CSV, largest first."""
    paths = region_paths()
    label = result.measure.label(result.measure_name)
    rank, last = 0, object()
    for position, d in enumerate(result.rows.iterator(chunk_size=2000), start=1):
        value = getattr(d, result.field)
        if value != last:
            rank, last = position, value
        department = d.department
        parent = department.parent
        yield [
            rank, paths.get(department.region_id, ""),
            parent.code if parent else department.code,
            parent.name if parent else department.name,
            "unit" if parent else "department",
            department.code if parent else "", department.name if parent else "",
            d.year, label, result.measure.unit, _plain(_q(d.value)),
            _plain(_q(getattr(d, "previous_value", None))), _plain(_q(change_of(d))),
            _plain(_q(change_percent_of(d))), disclosure_key(d),
        ]


def _q(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(CENT)
