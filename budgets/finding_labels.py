"""What a finding's two figures are, in words: which is the table's and which is the prose's.

`Finding.expected` / `Finding.found` are stored in the unit of the table the finding is about;
bare, "应为 2,800.00 / 实际 0.28" read as if 0.28 万元 had been spent. Every page that shows the
two figures names them with these labels and prints each with its unit.
"""

# Sums of printed details against the printed total.
SUM_RULES = {"hierarchy_sum", "row_sum", "revenue_items", "spending_rows",
             "economic_composition", "sangong_parts", "projects_sum"}
LABELS = {
    "balance": ("收入方合计", "支出方合计"),
    "summary_matches_expenditure": ("支出总表同类合计", "收支总表所印"),
    "fiscal_summary_matches_fund_table": ("分资金表同类合计", "财政拨款收支总表所印"),
    "basic_matches_general_budget": ("一般公共预算支出表的基本支出", "基本支出表合计"),
    "narrative_mismatch": ("表中数", "情况说明所写（折算）"),
    "narrative_unit_slip": ("表中数", "情况说明所写（按其单位）"),
    "narrative_restated_differently": ("情况说明先写", "情况说明又写"),
}
DEFAULT = ("按其他数字应为", "表中所印")


def finding_labels(rule: str) -> tuple[str, str]:
    """(label of `expected`, label of `found`) for a finding's rule."""
    if rule in SUM_RULES:
        return "明细之和", "表中合计所印"
    return LABELS.get(rule, DEFAULT)
