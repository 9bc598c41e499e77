"""Comparisons and rankings across a department printing 元 and one printing 万元 (issue #9):
both read amount_yuan, so order and ratios are those of the real amounts.

普陀 prints 支出合计 114,479,860 元 (= 11,447.986 万元), 西城 12,482.549431 万元: 西城 is larger,
though its printed number is smaller. 2080501: 普陀 1,000,000 + 2,500,000 元 on two rows
(= 350 万元), 西城 300 万元.
"""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from budgets.comparisons import Measure, build_comparison, ranking

PUTUO_TOTAL = D("114479860") / 10000
XICHENG_TOTAL = D("12482.549431")


@pytest.mark.django_db
class TestRanking:
    def test_ranking_by_total_compares_real_amounts(self, yuan_department, wan_department):
        result = ranking(measure=Measure("total"), year=2024)
        rows = list(result.rows)
        assert [r.department.name for r in rows] == [wan_department.department.name,
                                                      yuan_department.department.name]
        assert [r.value for r in rows] == [XICHENG_TOTAL, PUTUO_TOTAL]

    def test_a_repeated_code_is_summed_in_a_ranking(self, yuan_department, wan_department):
        result = ranking(measure=Measure("function", "2080501"), year=2024)
        assert [(r.department.pk, r.value) for r in result.rows] == [
            (yuan_department.department_id, D("350")), (wan_department.department_id, D("300"))]

    def test_share_measures_do_not_depend_on_the_unit(self, yuan_department, wan_department):
        result = ranking(measure=Measure("project_share"), year=2024)
        values = {r.department_id: r.value.quantize(D("0.01")) for r in result.rows}
        # 14,479,860 / 114,479,860 = 12.65 %; 2,482.549431 / 12,482.549431 = 19.89 %
        assert values == {yuan_department.department_id: D("12.65"),
                          wan_department.department_id: D("19.89")}

    def test_the_ranking_page_shows_wan(self, yuan_department, wan_department, client):
        html = client.get(reverse("budgets:ranking")).content.decode()
        assert "12,482.55" in html and "11,447.99" in html
        assert html.index("12,482.55") < html.index("11,447.99")
        assert "114,479,860.00" not in html


@pytest.mark.django_db
class TestComparison:
    def test_the_ratio_of_a_wan_and_a_yuan_department(self, yuan_department, wan_department):
        comparison = build_comparison([wan_department, yuan_department])
        first, second = comparison.row("overview", "expenditure").cells
        assert (first.amount, second.amount) == (XICHENG_TOTAL, PUTUO_TOTAL)
        assert second.difference == PUTUO_TOTAL - XICHENG_TOTAL  # −1,034.563431 万元
        # (11,447.986 − 12,482.549431) / 12,482.549431 = −8.29 %
        assert second.difference_percent == D("-8.29")

    def test_shares_and_summed_codes(self, yuan_department, wan_department):
        comparison = build_comparison([yuan_department, wan_department])
        cells = comparison.row("functions", "2080501").cells
        assert [c.amount for c in cells] == [D("350"), D("300")]
        # 350 / 11,447.986 = 3.06 %; 300 / 12,482.549431 = 2.40 %
        assert [c.share for c in cells] == [D("3.06"), D("2.40")]

    def test_the_comparison_page_hovers_the_printed_figures(self, yuan_department,
                                                             wan_department, client):
        from budgets.comparisons import disclosure_key

        html = client.get(reverse("budgets:compare"), {
            "d": [disclosure_key(wan_department), disclosure_key(yuan_department)]}).content.decode()
        assert 'title="原文：12,482.549431 万元">12,482.55<' in html
        assert 'title="原文：114,479,860 元">11,447.99<' in html
        assert "(−8.29%)" in html
