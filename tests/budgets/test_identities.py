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


# --- units and printed precision (documents in the contract's extended shape) -------------

def general_budget(unit: str, rows: list) -> dict:
    return {"general_budget_by_function": {"unit": unit, "rows": rows}}


def store_tables(tables: dict):
    from tests.budgets.test_units import document
    from tests.budgets.test_units import store as store_document

    return store_document(document(tables))[0]


def test_a_whole_yuan_table_two_yuan_off_is_a_finding():
    # One printed addend allows one 元 of rounding; two 元 is a real difference.
    disclosure = store_tables(general_budget("元", [
        ["", "合计", "300002", "300002", ""],
        ["201", "一般公共服务支出", "300000", "300000", ""],
    ]))
    finding = disclosure.findings.get(rule="hierarchy_sum", code="", column="total")
    assert (finding.expected, finding.found, finding.unit) == (
        Decimal("300000"), Decimal("300002"), "元")
    assert "应为 300,000 元，表中为 300,002 元，相差 +2 元" in finding.message


def test_a_whole_yuan_table_one_yuan_off_per_addend_is_rounding():
    # Two printed addends allow two 元.
    disclosure = store_tables(general_budget("元", [
        ["", "合计", "300002", "300002", ""],
        ["201", "一般公共服务支出", "100000", "100000", ""],
        ["205", "教育支出", "200000", "200000", ""],
    ]))
    assert not disclosure.findings.exists()


def test_a_wan_table_with_two_decimals_tolerates_one_cent_per_addend():
    disclosure = store_tables(general_budget("万元", [
        ["", "合计", "30.02", "30.02", ""],
        ["201", "一般公共服务支出", "10.00", "10.00", ""],
        ["205", "教育支出", "20.00", "20.00", ""],
    ]))
    assert not disclosure.findings.exists()
    disclosure = store_tables(general_budget("万元", [
        ["", "合计", "30.03", "30.03", ""],
        ["201", "一般公共服务支出", "10.00", "10.00", ""],
        ["205", "教育支出", "20.00", "20.00", ""],
    ]))
    finding = disclosure.findings.get(rule="hierarchy_sum", code="", column="total")
    assert "应为 30.00 万元，表中为 30.03 万元" in finding.message


def test_six_decimals_in_wan_tolerate_one_yuan_cent_per_addend():
    rows = [["201", "一般公共服务支出", "10.000001", "10.000001", ""],
            ["205", "教育支出", "20.000000", "20.000000", ""]]
    within = store_tables(general_budget("万元", [["", "合计", "30.000002", "30.000002", ""],
                                                  *rows]))
    assert not within.findings.exists()
    beyond = store_tables(general_budget("万元", [["", "合计", "30.000004", "30.000004", ""],
                                                  *rows]))
    assert beyond.findings.filter(rule="hierarchy_sum", code="").exists()


def test_seven_digit_rows_without_parents_add_up_to_the_total():
    rows = [["2010101", "行政运行", "10.00", "10.00", ""],
            ["2010102", "一般行政管理事务", "5.00", "", "5.00"],
            ["2050101", "行政运行", "20.00", "20.00", ""]]
    disclosure = store_tables(general_budget("万元", [["", "合计", "35.00", "30.00", "5.00"],
                                                      *rows]))
    assert not disclosure.findings.exists()
    disclosure = store_tables(general_budget("万元", [["", "合计", "36.00", "31.00", "5.00"],
                                                      *rows]))
    assert {(f.rule, f.code, f.column) for f in disclosure.findings.all()} == {
        ("hierarchy_sum", "", "total"), ("hierarchy_sum", "", "basic")}


def test_a_repeated_code_is_summed_not_overwritten():
    rows = [["", "合计", "30.00", "30.00", ""],
            ["201", "一般公共服务支出", "30.00", "30.00", ""],
            ["2010101", "行政运行", "10.00", "10.00", ""],
            ["2010101", "行政运行", "20.00", "20.00", ""]]
    disclosure = store_tables(general_budget("万元", rows))
    assert not disclosure.findings.exists()


def test_revenue_rows_that_are_units_take_no_part_in_the_classification_sums():
    disclosure = store_tables({"revenue_by_function": {
        "unit": "元", "columns": ["total", "fiscal_allocation", "business"],
        "rows": [["", "合计", "300.00", "200.00", "100.00"],
                 ["328001", "上海市普陀区商务委员会（本级）", "100.00", "100.00", ""],
                 ["unit", "上海市普陀区某中心", "200.00", "100.00", "100.00"]]}})
    assert not disclosure.findings.exists()


def test_row_sums_follow_the_printed_columns():
    # A revenue table printing no 小计 column: total = items + carryover, not subtotal + carryover.
    disclosure = store_tables({"revenue_by_function": {
        "unit": "万元", "columns": ["total", "fiscal_allocation", "business", "carryover"],
        "rows": [["", "合计", "9.00", "5.00", "3.00", "1.00"]]}})
    assert not disclosure.findings.exists()
    disclosure = store_tables({"revenue_by_function": {
        "unit": "万元", "columns": ["total", "fiscal_allocation", "business", "carryover"],
        "rows": [["", "合计", "9.50", "5.00", "3.00", "1.00"]]}})
    assert disclosure.findings.filter(rule="row_sum", column="total").exists()


def test_a_fiscal_allocation_parent_line_is_not_counted_twice():
    rows = [["fiscal_allocation", "一、财政拨款收入", "100.00"],
            ["general_budget", "一般公共预算拨款收入", "80.00"],
            ["gov_fund", "政府性基金预算拨款收入", "20.00"],
            ["unit_funds", "二、单位资金", "5.00"],
            ["revenue_total", "本年收入合计", "105.00"],
            ["201", "一般公共服务支出", "105.00"],
            ["expenditure_total", "本年支出合计", "105.00"]]
    disclosure = store_tables({"summary": {"unit": "万元", "rows": rows}})
    assert not disclosure.findings.exists()
    rows[0][2] = "90.00"
    rows[4][2] = "95.00"
    rows[6][2] = "95.00"
    rows[5][2] = "95.00"
    disclosure = store_tables({"summary": {"unit": "万元", "rows": rows}})
    assert {(f.rule, f.code) for f in disclosure.findings.all()} == {
        ("revenue_items", "fiscal_allocation")}


def test_messages_use_the_tables_unit(luotai):
    set_cell(luotai, "general_budget_by_function", "2012901", 0, "118.32")
    finding = store(luotai).findings.get(rule="hierarchy_sum", code="20129", column="total",
                                         table="general_budget_by_function")
    assert finding.unit == "万元"
    assert "应为 133.12 万元，表中为 133.02 万元，相差 -0.10 万元" in finding.message
