"""A finding names its two figures — which is the table's, which is the prose's, which is the
sum of the details — each with its unit (issue #12: "应为 2,800.00 / 实际 0.28" read as if 0.28
万元 had been spent)."""

import re

import pytest

from budgets.models import Disclosure, Figure
from budgets.validation import validate_identities
from tests.budgets.test_pages_department import GAOXIN_SLUG, LUTAI_SLUG, url


def findings_html(html: str) -> str:
    start = html.index('id="findings"')
    return html[start:html.index("</section>", start)]


def figures_of(html: str) -> dict[str, str]:
    """label → the figure's text (tags dropped) of every named figure in the HTML."""
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", html)
    return {label: re.sub(r"<[^>]+>", "", text) for label, text in pairs}


@pytest.fixture
def page(client):
    def get(region: str, code: str) -> str:
        response = client.get(url(region, code))
        assert response.status_code == 200
        return response.content.decode()
    return get


@pytest.mark.django_db
class TestPublicFindings:
    def test_a_prose_unit_slip_names_the_table_figure_and_the_prose_figure(self, sample_data,
                                                                           page):
        # 106's 情况说明 writes 被征地农民社会保障费4000元 where its project table has 4000.00 万元
        # (and 人才发展资金2800元 for 2800.00 万元: the "应为 2,800.00 / 实际 0.28" of the issue)
        findings = findings_html(page(GAOXIN_SLUG, "106"))
        row = next(r for r in findings.split("<tr")[1:] if "被征地农民社会保障费" in r)
        named = figures_of(row)
        assert named["表中数"] == "4,000.00 万元"
        assert named["情况说明所写（按其单位）"] == "0.40 万元"
        assert "应为（万元）" not in findings and "实际（万元）" not in findings

    def test_a_table_identity_names_the_sum_of_details_and_the_printed_total(self, sample_data,
                                                                            page):
        disclosure = Disclosure.objects.get(department__code="711")
        Figure.objects.filter(disclosure=disclosure, table="expenditure_by_function",
                              code="2012901", column="total").update(amount="118.00",
                                                                     amount_yuan="1180000")
        validate_identities(disclosure)
        findings = findings_html(page(LUTAI_SLUG, "711"))
        row = next(r for r in findings.split("<tr")[1:]
                   if "· 20129 ·" in r)
        named = figures_of(row)
        # 20129 is printed 133.02; its 项 now add up to 118.00 + 4.05 + 2.20 + 8.55
        assert named["明细之和"] == "132.80 万元"
        assert named["表中合计所印"] == "133.02 万元"


def test_a_finding_names_its_row_not_an_internal_key():
    from budgets.templatetags.budget_format import row_label

    assert row_label("expenditure_grand_total") == "支出总计"
    assert row_label("general_budget") == "一般公共预算拨款收入"
    assert row_label("2010101") == "2010101"
