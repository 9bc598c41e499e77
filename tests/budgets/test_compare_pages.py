"""The comparison page, its picker (JSON and no-JavaScript), its CSV and its query count.

Expected numbers come from budgets/sample_data/*.yaml, as printed.
"""

import csv
import io
import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

CANGZHOU = "河北省-沧州市-沧州经济开发区"
K711 = "河北省-唐山市-芦台经济开发区:711:2024"
K106 = "河北省-唐山市-唐山高新技术产业开发区:106:2024"
K313 = f"{CANGZHOU}:313:2024"
K313001 = f"{CANGZHOU}:313001:2024"


def compare_url(*keys, name="budgets:compare", **extra):
    return reverse(name) + "?" + urlencode([("d", k) for k in keys] + list(extra.items()))


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_the_comparison_page_shows_both_departments_side_by_side(client, sample_data):
    response = client.get(compare_url(K711, K106))
    assert response.status_code == 200
    html = response.content.decode()
    assert "河北唐山芦台经济开发区群工部" in html and "唐山高新技术产业开发区人力资源和社会保障局" in html
    overview = re.search(r'<table[^>]*id="overview-table".*?</table>', html, re.S).group(0)
    assert "196.76" in overview and "9,679.70" in overview
    assert "+9,482.94" in overview  # 9679.70 − 196.76
    assert "90.67%" in overview  # 人员经费 160.89 / 基本支出 177.45
    functions = re.search(r'<table[^>]*id="functions-table".*?</table>', html, re.S).group(0)
    assert 'data-parent="functions-208"' in functions  # 款 rows under their 类 (drill-down)
    assert "data-tree" in functions


def test_title_and_description_name_what_is_compared(client, sample_data):
    html = client.get(compare_url(K711, K106)).content.decode()
    title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
    assert "河北唐山芦台经济开发区群工部2024年" in title and "比较" in title
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert "唐山高新技术产业开发区人力资源和社会保障局（2024年）" in unescape(description)


def test_no_inline_script_or_style(client, sample_data):
    html = client.get(compare_url(K711, K106, K313)).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert 'id="chart-overview-data"' in html  # chart data via json_script
    assert "js/compare.js" in html


def test_unlike_things_are_called_out(client, sample_data):
    html = client.get(compare_url(K313, K313001, K106)).content.decode()
    assert "比较前请注意" in html
    assert "既有部门也有所属单位" in html
    assert "所属单位，其预算已包含在部门预算中" in html
    assert "数据核对发现 2 处不一致" in html  # 106's two unit slips (元 vs 万元)


def test_unknown_keys_are_reported_not_fatal(client, sample_data):
    html = client.get(compare_url(K711, "河北省:999:2024", "garbage")).content.decode()
    assert "没有找到已公开的预算“河北省:999:2024”" in html
    assert "再添加至少一个部门或单位" in html


def test_the_picker_works_without_javascript(client, sample_data):
    html = client.get(compare_url(K711, q="高新区 人社局")).content.decode()
    links = [unescape(href) for href in re.findall(r'class="add-link" href="([^"]*)"', html)]
    assert links == [compare_url(K711, K106)]
    html = client.get(links[0]).content.decode()
    assert 'id="overview-table"' in html
    # Each compared item can be removed again.
    remove = [unescape(h) for h in re.findall(r'class="remove-link" href="([^"]*)"', html)]
    assert remove == [compare_url(K106), compare_url(K711)]


def test_the_search_endpoint_finds_departments_and_units_across_regions(client, sample_data):
    response = client.get(reverse("budgets:compare-search"), {"q": "沧州 组织人事部", "d": K313})
    assert response["Content-Type"].startswith("application/json")
    results = response.json()["results"]
    assert [r["key"] for r in results] == [K313, K313001]
    assert results[0]["selected"] is True and results[1]["scope"] == "unit"
    assert results[1]["region"] == "河北省 › 沧州市 › 沧州经济开发区"
    assert client.get(reverse("budgets:compare-search"), {"q": "芦台 群工部"}).json()[
        "results"][0]["key"] == K711
    assert client.get(reverse("budgets:compare-search"), {"q": ""}).json()["results"] == []


def test_the_comparison_csv(client, sample_data):
    response = client.get(compare_url(K711, K106, name="budgets:compare-csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    total = [r for r in rows if r["section"] == "overview" and r["name"] == "支出合计"]
    assert [(r["disclosure_key"], r["amount"], r["difference"]) for r in total] == [
        (K711, "196.76", ""), (K106, "9679.70", "9482.94")]
    assert total[1]["difference_against"] == K711
    personnel = [r for r in rows if r["section"] == "overview" and r["name"] == "人员经费"]
    assert [r["share_percent"] for r in personnel] == ["90.67", "96.54"]
    item = [r for r in rows if r["section"] == "functions" and r["code"] == "2120805"]
    assert [(r["amount"], r["level"]) for r in item] == [("", "3"), ("4000.00", "3")]
    count = [r for r in rows if r["name"] == "项目个数"]
    assert [r["amount"] for r in count] == ["9", "23"]


def test_the_csv_needs_something_to_compare(client, sample_data):
    assert client.get(reverse("budgets:compare-csv")).status_code == 400


def test_the_page_says_when_the_limit_is_reached(client, sample_data):
    keys = [K711, K106, K313, K313001] + [f"{CANGZHOU}:{c}:2024" for c in range(900, 907)]
    html = client.get(compare_url(*keys)).content.decode()
    assert "最多同时比较 10 项，其余 1 项已略去" in html


def test_query_count_does_not_grow_with_the_number_compared(client, sample_data):
    def queries(*keys):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(compare_url(*keys)).status_code == 200
        return len(captured)

    two, four = queries(K711, K106), queries(K711, K106, K313, K313001)
    assert two == four
    assert four <= 8

    def csv_queries(*keys):
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(compare_url(*keys, name="budgets:compare-csv")).streaming_content)
        return len(captured)

    assert csv_queries(K711, K106) == csv_queries(K711, K106, K313, K313001)


@pytest.mark.django_db
def test_an_empty_comparison_page_invites_a_search(client):
    html = client.get(reverse("budgets:compare")).content.decode()
    assert "尚未选择比较对象" in html
    assert 'name="q"' in html
