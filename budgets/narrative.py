"""Narrative-versus-table checks: the prose of the 情况说明 restates table figures.

A prose amount may be in 元, 万元 or 亿元; it is converted to 元 and compared with the table
figure's `amount_yuan`, within one unit of the table's last printed place. Where the prose
number equals the table figure as printed but its unit is not the table's (`4000元` for
4000.00 万元), the finding says it is a unit slip rather than a different amount. Findings
give expected/found in the table's printed unit.
"""

import re
from decimal import Decimal

from budgets.identities import Amount, Cells, printed_step
from budgets.models import UNIT_FACTORS, Disclosure, Finding, NarrativeSection, TableKind

T = TableKind
AMOUNT = re.compile(r"(-?\d+(?:\.\d+)?)\s*(亿元|万元|元)")
TO_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100_000_000)}
STORED_PLACES = Decimal("0.000001")
# Between a keyword and its amount: no sentence break and no word of change (比上年增加 …).
GAP = r"[^。；;，,\n]{0,16}?"
CHANGE_WORDS = ("增加", "减少", "增长", "下降", "持平", "相比", "比上年", "较")

# (section keys, keyword pattern, table, code, column, label)
PROSE_FIGURES = [
    (("overview",), r"收入总(?:额|计)", T.SUMMARY, "revenue_total", "total", "收入总额"),
    (("overview",), r"支出总(?:额|计)", T.SUMMARY, "expenditure_total", "total", "支出总额"),
    (("overview",), r"基本支出", T.EXPENDITURE_BY_FUNCTION, "", "basic", "基本支出"),
    (("overview",), r"项目支出", T.EXPENDITURE_BY_FUNCTION, "", "project", "项目支出"),
    (("overview",), r"人员经费", T.BASIC_BY_ECONOMIC, "", "personnel", "人员经费"),
    (("overview",), r"公用经费", T.BASIC_BY_ECONOMIC, "", "public", "公用经费"),
    (("operating_costs",), r"机关运行经费", T.BASIC_BY_ECONOMIC, "", "public", "机关运行经费"),
    (("sangong",), r"“?三公”?经费(?:预算安排|总额|预算)", T.SANGONG, "sangong_total", "total",
     "“三公”经费"),
    (("sangong",), r"因公出国（境）费", T.SANGONG, "outbound", "total", "因公出国（境）费"),
    (("sangong",), r"公务用车购置及运(?:行)?维(?:护)?(?:费|经费)", T.SANGONG, "vehicle", "total",
     "公务用车购置及运维费"),
    (("sangong",), r"公务用车购置费", T.SANGONG, "vehicle_purchase", "total", "公务用车购置费"),
    (("sangong",), r"公务用车运(?:行)?维(?:护)?(?:费|经费)", T.SANGONG, "vehicle_operation",
     "total", "公务用车运行维护费"),
    (("sangong",), r"公务接待费", T.SANGONG, "reception", "total", "公务接待费"),
]


def first_amount_after(text: str, keyword: str) -> tuple[Decimal, str, str] | None:
    """The first amount printed right after the keyword: (value in 元, number, unit)."""
    pattern = re.compile(f"(?:{keyword}){GAP}{AMOUNT.pattern}")
    for match in pattern.finditer(text):
        between = match.group(0)[: match.start(1) - match.start(0)]
        if any(word in between for word in CHANGE_WORDS):
            continue
        number, unit = match.group(1), match.group(2)
        return Decimal(number) * TO_YUAN[unit], number, unit
    return None


def _in(unit: str, yuan: Decimal) -> Decimal:
    return yuan / UNIT_FACTORS[unit]


def _compare(disclosure: Disclosure, *, section: NarrativeSection, keyword: str, label: str,
             table: str, code: str, column: str, expected: Amount | None, unit: str,
             places: int) -> Finding | None:
    said = first_amount_after(section.text, keyword)
    if said is None or expected is None:
        return None
    value, number, said_unit = said
    # Prose rounds: 171.01万元 restates a table's 1,710,062 元 to its own last place (100 元).
    prose_step = Decimal(1).scaleb(Decimal(number).as_tuple().exponent) * TO_YUAN[said_unit]
    if abs(value - expected.yuan) <= max(expected.step or printed_step(places, unit), prose_step):
        return None
    as_printed = _in(unit, expected.yuan)
    shown = f"{as_printed:.{places}f} {unit}"
    if said_unit != unit and Decimal(number) == as_printed:
        rule = "narrative_unit_slip"
        message = (f"单位笔误：情况说明“{section.title}”写“{label}{number}{said_unit}”，"
                   f"表中为 {shown}（数字相同，单位应为{unit}）")
    else:
        rule = "narrative_mismatch"
        message = (f"情况说明“{section.title}”写{label}{number}{said_unit}"
                   f"（{_in(unit, value).normalize():f} {unit}），表中为 {shown}")
    return Finding(
        disclosure=disclosure, rule=rule, table=table, code=code, column=column,
        expected=as_printed.quantize(STORED_PLACES),
        found=_in(unit, value).quantize(STORED_PLACES), unit=unit, message=message,
        page=section.page,
    )


# `“…（项）”350.35万元，…2024年预算安排352.67万元`: one item of 财政拨款支出主要内容, its amount
# stated twice (the first figure, and again as the year's 预算安排).
RESTATED = re.compile(r"（项）”?\s*(?P<first>\d+(?:\.\d+)?)万元(?P<between>[^“]{0,160}?)"
                      r"(?P<year>\d{4})年预算安排(?:为)?(?P<again>\d+(?:\.\d+)?)万元")


def restated_item_findings(disclosure: Disclosure, sections: list) -> list[Finding]:
    """An item of the prose that gives two different figures for the same budget line."""
    findings = []
    for section in sections:
        for match in RESTATED.finditer(section.text):
            if int(match.group("year")) != disclosure.year or \
                    Decimal(match.group("first")) == Decimal(match.group("again")):
                continue
            findings.append(Finding(
                disclosure=disclosure, rule="narrative_restated_differently", unit="万元",
                expected=Decimal(match.group("first")), found=Decimal(match.group("again")),
                page=section.page,
                message=f"情况说明“{section.title}”对同一科目先写 {match.group('first')} 万元，"
                        f"又写{match.group('year')}年预算安排 {match.group('again')} 万元"))
    return findings


def narrative_findings(disclosure: Disclosure, cells: Cells) -> list[Finding]:
    sections = list(disclosure.sections.all())
    findings = []
    for keys, keyword, table, code, column, label in PROSE_FIGURES:
        if label == "机关运行经费" and cells.has_row(T.SANGONG, "office_operation"):
            # printed in the 三公 table (Shanghai): that, not 公用经费, is what prose restates
            table, code, column = T.SANGONG, "office_operation", "total"
        if not cells.has_table(table) or column not in cells.printed_columns(table):
            continue
        for section in sections:
            if section.key in keys:
                findings.append(_compare(
                    disclosure, section=section, keyword=keyword, label=label, table=table,
                    code=code, column=column, expected=cells.cell(table, code, column),
                    unit=cells.unit(table), places=cells.decimals.get(table, 2),
                ))
    for project in disclosure.projects.all():
        expected = (None if project.budget_yuan is None
                    else Amount(project.budget_yuan, printed_step(2, project.unit)))
        for section in sections:
            findings.append(_compare(
                disclosure, section=section, keyword=re.escape(project.name),
                label=project.name, table="project", code=project.code, column="budget",
                expected=expected, unit=project.unit, places=2,
            ))
    findings += restated_item_findings(disclosure, sections)
    return [f for f in findings if f is not None]
