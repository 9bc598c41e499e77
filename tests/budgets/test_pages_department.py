"""The department-year page: figures as printed in the seed documents, drill-down, units,
projects, narrative, findings, provenance and the year comparison.

Expected numbers are read from the documents (budgets/sample_data/*.yaml), not from the code.
"""

import json
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import Disclosure, Figure, Indicator, Project
from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path

LUTAI = ["河北省", "唐山市", "芦台经济开发区"]
LUTAI_SLUG = "河北省-唐山市-芦台经济开发区"
GAOXIN_SLUG = "河北省-唐山市-唐山高新技术产业开发区"
CANGZHOU_SLUG = "河北省-沧州市-沧州经济开发区"


def url(region: str, code: str, year: int = 2024) -> str:
    return reverse("budgets:department-detail", kwargs={"region": region, "code": code,
                                                        "year": year})


def store_711(year: int, *, total="189.06", basic="178.31", project="10.75",
              personnel="160.87", public="17.44", publish=True) -> Disclosure:
    """A 711 disclosure for another year. The 2023 defaults come from the 2024 document's prose:
    比2023年增加7.7万元，人员经费增加0.02万元，公用经费减少0.88万元，项目支出增长8.56万元."""
    data = {
        "document": {"title": f"河北唐山芦台经济开发区群工部{year}年部门预算信息公开", "year": year,
                     "region": LUTAI, "summary_layout": 2024},
        "disclosures": [{
            "scope": "department", "code": "711", "name": "河北唐山芦台经济开发区群工部",
            "tables": {
                "summary": {"rows": [["general_budget", "一、一般公共预算拨款收入", total],
                                     ["revenue_total", "本年收入合计", total],
                                     ["expenditure_total", "本年支出合计", total]]},
                "expenditure_by_function": {"rows": [["", "合计", total, basic, project]]},
                "basic_by_economic": {"rows": [["", "合计", basic, personnel, public]]},
                "sangong": {"rows": [], "empty_note": "注：无财政拨款“三公”经费支出表预算，空表列示。"},
            },
        }],
    }
    [disclosure] = disclosures_store(data=data, region=region_get_or_create_path(LUTAI))
    if publish:
        disclosure_publish(disclosure=disclosure)
    return disclosure


