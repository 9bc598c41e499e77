"""Rankings: every department of a region (with its sub-regions) in a year, by any measure.

Expected values come from budgets/sample_data/*.yaml (2024: 711 芦台 群工部, 106 高新区 人社局,
313 沧州 组织人事部 with its unit 313001); shares are worked out by hand in the comments.
"""

import csv
import io
import json
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets import compare_views
from budgets.comparisons import Measure, ranking
from budgets.models import Region
from tests.budgets.test_history_pages import store, store_711_2023

GAOXIN = ["河北省", "唐山市", "唐山高新技术产业开发区"]
GAOXIN_NAME = "唐山高新技术产业开发区人力资源和社会保障局"


def ranked(measure, code="", *, year=2024, region=None, units=False, by="amount"):
    result = ranking(measure=Measure(measure, code), year=year, region=region,
                     include_units=units, by=by)
    return [(d.department.code, result.rank_of(d), D(getattr(d, result.field)).quantize(D("0.01")))
            for d in result.rows]


def test_by_total_largest_first(sample_data):
    assert ranked("total") == [("106", 1, D("9679.70")), ("313", 2, D("2654.52")),
                               ("711", 3, D("196.76"))]


def test_units_only_when_asked_and_ties_share_a_rank(sample_data):
    assert ranked("total", units=True) == [
        ("106", 1, D("9679.70")), ("313", 2, D("2654.52")), ("313001", 2, D("2654.52")),
        ("711", 4, D("196.76"))]


def test_a_region_includes_its_sub_regions(sample_data):
    tangshan = Region.objects.get(slug="河北省-唐山市")
    assert [code for code, _, _ in ranked("total", region=tangshan)] == ["106", "711"]
    hebei = Region.objects.get(slug="河北省")
    assert len(ranked("total", region=hebei)) == 3


def test_by_personnel_share_of_basic_expenditure(sample_data):
    # 106: 1298.40/1344.96 = 96.54 %; 711: 160.89/177.45 = 90.67 %; 313: 0 (blank)/9.90.
    assert ranked("personnel_share") == [("106", 1, D("96.54")), ("711", 2, D("90.67")),
                                         ("313", 3, D("0.00"))]


def test_by_project_share_of_total(sample_data):
    # 313: 2644.62/2654.52 = 99.63 %; 106: 8334.74/9679.70 = 86.11 %; 711: 19.31/196.76 = 9.81 %.
    assert ranked("project_share") == [("313", 1, D("99.63")), ("106", 2, D("86.11")),
                                       ("711", 3, D("9.81"))]


def test_by_a_functional_code_at_any_level(sample_data):
    # 类 201: 711 133.02, 313 98.00, 106 12.00.
    assert ranked("function", "201") == [("711", 1, D("133.02")), ("313", 2, D("98.00")),
                                         ("106", 3, D("12.00"))]
    # 项 2080599: 106 60.00, 711 31.68; 313 does not print it and is left out.
    result = ranking(measure=Measure("function", "2080599"), year=2024)
    assert [(d.department.code, d.value) for d in result.rows] == [
        ("106", D("60.00")), ("711", D("31.68"))]
    assert result.candidates == 3


def test_by_an_economic_code(sample_data):
    # 30201 办公费: 106 11.25, 313 6.00, 711 1.27.
    assert ranked("economic", "30201") == [("106", 1, D("11.25")), ("313", 2, D("6.00")),
                                           ("711", 3, D("1.27"))]


def test_by_sangong_total_and_part(sample_data):
    # Only 106 has 三公 (6.00, of which 公务接待费 3.00); the empty tables are 0, tied (ties
    # listed by region, 唐山 before 沧州 in code-point order, then code).
    assert ranked("sangong") == [("106", 1, D("6.00")), ("711", 2, D("0.00")),
                                 ("313", 2, D("0.00"))]
    assert ranked("sangong", "reception")[0] == ("106", 1, D("3.00"))


def test_by_change_against_the_previous_year(sample_data):
    store_711_2023()  # 711 2023 total 189.06
    store(GAOXIN, "106", GAOXIN_NAME, 2023, {
        "expenditure_by_function": {"rows": [["", "合计", "10000.00", "1300.00", "8700.00"]]}})
    # 711: 196.76 − 189.06 = +7.70 (4.07 %); 106: 9679.70 − 10000.00 = −320.30 (−3.20 %).
    # 313 has no 2023 disclosure and is left out.
    assert ranked("total", by="change") == [("711", 1, D("7.70")), ("106", 2, D("-320.30"))]
    assert ranked("total", by="change_percent") == [("711", 1, D("4.07")),
                                                    ("106", 2, D("-3.20"))]
    # A share's change is in percentage points: 711 160.89/177.45 − 160.87/178.31
    # = 90.67 − 90.22 = 0.45; 106 printed no 2023 basic table, so has no share to compare.
    assert ranked("personnel_share", by="change") == [("711", 1, D("0.45"))]


