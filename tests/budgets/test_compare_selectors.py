"""Comparison selectors: figures side by side against the seed documents.

Every expected number is read from budgets/sample_data/*.yaml (the documents as printed) and
the shares and differences are worked out by hand in the comments, not produced by the code.
"""

from decimal import Decimal as D

import pytest

from budgets.comparisons import (
    build_comparison,
    disclosure_key,
    disclosures_from_keys,
    parse_disclosure_key,
)
from budgets.models import Disclosure
from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path

LUTAI = "河北省-唐山市-芦台经济开发区"
GAOXIN = "河北省-唐山市-唐山高新技术产业开发区"
CANGZHOU = "河北省-沧州市-沧州经济开发区"
K711 = f"{LUTAI}:711:2024"
K106 = f"{GAOXIN}:106:2024"
K313 = f"{CANGZHOU}:313:2024"
K313001 = f"{CANGZHOU}:313001:2024"


def compare(*keys):
    selection = disclosures_from_keys(keys)
    return build_comparison(selection.disclosures, selection=selection)


def amounts(comparison, section, key):
    return [cell.amount for cell in comparison.row(section, key).cells]


def shares(comparison, section, key):
    return [cell.share for cell in comparison.row(section, key).cells]


def test_a_key_names_region_code_and_year():
    assert parse_disclosure_key(K711) == (LUTAI, "711", 2024)
    assert parse_disclosure_key("no-colons") is None
    assert parse_disclosure_key(f"{LUTAI}:711:twenty") is None
    assert parse_disclosure_key(":711:2024") is None


def test_keys_find_published_disclosures_in_the_order_given(sample_data):
    selection = disclosures_from_keys([K106, K711, K106, "nonsense", f"{LUTAI}:711:2019"])
    assert [disclosure_key(d) for d in selection.disclosures] == [K106, K711]
    assert selection.repeated
    assert selection.missing == ["nonsense", f"{LUTAI}:711:2019"]


def test_a_draft_is_never_compared(sample_data):
    Disclosure.objects.filter(department__code="711").update(status=Disclosure.Status.DRAFT)
    assert disclosures_from_keys([K711]).disclosures == []


def test_at_most_ten_disclosures_are_compared(sample_data):
    keys = [K711, K106, K313, K313001] + [f"{LUTAI}:{code}:2024" for code in range(900, 910)]
    selection = disclosures_from_keys(keys)
    assert selection.dropped == 4
    assert len(selection.disclosures) == 4  # the six made-up codes past the four are not found


def test_totals_and_the_difference_against_the_first_column(sample_data):
    comparison = compare(K711, K106)
    # 收支总表/支出总表 合计: 711 prints 196.76, 106 prints 9679.70.
    assert amounts(comparison, "overview", "expenditure") == [D("196.76"), D("9679.70")]
    second = comparison.row("overview", "expenditure").cells[1]
    assert second.difference == D("9482.94")  # 9679.70 − 196.76
    assert second.difference_percent == D("4819.55")  # 9482.94 / 196.76 = 48.1955…
    assert comparison.row("overview", "expenditure").cells[0].is_reference


def test_basic_project_personnel_and_public_with_their_shares(sample_data):
    comparison = compare(K711, K106)
    assert amounts(comparison, "overview", "basic") == [D("177.45"), D("1344.96")]
    assert amounts(comparison, "overview", "project") == [D("19.31"), D("8334.74")]
    assert amounts(comparison, "overview", "personnel") == [D("160.89"), D("1298.40")]
    assert amounts(comparison, "overview", "public") == [D("16.56"), D("46.56")]
    # 基本支出 / 支出合计: 177.45/196.76 = 90.19 %, 1344.96/9679.70 = 13.89 %.
    assert shares(comparison, "overview", "basic") == [D("90.19"), D("13.89")]
    # 项目支出: 19.31/196.76 = 9.81 %, 8334.74/9679.70 = 86.11 %.
    assert shares(comparison, "overview", "project") == [D("9.81"), D("86.11")]
    # 人员经费 of 基本支出 (人员+公用): 160.89/177.45 = 90.67 %, 1298.40/1344.96 = 96.54 %.
    assert shares(comparison, "overview", "personnel") == [D("90.67"), D("96.54")]
    assert shares(comparison, "overview", "public") == [D("9.33"), D("3.46")]


def test_projects_count_and_budget(sample_data):
    comparison = compare(K711, K106, K313)
    # 711 prints 9 project tables (0.20+0.30+0.50+1.00+0.30+0.20+4.51+8.25+4.05 = 19.31),
    # 106 prints 23 (together 8334.74), 313 prints 27 (together 2644.62).
    assert amounts(comparison, "overview", "project_count") == [D(9), D(23), D(27)]
    assert amounts(comparison, "overview", "project_budget") == [
        D("19.31"), D("8334.74"), D("2644.62")]
    assert comparison.row("overview", "project_count").cells[2].difference == D(18)


def test_revenue_sources_and_fund_types(sample_data):
    comparison = compare(K711, K106)
    assert amounts(comparison, "revenue", "general_budget") == [D("196.76"), D("5679.70")]
    assert amounts(comparison, "revenue", "gov_fund") == [D("0.00"), D("4000.00")]
    # 5679.70/9679.70 = 58.68 %, 4000.00/9679.70 = 41.32 %.
    assert shares(comparison, "revenue", "general_budget") == [D("100.00"), D("58.68")]
    assert shares(comparison, "revenue", "gov_fund") == [D("0.00"), D("41.32")]
    assert amounts(comparison, "funds", "gov_fund") == [D("0.00"), D("4000.00")]
    assert amounts(comparison, "funds", "general_budget") == [D("196.76"), D("5679.70")]


