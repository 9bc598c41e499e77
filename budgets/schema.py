"""The shape of the nine tables: their columns and the codes of their non-classification rows.

This is the vocabulary shared by the sample-data files, the ingest pipeline, the validation
and the CSV export (README.md lists the same keys).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from budgets.models import TableKind

FUNCTION_TABLES = (
    TableKind.REVENUE_BY_FUNCTION,
    TableKind.EXPENDITURE_BY_FUNCTION,
    TableKind.GENERAL_BUDGET_BY_FUNCTION,
    TableKind.GOV_FUND_BY_FUNCTION,
    TableKind.STATE_CAPITAL_BY_FUNCTION,
)
CLASSIFIED_TABLES = FUNCTION_TABLES + (TableKind.BASIC_BY_ECONOMIC,)

FUND_COLUMNS = ("total", "general_budget", "gov_fund", "state_capital")
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    TableKind.SUMMARY: ("total",),
    TableKind.REVENUE_BY_FUNCTION: (
        "total", "subtotal", "fiscal_allocation", "special_account", "business", "operating",
        "superior_subsidy", "subordinate_remittance", "other", "carryover",
    ),
    TableKind.EXPENDITURE_BY_FUNCTION: (
        "total", "basic", "project", "operating", "remit_superior", "subsidy_subordinate",
    ),
    TableKind.FISCAL_SUMMARY: FUND_COLUMNS,
    TableKind.GENERAL_BUDGET_BY_FUNCTION: ("total", "basic", "project"),
    TableKind.BASIC_BY_ECONOMIC: ("total", "personnel", "public"),
    TableKind.GOV_FUND_BY_FUNCTION: ("total", "basic", "project"),
    TableKind.STATE_CAPITAL_BY_FUNCTION: ("total", "basic", "project"),
    TableKind.SANGONG: FUND_COLUMNS,
}

COLUMN_LABELS = {
    "total": _("合计"), "subtotal": _("本年收入小计"), "fiscal_allocation": _("财政拨款收入"),
    "special_account": _("财政专户收入"), "business": _("事业收入"), "operating": _("经营收入"),
    "superior_subsidy": _("上级补助收入"), "subordinate_remittance": _("附属单位上缴收入"),
    "other": _("其他收入"), "carryover": _("上年结转"), "basic": _("基本支出"), "project": _("项目支出"),
    "remit_superior": _("上解上级支出"), "subsidy_subordinate": _("对附属单位补助支出"),
    "personnel": _("人员经费"), "public": _("公用经费"), "general_budget": _("一般公共预算"),
    "gov_fund": _("政府性基金"), "state_capital": _("国有资本经营"),
    # Columns real tables print beyond the standard layout.
    "procurement": _("政府采购"), "procurement_sme": _("其中：预留中小企业"),
    "procurement_small": _("其中：预留小微企业"), "project_excl_capital": _("扣除基建项目后"),
    "unit_funds": _("单位资金"), "prior_year": _("上年"), "change": _("增减变化"),
}
# A column the reader did not understand keeps its printed header: "x:<header path>".
UNKNOWN_COLUMN_PREFIX = "x:"
# Columns that are not amounts adding up along the classification (a change may be a percent;
# an unknown header may be anything).
NON_ADDITIVE_COLUMNS = ("change",)


def column_label(key: str) -> str:
    """The label of a column key: 政府采购 for procurement, the printed header for x:…

    In Chinese whatever language a page is shown in: this is the label stored with a table
    (pages translate COLUMN_LABELS themselves)."""
    if key.startswith(UNKNOWN_COLUMN_PREFIX):
        return key[len(UNKNOWN_COLUMN_PREFIX):]
    with translation.override(settings.LANGUAGE_CODE):
        return str(COLUMN_LABELS.get(key, key))


def is_additive_column(key: str) -> bool:
    return key not in NON_ADDITIVE_COLUMNS and not key.startswith(UNKNOWN_COLUMN_PREFIX)


def default_columns(table: str) -> list[dict]:
    """The [{"key", "label"}] of a table printed in the standard layout."""
    return [{"key": key, "label": column_label(key)} for key in TABLE_COLUMNS[table]]

# Revenue sources of the 收支总表: 2024 layout, then the 2023 layout's replacement for 单位资金.
REVENUE_ITEMS_2024 = ("general_budget", "gov_fund", "state_capital", "special_account", "unit_funds")
REVENUE_ITEMS_2023 = REVENUE_ITEMS_2024[:4] + (
    "business", "operating", "superior_subsidy", "subordinate_remittance", "other",
)
REVENUE_ITEM_LABELS = {
    "fiscal_allocation": "财政拨款收入",
    "general_budget": "一般公共预算拨款收入", "gov_fund": "政府性基金预算拨款收入",
    "state_capital": "国有资本经营预算拨款收入", "special_account": "财政专户管理资金收入",
    "unit_funds": "单位资金", "business": "事业收入", "operating": "事业单位经营收入",
    "superior_subsidy": "上级补助收入", "subordinate_remittance": "附属单位上缴收入",
    "other": "其他收入",
}
FISCAL_REVENUE_ITEMS = ("general_budget", "gov_fund", "state_capital")
# 一、财政拨款收入 printed as a parent line of the three fiscal items.
FISCAL_ALLOCATION = "fiscal_allocation"
TOTAL_ROWS = (
    "revenue_total", "expenditure_total", "carryover_in", "carryover_out",
    "revenue_grand_total", "expenditure_grand_total",
)
# Revenue tables whose rows are the department's units: a printed unit code or "unit".
UNIT_ROW = "unit"
RENHANG = "renhang"  # 人行科目: printed without a 3-digit code

SANGONG_ROWS = {
    "sangong_total": "“三公”经费小计",
    "outbound": "因公出国（境）费",
    "outbound_research": "教学科研人员因公出国（境）费",
    "outbound_other": "其他因公出国（境）费",
    "vehicle": "公务用车购置及运维费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
    "office_operation": "机关运行经费",
    "admin_costs": "行政经费",
    "meeting": "会议费",
    "training": "培训费",
}


# Rows printed without a classification code, by what they are (findings, the data dictionary).
ROW_NAMES = {
    "revenue_total": "本年收入合计", "expenditure_total": "本年支出合计",
    "carryover_in": "上年结转（收入方）", "carryover_out": "结转下年（支出方）",
    "revenue_grand_total": "收入总计", "expenditure_grand_total": "支出总计",
    RENHANG: "人行科目（原文未印三位编码）",
    "line": "原文只印名称、未能确定编码的行",
    UNIT_ROW: "收入总表中以单位为行、未印单位编码的行（印有的为单位编码）",
}
