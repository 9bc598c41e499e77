"""Pages of departments printing different units (元 / 万元 to six decimals) and of a department
whose documents print no code (issue #9).

Every page shows 万元 computed from amount_yuan, with the printed figure and unit one hover away;
a code printed on several rows of a table is summed where one figure per code is shown.
Expected numbers are worked out by hand from the fixtures in tests/budgets/conftest.py.
"""

import re
from html import unescape

import pytest
from django.urls import reverse

from budgets.comparisons import disclosure_key, disclosures_from_keys
from tests.budgets.conftest import PUTUO_NAME, XICHENG_NAME


def detail_url(disclosure):
    department = disclosure.department
    return reverse("budgets:department-detail", kwargs={
        "region": department.region.slug, "pk": department.pk, "year": disclosure.year})


def block(html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element #{element_id}"
    tag = match.group(1)
    end = html.index(f"</{tag}>", match.end())
    nested = html.count(f"<{tag}", match.end(), end)
    while nested:
        start, end = end + 1, html.index(f"</{tag}>", end + 1)
        nested = html.count(f"<{tag}", start, end)
    return html[match.end():end]


@pytest.mark.django_db
class TestDepartmentWithoutCode:
    def test_its_page_is_addressed_by_id_and_shows_no_code(self, yuan_department, client):
        url = detail_url(yuan_department)
        assert f"/id-{yuan_department.department.pk}/2024/" in url
        html = client.get(url).content.decode()
        assert PUTUO_NAME in html
        header = re.search(r'<header class="page-header">(.*?)</header>', html, re.S).group(1)
        assert "编码" not in header

    def test_the_latest_year_history_and_downloads_work_by_id(self, yuan_department, client):
        department = yuan_department.department
        kwargs = {"region": department.region.slug, "pk": department.pk}
        latest = client.get(reverse("budgets:department-latest", kwargs=kwargs))
        assert latest.status_code == 302 and latest["Location"] == detail_url(yuan_department)
        history = client.get(reverse("budgets:department-history", kwargs=kwargs))
        assert history.status_code == 200 and PUTUO_NAME in history.content.decode()
        assert client.get(reverse("budgets:department-history-csv", kwargs=kwargs)).status_code == 200
        lines = client.get(reverse("budgets:department-lines-csv",
                                   kwargs={**kwargs, "year": 2024}))
        assert lines.status_code == 200
        assert f"id{department.pk}-2024-lines.csv" in lines["Content-Disposition"]

    def test_links_to_it_use_its_id(self, yuan_department, wan_department, client):
        url = detail_url(yuan_department)
        assert f'href="{url}"' in client.get(reverse("budgets:home")).content.decode()
        assert url in client.get(reverse("budgets:department-list")).content.decode()
        ranking = client.get(reverse("budgets:ranking")).content.decode()
        assert f'href="{url}"' in ranking

    def test_it_can_be_compared_by_its_id_key(self, yuan_department, wan_department, client):
        key = disclosure_key(yuan_department)
        assert key == f"上海市-普陀区:id-{yuan_department.department.pk}:2024"
        assert disclosures_from_keys([key]).disclosures == [yuan_department]
        html = client.get(reverse("budgets:compare"), {"d": [key]}).content.decode()
        assert f'href="{detail_url(yuan_department)}"' in html

    def test_an_unknown_id_is_404(self, yuan_department, client):
        department = yuan_department.department
        url = reverse("budgets:department-detail", kwargs={
            "region": department.region.slug, "pk": department.pk + 1000, "year": 2024})
        assert client.get(url).status_code == 404

    def test_code_urls_still_work(self, wan_department, client):
        department = wan_department.department
        url = reverse("budgets:department-detail", kwargs={
            "region": department.region.slug, "code": "900", "year": 2024})
        assert url.endswith("/900/2024/")
        html = client.get(url).content.decode()
        assert XICHENG_NAME in html and "编码 <span class=\"code\">900</span>" in html


@pytest.mark.django_db
class TestAmountsInWan:
    def test_a_yuan_table_shows_wan_with_the_printed_figure_on_hover(self, yuan_department,
                                                                       client):
        html = client.get(detail_url(yuan_department)).content.decode()
        headline = block(html, "headline-expenditure")
        # 114,479,860 元 = 11,447.986 万元
        assert 'title="原文：114,479,860 元">11,447.99<' in headline
        assert "原表单位：元" in html

    def test_six_printed_decimals_show_on_hover(self, wan_department, client):
        department = wan_department.department
        html = client.get(reverse("budgets:department-detail", kwargs={
            "region": department.region.slug, "code": "900", "year": 2024})).content.decode()
        assert 'title="原文：12,482.549431 万元">12,482.55<' in block(html, "headline-expenditure")

    def test_a_repeated_code_is_summed_in_the_tree(self, yuan_department, client):
        html = client.get(detail_url(yuan_department)).content.decode()
        row = block(html, "fn-2080501")
        # 1,000,000 + 2,500,000 元 = 350.00 万元, both printed cells on hover
        assert 'title="原文：1,000,000 元 + 2,500,000 元">350.00<' in row

    def test_the_printed_table_keeps_both_rows(self, yuan_department, client):
        html = client.get(detail_url(yuan_department)).content.decode()
        table = block(html, "printed-expenditure_by_function")
        assert table.count("行政单位离退休") == 2
        assert '>100.00<' in table and '>250.00<' in table

    def test_extra_columns_show_in_printed_order_with_printed_labels(self, wan_department,
                                                                      client):
        department = wan_department.department
        html = unescape(client.get(reverse("budgets:department-detail", kwargs={
            "region": department.region.slug, "code": "900", "year": 2024})).content.decode())
        for table_id in ("fn-table", "printed-expenditure_by_function"):
            table = block(html, table_id)
            headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
            labels = ["支出预算/合计", "基本支出", "项目支出", "政府采购", "备注金额"]
            assert [h for h in headers if h in labels] == labels
        assert "120.50" in block(html, "printed-expenditure_by_function")

    def test_the_home_page_adds_both_in_wan(self, yuan_department, wan_department, client):
        html = client.get(reverse("budgets:home")).content.decode()
        # 11,447.986 + 12,482.549431 = 23,930.535431 万元
        assert '<span class="amount" id="stat-total">23,930.54</span>' in html

    def test_chart_values_are_wan_as_decimal_strings(self, yuan_department, client):
        html = client.get(detail_url(yuan_department)).content.decode()
        data = re.search(r'<script id="data-functions" type="application/json">(.*?)</script>',
                         html, re.S).group(1)
        assert '"2080501"' in data and '"350"' in data and "3500000" not in data
