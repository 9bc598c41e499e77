"""The data dictionary (数据字典): every column of every CSV download and every code list,
explained in Chinese. The lists of columns and codes are the constants the exports and the
tables use (exports.LINE_COLUMNS, comparisons.COMPARISON_COLUMNS, schema.TABLE_COLUMNS …);
this module adds only the explanations, and `missing_explanations` names a column or code
added without one (a test keeps it empty).
"""

from __future__ import annotations

from dataclasses import dataclass

from budgets import schema
from budgets.comparisons import COMPARISON_COLUMNS, RANKING_COLUMNS
from budgets.exports import INDICATOR_COLUMNS, LINE_COLUMNS
from budgets.models import Classification, TableKind

OWNER = {
    "region": "预算级次（地区），完整路径，如“河北省 › 唐山市 › 芦台经济开发区”",
    "department_code": "部门编码（原文所印；单位行为其主管部门的编码）；原文未印编码时为空",
    "department_name": "部门名称（单位行为其主管部门的名称）",
    "year": "预算年度",
    "scope": "department 部门预算，unit 所属单位预算（第二部分）",
    "unit_code": "单位编码；部门本级为空",
    "unit_name": "单位名称；部门本级为空",
    "disclosure_key": "这份预算在比较页中的标识：地区网址标识:编码（或 id-N）:年度，可用于 /compare/?d=…",
}
COLUMN_EXPLANATIONS = {
    **OWNER,
    "table": "九张公开表之一，取值见下方“表”代码表",
    "code": "功能分类（201/20129/2012901）或经济分类（301/30101）编码；合计行为空；"
            "收支总表等的非科目行见“行代码”",
    "name": "行名称，照录原文",
    "column": "栏目代码，见下方“栏目”代码表；未能识别的栏目为 x:原文栏目名",
    "amount": "金额，照录原文（原表单位、原有小数位）；空白单元格不成行",
    "unit": "金额单位：明细中为原表所印单位（元、千元、万元）；比较与排名中为本行数值的单位",
    "amount_yuan": "换算为元的精确金额（原文金额 × 1、1000 或 10000），一切合计、比较、排名和图表都用它",
    "source_page": "读取这一行的原文件页码",
    "code_inferred": "1 表示原文只印了名称、编码由名称推断；否则为空",
    "project_code": "项目编码（原文所印）",
    "project_name": "项目名称",
    "budget": "项目预算数（万元，两位小数）",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "description": "绩效指标描述",
    "value": "排名：所排指标的数值；绩效指标：指标值（照录原文）",
    "basis": "指标值确定依据",
    "section": "比较的板块代码（overview 概览、functions 功能分类、economic 经济分类、"
               "sangong “三公”经费 等）",
    "section_name": "板块名称",
    "level": "科目层级：1 类、2 款、3 项；非科目行为空",
    "share_percent": "占比（%），占 share_of 所指合计的百分比",
    "share_of": "占比的分母：本行所占的合计",
    "difference": "与 difference_against 所指预算相比的差额（单位同 unit）",
    "difference_percent": "差额的百分比",
    "difference_against": "差额的比较对象（disclosure_key）；第一列为空",
    "rank": "名次（数值相同者名次相同）",
    "measure": "排名所依据的指标",
    "previous_value": "上一年度同一指标的数值；无上一年度公开预算时为空",
    "change": "比上年增减（单位同 unit）",
    "change_percent": "比上年增减的百分比",
}


@dataclass
class Download:
    title: str
    urls: str
    columns: list[str]


DOWNLOADS = (
    Download("全部金额明细（长表）",
             "/downloads/lines.csv、部门页“下载全部金额”、各表“CSV”、manage.py export_lines",
             LINE_COLUMNS),
    Download("绩效指标", "/downloads/indicators.csv、部门页“下载绩效指标”、manage.py export_indicators",
             INDICATOR_COLUMNS),
    Download("部门比较与历年对比", "比较页“下载比较（CSV）”、历年对比页“下载历年对比”",
             COMPARISON_COLUMNS),
    Download("排名", "排名页“下载排名（CSV）”", RANKING_COLUMNS),
)

ROW_EXPLANATIONS = schema.ROW_NAMES


def table_codes() -> list[dict]:
    """The nine tables: code, name, and the columns of their standard layout."""
    return [{"code": kind.value, "label": kind.label,
             "columns": [(c, schema.COLUMN_LABELS[c]) for c in schema.TABLE_COLUMNS[kind]]}
            for kind in TableKind]


def column_codes() -> list[tuple[str, str]]:
    """Every column key a table may carry (standard layouts first, then real tables' extras)."""
    keys = dict.fromkeys(c for columns in schema.TABLE_COLUMNS.values() for c in columns)
    keys.update(dict.fromkeys(schema.COLUMN_LABELS))
    return [(key, schema.COLUMN_LABELS[key]) for key in keys]


def row_codes() -> list[tuple[str, str]]:
    """Codes of the rows that are not classification codes: revenue items, totals, 三公 …"""
    rows = dict(schema.REVENUE_ITEM_LABELS)
    rows.update((key, ROW_EXPLANATIONS.get(key, "")) for key in schema.TOTAL_ROWS)
    rows.update((key, ROW_EXPLANATIONS[key]) for key in (schema.RENHANG, "line", schema.UNIT_ROW))
    rows.update(schema.SANGONG_ROWS)
    return list(rows.items())


def classification_lists() -> list[dict]:
    """The functional and economic code lists of the latest year loaded, 类 › 款 › 项."""
    lists = []
    for kind in Classification.Kind:
        latest = (Classification.objects.filter(kind=kind).order_by("-year")
                  .values_list("year", flat=True).first())
        codes = Classification.objects.filter(kind=kind, year=latest).order_by("code") \
            if latest else Classification.objects.none()
        lists.append({"kind": kind.value, "label": kind.label, "year": latest,
                      "codes": [(c.code, c.name, len(c.code)) for c in codes]})
    return lists


def missing_explanations() -> list[str]:
    """Columns of a download and row codes without an explanation (should be none)."""
    missing = [c for d in DOWNLOADS for c in d.columns if not COLUMN_EXPLANATIONS.get(c)]
    missing += [key for key, text in row_codes() if not text]
    return missing


def downloads() -> list[dict]:
    return [{"title": d.title, "urls": d.urls,
             "columns": [(c, COLUMN_EXPLANATIONS.get(c, "（未说明）")) for c in d.columns]}
            for d in DOWNLOADS]