def test_every_functional_class_with_drill_down(sample_data):
    comparison = compare(K711, K106)
    functions = comparison.section("functions")
    classes = [row.code for row in functions.rows if row.level == 1]
    # 711 prints 201, 208, 210, 221; 106 prints 201, 208, 210, 212, 213, 221.
    assert classes == ["201", "208", "210", "212", "213", "221"]
    assert amounts(comparison, "functions", "208") == [D("31.68"), D("5431.97")]
    # 31.68/196.76 = 16.10 %, 5431.97/9679.70 = 56.12 %.
    assert shares(comparison, "functions", "208") == [D("16.10"), D("56.12")]
    assert amounts(comparison, "functions", "212") == [None, D("4000.00")]  # 711: not printed
    assert comparison.row("functions", "212").cells[1].difference == D("4000.00")
    # 款 and 项 hang under their 类.
    row = comparison.row("functions", "208")
    assert row.children == ["20801", "20805", "20807", "20899"]
    assert amounts(comparison, "functions", "20805") == [D("31.68"), D("182.33")]
    assert amounts(comparison, "functions", "2080599") == [D("31.68"), D("60.00")]
    assert comparison.row("functions", "2080599").parent == "20805"
    assert amounts(comparison, "functions", "20801") == [None, D("4055.65")]


def test_economic_classes_and_their_share_of_basic_expenditure(sample_data):
    comparison = compare(K711, K106)
    assert amounts(comparison, "economic", "301") == [D("129.21"), D("1298.19")]
    assert amounts(comparison, "economic", "302") == [D("16.56"), D("46.56")]
    assert amounts(comparison, "economic", "303") == [D("31.68"), D("0.21")]
    # 129.21/177.45 = 72.81 %; 1298.19/1344.96 = 96.52 %.
    assert shares(comparison, "economic", "301") == [D("72.81"), D("96.52")]
    assert amounts(comparison, "economic", "30217") == [None, D("3.00")]


def test_sangong_parts(sample_data):
    comparison = compare(K711, K106)
    # 711's 三公 table is printed empty (every part 0); 106: 6.00 = 车 3.00 (运行维护 3.00) + 接待 3.00.
    assert amounts(comparison, "sangong", "sangong_total") == [D("0.00"), D("6.00")]
    assert amounts(comparison, "sangong", "vehicle") == [D("0.00"), D("3.00")]
    assert amounts(comparison, "sangong", "vehicle_operation") == [D("0.00"), D("3.00")]
    assert amounts(comparison, "sangong", "reception") == [D("0.00"), D("3.00")]
    assert amounts(comparison, "sangong", "outbound") == [D("0.00"), D("0.00")]
    assert shares(comparison, "sangong", "reception") == [None, D("50.00")]


def test_a_unit_against_its_department_is_called_out(sample_data):
    comparison = compare(K313, K313001)
    kinds = {notice.kind for notice in comparison.notices}
    assert {"scope", "nested"} <= kinds
    # Same figures: 313001 本级 prints the same 2654.52 and 9.90 as 313.
    assert amounts(comparison, "overview", "expenditure") == [D("2654.52"), D("2654.52")]
    assert comparison.row("overview", "expenditure").cells[1].difference == D("0.00")


def test_findings_are_called_out(sample_data):
    comparison = compare(K711, K106)
    [notice] = [n for n in comparison.notices if n.kind == "findings"]
    assert "唐山高新技术产业开发区人力资源和社会保障局" in notice.text
    assert "2 处" in notice.text
    assert notice.url.endswith("#findings")


def test_different_years_are_called_out(sample_data):
    data = {
        "document": {"title": "2023", "year": 2023, "summary_layout": 2023,
                     "region": ["河北省", "唐山市", "唐山高新技术产业开发区"]},
        "disclosures": [{"scope": "department", "code": "106",
                         "name": "唐山高新技术产业开发区人力资源和社会保障局",
                         "tables": {"expenditure_by_function": {
                             "rows": [["", "合计", "9000.00", "1300.00", "7700.00"]]}}}],
    }
    [old] = disclosures_store(data=data, region=region_get_or_create_path(
        ["河北省", "唐山市", "唐山高新技术产业开发区"]))
    disclosure_publish(disclosure=old)
    comparison = compare(K711, f"{GAOXIN}:106:2023")
    years = [n for n in comparison.notices if n.kind == "years"]
    assert years and "2023年、2024年" in years[0].text
    assert amounts(comparison, "overview", "expenditure") == [D("196.76"), D("9000.00")]
    assert comparison.section("revenue").note  # the 2023 and 2024 收支总表 layouts differ


def test_charts_carry_one_series_per_compared_disclosure(sample_data):
    comparison = compare(K711, K106, K313)
    bars = comparison.charts["overview"]
    assert bars["categories"][0] == "支出合计"
    # decimal strings in 万元 (computed from 元 without floats); the browser makes numbers
    assert [s["values"][0] for s in bars["series"]] == ["196.76", "9679.7", "2654.52"]
    shares_chart = comparison.charts["functions"]
    assert shares_chart["unit"] == "%"
    index = shares_chart["categories"].index("208 社会保障和就业支出")
    # 2213.24/2654.52 = 83.38 %
    assert [s["values"][index] for s in shares_chart["series"]] == ["16.1", "56.12", "83.38"]


@pytest.mark.django_db
def test_nothing_to_compare_is_an_empty_comparison():
    comparison = compare()
    assert comparison.items == [] and comparison.sections == []