def test_the_rankings_page(client, sample_data):
    response = client.get(reverse("budgets:ranking"), {"measure": "function", "code": "208"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>2024年部门排名：208 社会保障和就业支出" in html
    assert '<meta name="description"' in html
    records = [row.record for row in response.context["table"].page.object_list]
    assert [r.department.code for r in records] == ["106", "313", "711"]  # 5431.97, 2213.24, 31.68
    table = re.search(r'<table[^>]*ranking-table.*?</table>', html, re.S).group(0)
    assert "5,431.97" in table and "2024年 208 社会保障和就业支出（万元）" in table
    chart = json.loads(re.search(r'id="chart-ranking-data"[^>]*>(.*?)</script>', html,
                                 re.S).group(1))
    assert chart["values"] == ["31.68", "2213.24", "5431.97"]  # largest drawn on top
    assert " style=" not in html
    assert "比较前 3 名" in html


def test_sorting_keeps_the_rank(client, sample_data):
    response = client.get(reverse("budgets:ranking"), {"sort": "value"})
    records = [row.record for row in response.context["table"].page.object_list]
    table = response.context["table"]
    assert [(r.department.code, table.ranking.rank_of(r)) for r in records] == [
        ("711", 3), ("313", 2), ("106", 1)]
    html = response.content.decode()
    assert 'aria-sort="ascending"' in html


def test_pagination(client, sample_data, monkeypatch):
    monkeypatch.setattr(compare_views, "PER_PAGE", 2)
    response = client.get(reverse("budgets:ranking"), {"page": 2})
    table = response.context["table"]
    records = [row.record for row in table.page.object_list]
    assert [(r.department.code, table.ranking.rank_of(r)) for r in records] == [("711", 3)]
    assert "共 3 条，第 2 / 2 页" in response.content.decode()


def test_invalid_codes_are_explained(client, sample_data):
    response = client.get(reverse("budgets:ranking"), {"measure": "function", "code": "20"})
    assert "请填写 3、5 或 7 位的支出功能分类编码" in response.content.decode()
    assert "table" not in response.context or response.context.get("table") is None
    csv_response = client.get(reverse("budgets:ranking-csv"),
                              {"measure": "function", "code": "20"})
    assert csv_response.status_code == 400


def test_the_ranking_csv_has_every_row(client, sample_data, monkeypatch):
    monkeypatch.setattr(compare_views, "PER_PAGE", 1)
    response = client.get(reverse("budgets:ranking-csv"),
                          {"measure": "personnel_share", "page": "2"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert [(r["rank"], r["department_code"], r["value"], r["unit"]) for r in rows] == [
        ("1", "106", "96.54", "%"), ("2", "711", "90.67", "%"), ("3", "313", "0.00", "%")]
    assert rows[1]["region"] == "河北省 › 唐山市 › 芦台经济开发区"


@pytest.mark.parametrize("params", [
    {}, {"measure": "function", "code": "208"}, {"measure": "personnel_share", "by": "change"},
])
def test_query_count_does_not_grow_with_the_number_ranked(client, sample_data, params):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("budgets:ranking"), params).status_code == 200
        return len(captured)

    before = queries()
    for code in range(800, 806):
        store(GAOXIN, str(code), f"测试部门{code}", 2024, {
            "expenditure_by_function": {"rows": [["", "合计", f"{code}.00", f"{code}.00", ""],
                                                 ["208", "社会保障和就业支出", "1.00", "1.00", ""]]},
            "basic_by_economic": {"rows": [["", "合计", f"{code}.00", "1.00", f"{code - 1}.00"]]}})
    assert queries() == before


def test_the_rankings_page_by_change(client, sample_data):
    store_711_2023()  # 711 2023 total 189.06
    response = client.get(reverse("budgets:ranking"), {"by": "change"})
    html = response.content.decode()
    table = re.search(r'<table[^>]*ranking-table.*?</table>', html, re.S).group(0)
    assert "2023年（万元）" in table and "比上年增减（万元）" in table
    assert "189.06" in table and "+7.70" in table and "+4.07%" in table  # 7.70 / 189.06
    assert "另有 2 个没有上年公开预算" in html  # 106 and 313 have no 2023 disclosure
    response = client.get(reverse("budgets:ranking"), {"by": "change", "sort": "-change"})
    assert response.status_code == 200
