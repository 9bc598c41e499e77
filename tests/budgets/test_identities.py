"""validate_identities on real stored figures: each broken identity becomes a finding."""

import copy
from decimal import Decimal

import pytest

from budgets.sample_data import SAMPLE_DIR, read_sample
from budgets.services import disclosures_store, region_get_or_create_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def luotai():
    data, _ = read_sample(SAMPLE_DIR / "luotai_711_2024.yaml")
    return copy.deepcopy(data)


def store(data):
    region = region_get_or_create_path(data["document"]["region"])
    return disclosures_store(data=data, region=region)[0]


def set_cell(data, table, code, column_index, value):
    for row in data["disclosures"][0]["tables"][table]["rows"]:
        if str(row[0]) == code:
            row[2 + column_index] = value
            return
    raise KeyError(code)


def rules(disclosure):
    return {(f.rule, f.table, f.code, f.column) for f in disclosure.findings.all()}


def test_a_correct_document_has_no_findings(luotai):
    assert rules(store(luotai)) == set()


def test_a_xiang_that_does_not_add_up_to_its_kuan_is_a_finding(luotai):
    set_cell(luotai, "general_budget_by_function", "2012901", 0, "118.32")  # printed 118.22
    set_cell(luotai, "general_budget_by_function", "2012901", 1, "113.81")
    found = rules(store(luotai))
    assert ("hierarchy_sum", "general_budget_by_function", "20129", "total") in found
    finding = store(luotai).findings.get(rule="hierarchy_sum", code="20129", column="total",
                                         table="general_budget_by_function")
    assert finding.expected == Decimal("133.12")
    assert finding.found == Decimal("133.02")
    assert finding.difference == Decimal("-0.10")


def test_total_must_equal_basic_plus_project(luotai):
    set_cell(luotai, "expenditure_by_function", "2012906", 0, "2.25")
    found = rules(store(luotai))
    assert ("row_sum", "expenditure_by_function", "2012906", "total") in found


def test_rounding_of_one_cent_per_addend_is_tolerated(luotai):
    # 20129 has four 项 (118.22 + 4.05 + 2.20 + 8.55 = 133.02); 0.04 off is within 4 × 0.01.
    set_cell(luotai, "revenue_by_function", "20129", 0, "133.06")
    set_cell(luotai, "revenue_by_function", "20129", 1, "133.06")
    set_cell(luotai, "revenue_by_function", "20129", 2, "133.06")
    found = {r for r in rules(store(luotai)) if r[2] == "20129"}
    assert found == set()


def test_five_cents_off_four_addends_is_a_finding(luotai):
    set_cell(luotai, "revenue_by_function", "20129", 0, "133.07")
    found = rules(store(luotai))
    assert ("hierarchy_sum", "revenue_by_function", "20129", "total") in found


def test_the_summary_must_balance_and_match_the_expenditure_table(luotai):
    set_cell(luotai, "summary", "expenditure_total", 0, "196.86")
    set_cell(luotai, "summary", "210", 0, "22.18")
    found = rules(store(luotai))
    assert ("balance", "summary", "expenditure_total", "total") in found
    assert ("summary_matches_expenditure", "summary", "210", "total") in found


def test_basic_expenditure_must_match_personnel_and_public_classes(luotai):
    set_cell(luotai, "basic_by_economic", "", 1, "160.99")
    set_cell(luotai, "basic_by_economic", "", 0, "177.55")
    found = rules(store(luotai))
    assert ("economic_composition", "basic_by_economic", "", "personnel") in found
    assert ("basic_matches_general_budget", "basic_by_economic", "", "total") in found


def test_sangong_parts_must_add_up(luotai):
    luotai["disclosures"][0]["tables"]["sangong"] = {"rows": [
        ["", "合计", "5.00", "5.00"],
        ["sangong_total", "“三公”经费小计", "5.00", "5.00"],
        ["vehicle", "二、公务用车购置及运维费", "3.00", "3.00"],
        ["vehicle_operation", "公务用车运行维护费", "3.00", "3.00"],
        ["reception", "三、公务接待费", "1.00", "1.00"],
    ]}
    found = rules(store(luotai))
    assert ("sangong_parts", "sangong", "sangong_total", "total") in found


def test_prose_that_contradicts_a_table_is_a_finding(luotai):
    overview = next(s for s in luotai["disclosures"][0]["narrative"] if s["key"] == "overview")
    overview["text"] = overview["text"].replace("基本支出 177.45万元", "基本支出 177.54万元")
    disclosure = store(luotai)
    finding = disclosure.findings.get(rule="narrative_mismatch")
    assert (finding.table, finding.column) == ("expenditure_by_function", "basic")
    assert finding.found == Decimal("177.54") and finding.expected == Decimal("177.45")


def test_prose_in_yuan_is_converted_before_comparing(luotai):
    overview = next(s for s in luotai["disclosures"][0]["narrative"] if s["key"] == "overview")
    overview["text"] = overview["text"].replace("项目支出 19.31万元", "项目支出 193100元")
    assert not store(luotai).findings.exists()
