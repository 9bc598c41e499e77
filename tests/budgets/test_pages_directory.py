"""The department directory: filters by region tree, year and functional class, name search
(variants, partial and abbreviated Chinese names), sorting and pagination."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import Department, Disclosure, Figure, Region
from tests.budgets.test_pages_department import store_711

LUTAI = "河北唐山芦台经济开发区群工部"
GAOXIN = "唐山高新技术产业开发区人力资源和社会保障局"
CANGZHOU = "中共河北沧州经济开发区工委组织人事部"
UNIT = "中共河北沧州经济开发区工委组织人事部本级"


def names(client, query: str = "") -> list[str]:
    """Department names in the directory table, in row order."""
    response = client.get(reverse("budgets:department-list") + query)
    assert response.status_code == 200
    table = response.content.decode().split("<tbody")[1].split("</tbody>")[0]
    return re.findall(r'<a href="/departments/[^"]+">([^<]+)</a>', table)


@pytest.mark.django_db
class TestFilters:
    def test_it_lists_departments_without_their_units_by_default(self, sample_data, client):
        assert sorted(names(client)) == sorted([LUTAI, GAOXIN, CANGZHOU])
        assert UNIT in names(client, "?units=on")

    def test_a_region_includes_its_sub_regions(self, sample_data, client):
        assert sorted(names(client, "?region=河北省-唐山市")) == sorted([LUTAI, GAOXIN])
        assert names(client, "?region=河北省-沧州市-沧州经济开发区") == [CANGZHOU]
        assert len(names(client, "?region=河北省")) == 3

    def test_year(self, sample_data, client):
        assert len(names(client, "?year=2024")) == 3
        store_711(2023)
        assert names(client, "?year=2023") == [LUTAI]

    def test_functional_class(self, sample_data, client):
        assert names(client, "?function=212") == [GAOXIN]  # 城乡社区支出: only 106
        assert len(names(client, "?function=208")) == 3
        html = client.get(reverse("budgets:department-list")).content.decode()
        assert '<option value="212">212 城乡社区支出</option>' in html

    @pytest.mark.parametrize("query, expected", [
        ("群工部", LUTAI),
        ("芦台经济开发区群工部", LUTAI),          # the variant printed in the prose
        ("芦台 群工部", LUTAI),                  # two words
        ("高新区人社局", GAOXIN),                # an abbreviation
        ("人力资源", GAOXIN),
        ("沧州 组织人事部", CANGZHOU),
        ("106", GAOXIN),                          # the code
    ])
    def test_name_search(self, sample_data, client, query, expected):
        assert names(client, f"?q={query}") == [expected]

    def test_a_search_without_match_says_so(self, sample_data, client):
        html = client.get(reverse("budgets:department-list") + "?q=教育局").content.decode()
        assert "没有符合条件的部门" in html

    def test_a_variant_only_known_as_a_department_name_finds_it(self, sample_data, client):
        department = Department.objects.get(code="106")
        department.names.create(name="高新区人力社保局")
        assert names(client, "?q=人力社保局") == [GAOXIN]

    def test_an_invalid_filter_is_ignored_not_an_error(self, sample_data, client):
        assert len(names(client, "?region=nowhere&year=abc")) == 3


@pytest.mark.django_db
class TestSortingAndPaging:
    def test_it_sorts_by_total_basic_project_and_sangong(self, sample_data, client):
        assert names(client) == [GAOXIN, CANGZHOU, LUTAI]            # 9679.70 > 2654.52 > 196.76
        assert names(client, "?sort=total") == [LUTAI, CANGZHOU, GAOXIN]
        assert names(client, "?sort=-sangong")[0] == GAOXIN           # 6.00, the others 0
        assert names(client, "?sort=-project")[0] == GAOXIN           # 8334.74
        assert names(client, "?sort=basic")[0] == CANGZHOU            # 313's 基本支出 9.90

    def test_amounts_are_formatted_in_wan_yuan(self, sample_data, client):
        html = client.get(reverse("budgets:department-list")).content.decode()
        assert "9,679.70" in html and "1,344.96" in html and "8,334.74" in html
        assert 'aria-sort="descending"' in html

    def test_it_pages_by_25_and_queries_do_not_grow(self, sample_data, client):
        with CaptureQueriesContext(connection) as few:
            names(client)
        region = Region.objects.get(slug="河北省-唐山市-芦台经济开发区")
        for n in range(40):
            department = Department.objects.create(region=region, code=f"9{n:02d}",
                                                   name=f"测试部门{n}")
            disclosure = Disclosure.objects.create(department=department, year=2024,
                                                   status=Disclosure.Status.PUBLISHED)
            Figure.objects.create(disclosure=disclosure, table="expenditure_by_function",
                                  code="", name="合计", column="total",
                                  amount=Decimal(n), row=0)
        with CaptureQueriesContext(connection) as many:
            first = names(client)
        assert len(many) == len(few)
        assert len(first) == 25
        assert len(names(client, "?page=2")) == 43 - 25
