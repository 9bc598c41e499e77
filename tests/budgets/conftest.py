"""Fixtures of the budgets tests (append new fixtures at the end: several engineers add here)."""

import pytest

from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path

# --- two departments printing different units (issue #9) ---------------------------------------
# 普陀 prints 元 and no department code (most real documents); 西城 prints 万元 with six decimals
# (Beijing) and a code. Figures below are "as printed"; expected values in the tests are worked
# out by hand from them.
PUTUO = ["上海市", "普陀区"]
PUTUO_NAME = "上海市普陀区商务委员会"
XICHENG_NAME = "北京市西城区发展和改革委员会"


def _publish(region_names, item, year=2024):
    data = {"document": {"year": year, "title": f"{item['name']}{year}年部门预算",
                         "summary_layout": 2024},
            "disclosures": [item]}
    [disclosure] = disclosures_store(data=data, region=region_get_or_create_path(region_names))
    disclosure_publish(disclosure=disclosure)
    return disclosure


@pytest.fixture
def yuan_department(db):
    """普陀: 元, no code. 2080501 is printed twice (two hidden units): 1,000,000 + 2,500,000."""
    return _publish(PUTUO, {
        "scope": "department", "code": "", "name": PUTUO_NAME,
        "tables": {
            "expenditure_by_function": {
                "unit": "元", "columns": ["total", "basic", "project"],
                "column_labels": {"total": "合计", "basic": "基本支出", "project": "项目支出"},
                "rows": [["", "合计", "114479860", "100000000", "14479860"],
                         ["201", "一般公共服务支出", "110979860", "100000000", "10979860"],
                         ["208", "社会保障和就业支出", "3500000", "", "3500000"],
                         ["20805", "行政事业单位养老支出", "3500000", "", "3500000"],
                         ["2080501", "行政单位离退休", "1000000", "", "1000000"],
                         ["2080501", "行政单位离退休", "2500000", "", "2500000"]],
                "pages": [3, 3, 3, 3, 3, 3]},
        },
    })


@pytest.fixture
def wan_department(db):
    """西城 (code 900): 万元 to six decimals, with a 政府采购 column and one not understood."""
    return _publish(["北京市", "西城区"], {
        "scope": "department", "code": "900", "name": XICHENG_NAME,
        "tables": {
            "expenditure_by_function": {
                "unit": "万元",
                "columns": ["total", "basic", "project", "procurement", "x:备注金额"],
                "column_labels": {"total": "支出预算/合计", "basic": "基本支出",
                                  "project": "项目支出", "procurement": "政府采购",
                                  "x:备注金额": "备注金额"},
                "rows": [["", "合计", "12482.549431", "10000.000000", "2482.549431", "120.5", "1"],
                         ["208", "社会保障和就业支出", "300.000000", "", "300.000000", "", ""],
                         ["20805", "行政事业单位养老支出", "300.000000", "", "300.000000", "", ""],
                         ["2080501", "行政单位离退休", "300.000000", "", "300.000000", "", ""]],
                "pages": [5, 5, 5, 5]},
        },
    })
