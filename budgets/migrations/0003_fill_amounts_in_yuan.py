"""Rows stored before 0002 were all 万元 with two decimals: amount_yuan = amount × 10000.

Also fills the normalised names and the default column headers of existing tables.
"""

import re
import unicodedata
from decimal import Decimal

from django.db import migrations
from django.db.models import F

WAN = Decimal(10000)
OWN_LEVEL = re.compile(r"[（(]本级[）)]$")

# The column keys of each table as the YAML samples and the first ingest printed them
# (a frozen copy of budgets.schema at the time of this migration).
COLUMNS = {
    "summary": ["total"],
    "revenue_by_function": ["total", "subtotal", "fiscal_allocation", "special_account",
                            "business", "operating", "superior_subsidy",
                            "subordinate_remittance", "other", "carryover"],
    "expenditure_by_function": ["total", "basic", "project", "operating", "remit_superior",
                                "subsidy_subordinate"],
    "fiscal_summary": ["total", "general_budget", "gov_fund", "state_capital"],
    "general_budget_by_function": ["total", "basic", "project"],
    "basic_by_economic": ["total", "personnel", "public"],
    "gov_fund_by_function": ["total", "basic", "project"],
    "state_capital_by_function": ["total", "basic", "project"],
    "sangong": ["total", "general_budget", "gov_fund", "state_capital"],
}
LABELS = {
    "total": "合计", "subtotal": "本年收入小计", "fiscal_allocation": "财政拨款收入",
    "special_account": "财政专户收入", "business": "事业收入", "operating": "经营收入",
    "superior_subsidy": "上级补助收入", "subordinate_remittance": "附属单位上缴收入",
    "other": "其他收入", "carryover": "上年结转", "basic": "基本支出", "project": "项目支出",
    "remit_superior": "上解上级支出", "subsidy_subordinate": "对附属单位补助支出",
    "personnel": "人员经费", "public": "公用经费", "general_budget": "一般公共预算",
    "gov_fund": "政府性基金", "state_capital": "国有资本经营",
}


def normalise_name(name):
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    return OWN_LEVEL.sub("", text)


def forwards(apps, schema_editor):
    Figure = apps.get_model("budgets", "Figure")
    Project = apps.get_model("budgets", "Project")
    Department = apps.get_model("budgets", "Department")
    DepartmentName = apps.get_model("budgets", "DepartmentName")
    DisclosureTable = apps.get_model("budgets", "DisclosureTable")
    Figure.objects.update(unit="万元", decimals=2, amount_yuan=F("amount") * WAN)
    Project.objects.update(unit="万元", budget_yuan=F("budget") * WAN)
    for model in (Department, DepartmentName):
        for obj in model.objects.only("pk", "name"):
            model.objects.filter(pk=obj.pk).update(normalised_name=normalise_name(obj.name))
    for table, keys in COLUMNS.items():
        DisclosureTable.objects.filter(table=table).update(
            unit="万元", columns=[{"key": k, "label": LABELS[k]} for k in keys])


def backwards(apps, schema_editor):
    # 0002's reverse narrows the columns again; nothing to undo in the data itself.
    pass


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0002_amounts_as_printed"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