def block(html: str, element_id: str) -> str:
    """The text of the element with this id (up to its closing tag of the same name)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element #{element_id}"
    tag, start = match.group(1), match.end()
    depth, position = 1, start
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>")
    while depth:
        found = pattern.search(html, position)
        depth += -1 if found.group(1) else 1
        position = found.end()
    text = re.sub(r"<[^>]+>", " ", html[start:position])
    return re.sub(r"\s+", " ", unescape(text)).strip()


@pytest.fixture
def page(client):
    def get(region: str, code: str, year: int = 2024) -> str:
        response = client.get(url(region, code, year))
        assert response.status_code == 200
        return response.content.decode()
    return get


@pytest.mark.django_db
class TestHeadlineFigures:
    def test_it_shows_711s_totals_basic_project_personnel_and_public(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        assert "196.76" in block(html, "headline-revenue")
        assert "196.76" in block(html, "headline-expenditure")
        assert "177.45" in block(html, "headline-basic")
        assert "19.31" in block(html, "headline-project")
        assert "160.89" in block(html, "headline-personnel")
        assert "16.56" in block(html, "headline-public")
        assert "0.00" in block(html, "headline-sangong")

    def test_it_shows_106s_sangong_and_government_fund(self, sample_data, page):
        html = page(GAOXIN_SLUG, "106")
        assert "6.00" in block(html, "headline-sangong")
        assert "9,679.70" in block(html, "headline-expenditure")
        assert "4,000.00" in block(html, "fund-gov_fund")
        assert "5,679.70" in block(html, "fund-general_budget")
        sangong = block(html, "sangong-table")
        assert "公务接待费 3.00" in sangong and "公务用车运行维护费 3.00" in sangong

    def test_it_has_a_title_and_description_naming_the_department(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "河北唐山芦台经济开发区群工部" in title and "2024" in title
        description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
        assert "196.76" in description

    def test_without_a_previous_year_it_says_there_is_nothing_to_compare(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        assert "尚无 2023 年的公开预算" in html
        assert 'class="change' not in block(html, "overview")


@pytest.mark.django_db
class TestPreviousYear:
    def test_each_headline_shows_its_change_against_last_year(self, sample_data, page):
        store_711(2023)
        html = page(LUTAI_SLUG, "711")
        # 比上年增加7.7万元, 人员经费增加0.02, 公用经费减少0.88, 项目支出增长8.56 (document prose)
        assert "+7.70" in block(html, "headline-expenditure")
        assert "+0.02" in block(html, "headline-personnel")
        assert "−0.88" in block(html, "headline-public")
        assert "+8.56" in block(html, "headline-project")
        assert "上年 189.06" in block(html, "headline-expenditure")
        assert 'class="change up"' in html and 'class="change down"' in html

    def test_the_sangong_table_stands_beside_last_years(self, sample_data, page):
        store_711(2023)
        table = block(page(LUTAI_SLUG, "711"), "sangong-table")
        assert "2024年" in table and "2023年" in table
        assert "与上年持平" in table

    def test_the_year_switcher_links_both_years(self, sample_data, page):
        store_711(2023)
        html = page(LUTAI_SLUG, "711")
        assert f'href="{url(LUTAI_SLUG, "711", 2023)}"' in html
        older = page(LUTAI_SLUG, "711", 2023)
        assert f'href="{url(LUTAI_SLUG, "711", 2024)}"' in older
        assert "189.06" in block(older, "headline-expenditure")

    def test_the_latest_url_redirects_to_the_newest_year(self, sample_data, client):
        store_711(2023)
        response = client.get(reverse("budgets:department-latest",
                                      kwargs={"region": LUTAI_SLUG, "code": "711"}))
        assert response.status_code == 302
        assert response["Location"] == url(LUTAI_SLUG, "711", 2024)


@pytest.mark.django_db
class TestFunctionalDrillDown:
    def test_rows_nest_class_item_and_subitem_with_accessible_toggles(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        row = re.search(r'<tr id="fn-2012901"[^>]*>', html).group(0)
        assert 'data-parent="fn-20129"' in row
        assert "118.22" in block(html, "fn-2012901") and "行政运行" in block(html, "fn-2012901")
        toggle = re.search(r'<tr id="fn-201".*?<button([^>]*)>', html, re.S).group(1)
        assert 'aria-expanded="true"' in toggle and 'aria-controls="fn-20129"' in toggle
        footer = re.search(r"<tfoot>.*?</tfoot>", block_html(html, "fn-table"), re.S).group(0)
        assert "196.76" in footer and "177.45" in footer and "19.31" in footer

    def test_the_sunburst_data_is_json_with_every_class(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        data = json.loads(unescape(re.search(
            r'<script id="data-functions" type="application/json">(.*?)</script>', html,
            re.S).group(1)))
        assert {"201", "20129", "2012901", "208", "210", "221"} <= set(data["ids"])
        leaf = data["ids"].index("2012901")
        assert data["values"][leaf] == "118.22" and data["parents"][leaf] == "20129"
        assert 'data-chart="sunburst"' in html and "plotly.min.js" in html

    def test_charts_have_a_text_alternative(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        chart = re.search(r'<div class="chart" id="chart-functions"[^>]*>', html).group(0)
        assert 'role="img"' in chart and "一般公共服务支出 133.02 万元" in unescape(chart)

    def test_no_inline_script_needs_unsafe_inline(self, sample_data, page):
        html = page(GAOXIN_SLUG, "106")
        for attributes, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert "src=" in attributes or 'type="application/json"' in attributes
        assert not re.search(r"\son[a-z]+=", html)

    def test_the_economic_table_splits_personnel_and_public(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        assert "129.21" in block(html, "ec-301")  # 工资福利支出
        assert "16.56" in block(html, "ec-302")   # 商品和服务支出
        assert "31.68" in block(html, "ec-303")   # 对个人和家庭的补助
        assert 'data-chart="treemap"' in html


def block_html(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</table>", start)]


@pytest.mark.django_db
class TestTablesAndSections:
    def test_empty_tables_say_so_with_their_note(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        assert "注：无政府基金预算财政拨款预算，空表列示。" in html
        assert "注：无国有资本经营预算财政拨款预算，空表列示。" in html
        assert "注：无财政拨款“三公”经费支出表预算，空表列示。" in html

    def test_every_project_shows_budget_plan_and_indicators(self, sample_data, page):
        html = unescape(page(LUTAI_SLUG, "711"))
        assert "项目预算与绩效目标（9 个）" in html
        assert "劳务派遣人员报酬和公用费用" in html and "13021424P00000110247X" in html
        assert "≥95≥" in html            # printed typo kept as printed
        assert "《芦台经济开发区党政联席会议（〔2017〕12 号）会议纪要》" in html
        project = block(page(LUTAI_SLUG, "711"), "project-6")
        assert "4.51 万元" in project and "1.10" in project and "2.20" in project
        assert "产出指标 数量指标 保障人数" in project

    def test_narrative_sections_are_shown(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        assert "三、机关运行经费安排情况" in html
        assert "共安排机关运行经费 16.56万元" in html
        assert "河北唐山芦台经济开发区群工部本级" in html  # 机构设置

    def test_findings_are_shown_plainly(self, sample_data, page):
        findings = block(page(GAOXIN_SLUG, "106"), "findings")
        assert "发现 2 处不一致" in findings
        assert "被征地农民社会保障费4000元" in findings and "单位笔误" in findings
        assert 'id="findings"' not in page(LUTAI_SLUG, "711")

    def test_a_table_that_does_not_add_up_is_reported(self, sample_data, page):
        from budgets.validation import validate_identities

        disclosure = Disclosure.objects.get(department__code="711")
        Figure.objects.filter(disclosure=disclosure, table="expenditure_by_function",
                              code="2012901", column="total").update(amount="118.00",
                                                                     amount_yuan="1180000")
        validate_identities(disclosure)
        findings = block(page(LUTAI_SLUG, "711"), "findings")
        assert "部门预算支出总表" in findings and "20129" in findings


@pytest.mark.django_db
class TestUnits:
    def test_the_department_links_its_unit_and_the_unit_links_back(self, sample_data, page):
        department = page(CANGZHOU_SLUG, "313")
        unit_url = url(CANGZHOU_SLUG, "313001")
        assert f'class="unit-link" href="{unit_url}"' in department
        assert "313001 中共河北沧州经济开发区工委组织人事部本级" in block(department, "units")
        unit = page(CANGZHOU_SLUG, "313001")
        assert "中共河北沧州经济开发区工委组织人事部本级" in unit
        assert f'class="parent-link" href="{url(CANGZHOU_SLUG, "313")}"' in unit
        assert "2,654.52" in block(unit, "headline-expenditure")
        assert "单位预算" in re.search(r"<h1>(.*?)</h1>", unit, re.S).group(1)


@pytest.mark.django_db
class TestProvenance:
    def test_each_table_names_its_source_pages(self, sample_data, page):
        disclosure = Disclosure.objects.get(department__code="711")
        disclosure.tables.filter(table="expenditure_by_function").update(first_page=3,
                                                                           last_page=4)
        disclosure.tables.filter(table="sangong").update(first_page=9, last_page=9)
        html = page(LUTAI_SLUG, "711")
        assert "原文第 3–4 页" in block(html, "functions")
        assert "原文第 9 页" in block(html, "sangong")

    def test_every_table_has_a_csv_link(self, sample_data, page):
        html = page(LUTAI_SLUG, "711")
        for table in ("summary", "expenditure_by_function", "basic_by_economic", "sangong",
                      "gov_fund_by_function"):
            link = reverse("budgets:department-table-csv", kwargs={
                "region": LUTAI_SLUG, "code": "711", "year": 2024, "table": table})
            assert f'href="{link}"' in html
        assert reverse("budgets:department-lines-csv", kwargs={
            "region": LUTAI_SLUG, "code": "711", "year": 2024}) in html


@pytest.mark.django_db
class TestQueryCount:
    def test_queries_do_not_grow_with_lines_or_projects(self, sample_data, client,
                                                        django_assert_max_num_queries):
        target = url(LUTAI_SLUG, "711")
        with CaptureQueriesContext(connection) as small:
            assert client.get(target).status_code == 200
        disclosure = Disclosure.objects.get(department__code="711")
        for order in range(9, 49):
            project = Project.objects.create(disclosure=disclosure, order=order,
                                             name=f"测试项目{order}", budget="1.00")
            Indicator.objects.bulk_create(
                Indicator(project=project, order=i, level1="产出指标", level2="数量指标",
                          level3=f"指标{i}", value="≥95%") for i in range(8))
        Figure.objects.bulk_create(
            Figure(disclosure=disclosure, table="expenditure_by_function",
                   code=f"2019{n:03d}", name=f"测试科目{n}", column="total", amount="1.00",
                   amount_yuan="10000", row=100 + n) for n in range(100))
        with CaptureQueriesContext(connection) as large:
            assert client.get(target).status_code == 200
        assert len(large) == len(small)
        with django_assert_max_num_queries(20):
            client.get(url(GAOXIN_SLUG, "106"))

    def test_a_unit_page_costs_as_much_as_a_department_page(self, sample_data, client):
        with CaptureQueriesContext(connection) as department:
            client.get(url(CANGZHOU_SLUG, "313"))
        with CaptureQueriesContext(connection) as unit:
            client.get(url(CANGZHOU_SLUG, "313001"))
        assert abs(len(unit) - len(department)) <= 1
