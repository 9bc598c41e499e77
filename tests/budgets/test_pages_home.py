"""The home page: what the portal is, search, coverage, recent disclosures, headline numbers."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.budgets.test_pages_department import block, store_711


@pytest.mark.django_db
class TestHome:
    def test_it_counts_departments_disclosures_and_the_budget_covered(self, sample_data, client):
        html = client.get(reverse("budgets:home")).content.decode()
        assert block(html, "stat-departments") == "3"
        assert block(html, "stat-disclosures") == "4"  # 3 departments + unit 313001
        # 196.76 (711) + 9679.70 (106) + 2654.52 (313); the unit is inside 313's total
        assert block(html, "stat-total") == "12,530.98"

    def test_the_budget_covered_is_per_year_never_years_added_together(self, sample_data,
                                                                         client):
        store_711(2023)  # 189.06 万元, a plan for another year than the three 2024 ones
        html = client.get(reverse("budgets:home")).content.decode()
        assert block(html, "stat-total") == "12,530.98"
        assert block(html, "stat-total-year") == "2024"
        assert "2023年 189.06 万元（1 个部门）" in block(html, "stat-earlier-years")
        assert "12,719.04" not in html  # 12,530.98 + 189.06
        assert re.search(r'<meta name="description" content="[^"]*2024年支出预算 12,530.98 万元',
                         html)

    def test_it_lists_regions_years_and_recent_disclosures(self, sample_data, client):
        html = client.get(reverse("budgets:home")).content.decode()
        regions = block(html, "regions-heading") and html.split('id="regions-heading"')[1]
        for path in ("河北省 › 唐山市 › 芦台经济开发区", "河北省 › 唐山市 › 唐山高新技术产业开发区",
                     "河北省 › 沧州市 › 沧州经济开发区"):
            assert path in regions
        assert f'{reverse("budgets:department-list")}?year=2024' in html
        recent = html.split('id="recent-heading"')[1]
        assert "河北唐山芦台经济开发区群工部 · 2024年部门预算" in recent
        assert "中共河北沧州经济开发区工委组织人事部本级 · 2024年单位预算" in recent
        assert "支出 9,679.70 万元" in recent

    def test_it_has_a_search_box_title_and_description(self, sample_data, client):
        html = client.get(reverse("budgets:home")).content.decode()
        assert re.search(r'<form[^>]*action="/departments/"[^>]*role="search"', html)
        assert "<title>部门预算公开门户" in html
        assert re.search(r'<meta name="description" content="[^"]*3 个部门', html)

    def test_an_empty_portal_says_so(self, db, client):
        html = client.get(reverse("budgets:home")).content.decode()
        assert "尚无公开数据" in html and block(html, "stat-total") == "0.00"

    def test_queries_do_not_grow_with_disclosures(self, sample_data, client):
        with CaptureQueriesContext(connection) as before:
            client.get(reverse("budgets:home"))
        for year in (2019, 2020, 2021, 2022, 2023):
            store_711(year)
        with CaptureQueriesContext(connection) as after:
            html = client.get(reverse("budgets:home")).content.decode()
        assert len(after) == len(before)
        assert block(html, "stat-disclosures") == "9"
