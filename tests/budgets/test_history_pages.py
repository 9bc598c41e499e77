"""One department over the years: lines matched by code, year-on-year change, page and CSV.

The 2024 figures are the 711 document's (budgets/sample_data/luotai_711_2024.yaml). The 2023
disclosure is made up here, consistent with what the 2024 document says about 2023 in its
prose: 比上年增加7.7万元，人员经费增加0.02万元，公用经费减少0.88万元，项目支出增长8.56万元.
"""

import csv
import io
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.comparisons import department_history
from budgets.models import Department
from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path

LUTAI = ["河北省", "唐山市", "芦台经济开发区"]
LUTAI_SLUG = "河北省-唐山市-芦台经济开发区"


def store(region: list[str], code: str, name: str, year: int, tables: dict, *,
          layout: int = 2024):
    """Store and publish a one-department disclosure with just these tables."""
    data = {
        "document": {"title": f"{name}{year}年部门预算信息公开", "year": year, "region": region,
                     "summary_layout": layout},
        "disclosures": [{"scope": "department", "code": code, "name": name, "tables": tables}],
    }
    [disclosure] = disclosures_store(data=data, region=region_get_or_create_path(region))
    return disclosure_publish(disclosure=disclosure)


def store_711_2023():
    """189.06 = 201 125.00 (2012901 115.00 under another name + 2012950 10.00, a line 2024
    does not print) + 208 30.00 + 210 24.06 + 221 10.00; 基本 178.31 (人员 160.87, 公用 17.44),
    项目 10.75; no projects; 三公 table empty."""
    return store(LUTAI, "711", "河北唐山芦台经济开发区群工部", 2023, {
        "summary": {"rows": [["general_budget", "一、一般公共预算拨款收入", "189.06"],
                             ["revenue_total", "本年收入合计", "189.06"],
                             ["expenditure_total", "本年支出合计", "189.06"]]},
        "expenditure_by_function": {"rows": [
            ["", "合计", "189.06", "178.31", "10.75"],
            ["201", "一般公共服务支出", "125.00", "114.25", "10.75"],
            ["20129", "群众团体事务", "125.00", "114.25", "10.75"],
            ["2012901", "行政运行（群团机关）", "115.00", "114.25", "0.75"],
            ["2012950", "群团事务专项", "10.00", "", "10.00"],
            ["208", "社会保障和就业支出", "30.00", "30.00", ""],
            ["20805", "行政事业单位养老支出", "30.00", "30.00", ""],
            ["2080599", "其他行政事业单位养老支出", "30.00", "30.00", ""],
            ["210", "卫生健康支出", "24.06", "24.06", ""],
            ["221", "住房保障支出", "10.00", "10.00", ""],
        ]},
        "basic_by_economic": {"rows": [
            ["", "合计", "178.31", "160.87", "17.44"],
            ["301", "工资福利支出", "129.19", "129.19", ""],
            ["302", "商品和服务支出", "17.44", "", "17.44"],
            ["303", "对个人和家庭的补助", "31.68", "31.68", ""],
        ]},
        "sangong": {"rows": [], "empty_note": "注：无财政拨款“三公”经费支出表预算，空表列示。"},
    })


@pytest.fixture
def two_years(sample_data):
    store_711_2023()
    return Department.objects.get(region__slug=LUTAI_SLUG, code="711")


def cells(history, section, key):
    return history.comparison.row(section, key).cells


def test_years_run_oldest_first(two_years):
    assert department_history(two_years).years == [2023, 2024]


def test_headline_changes_match_the_documents_prose(two_years):
    history = department_history(two_years)
    total = cells(history, "overview", "expenditure")
    assert [c.amount for c in total] == [D("189.06"), D("196.76")]
    assert total[1].difference == D("7.70")  # 比上年增加7.7万元
    assert total[1].difference_percent == D("4.07")  # 7.70 / 189.06 = 4.07 %
    assert cells(history, "overview", "personnel")[1].difference == D("0.02")
    assert cells(history, "overview", "public")[1].difference == D("-0.88")
    assert cells(history, "overview", "project")[1].difference == D("8.56")
    assert [c.amount for c in cells(history, "overview", "project_count")] == [D(0), D(9)]


def test_lines_are_matched_by_code_even_when_the_name_changed(two_years):
    history = department_history(two_years)
    row = history.comparison.row("functions", "2012901")
    assert row.name == "行政运行"  # the latest year's name
    assert row.other_names == ["行政运行（群团机关）"]
    assert [c.amount for c in row.cells] == [D("115.00"), D("118.22")]
    assert row.cells[1].difference == D("3.22")
    assert cells(history, "functions", "201")[1].difference == D("8.02")  # 133.02 − 125.00


def test_lines_printed_in_one_year_only_stay_apart(two_years):
    history = department_history(two_years)
    gone = cells(history, "functions", "2012950")
    assert [c.amount for c in gone] == [D("10.00"), None]
    assert gone[1].difference == D("-10.00")
    new = cells(history, "functions", "2012902")
    assert [c.amount for c in new] == [None, D("4.05")]
    assert new[1].difference == D("4.05") and new[1].difference_percent is None


def test_the_history_page(client, two_years):
    url = reverse("budgets:department-history", kwargs={"region": LUTAI_SLUG, "code": "711"})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>河北唐山芦台经济开发区群工部 历年预算对比（2023–2024年）" in html
    assert '<meta name="description"' in html
    overview = re.search(r'<table[^>]*id="overview-table".*?</table>', html, re.S).group(0)
    assert "189.06" in overview and "196.76" in overview and "+7.70" in overview
    assert "其他年度名称：行政运行（群团机关）" in html
    assert 'id="chart-history-data"' in html
    assert " style=" not in html


def test_the_history_csv(client, two_years):
    url = reverse("budgets:department-history-csv", kwargs={"region": LUTAI_SLUG, "code": "711"})
    body = b"".join(client.get(url).streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    total = [r for r in rows if r["section"] == "overview" and r["name"] == "支出合计"]
    assert [(r["year"], r["amount"], r["difference"]) for r in total] == [
        ("2023", "189.06", ""), ("2024", "196.76", "7.70")]
    assert total[1]["difference_against"] == f"{LUTAI_SLUG}:711:2023"


def test_a_department_with_one_year_says_so(client, sample_data):
    url = reverse("budgets:department-history",
                  kwargs={"region": "河北省-唐山市-唐山高新技术产业开发区", "code": "106"})
    html = client.get(url).content.decode()
    assert "暂无可对比的其他年度" in html
    assert "数据核对发现 2 处不一致" in html


def test_unknown_departments_are_404(client, sample_data):
    url = reverse("budgets:department-history", kwargs={"region": LUTAI_SLUG, "code": "999"})
    assert client.get(url).status_code == 404


def test_query_count_does_not_grow_with_the_number_of_years(client, sample_data):
    url = reverse("budgets:department-history", kwargs={"region": LUTAI_SLUG, "code": "711"})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    store_711_2023()
    store(LUTAI, "711", "河北唐山芦台经济开发区群工部", 2022, {
        "expenditure_by_function": {"rows": [["", "合计", "180.00", "170.00", "10.00"]]}})
    assert queries() == one
