"""How many table identity checks a version had: counted once, when it is validated (or, for
the synthetic corpus, generated), stored on the Disclosure, and read by the 数据质量 pages."""

import copy
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from budgets.corpus import generate
from budgets.identities import table_check_counts
from budgets.models import Disclosure
from budgets.sample_data import SAMPLE_DIR, read_sample
from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path
from tests.budgets.test_open_pages import _cells

pytestmark = pytest.mark.django_db

REGION = ["河北省", "唐山市", "核对区"]
# 合计 = 201 + 208 holds; 208 ≠ 20805 fails: 2 table checks, 1 failed (tests/budgets/test_open_pages).
ONE_FAILURE = [["", "合计", "100.00"], ["201", "一般公共服务支出", "60.00"],
               ["208", "社会保障和就业支出", "40.00"], ["20805", "行政事业单位养老支出", "30.00"]]


@pytest.fixture(autouse=True)
def _no_public_cache():
    cache.clear()
    with override_settings(PUBLIC_CACHE=False):
        yield


def _store(code: str, rows: list = ONE_FAILURE) -> Disclosure:
    item = {"scope": "department", "code": code, "name": f"核对区{code}局", "tables": {
        "expenditure_by_function": {"unit": "万元", "columns": ["total"], "rows": rows,
                                    "pages": [3] * len(rows)}}}
    data = {"document": {"year": 2024, "title": "2024年部门预算", "summary_layout": 2024},
            "disclosures": [item]}
    [disclosure] = disclosures_store(data=data, region=region_get_or_create_path(REGION))
    disclosure_publish(disclosure=disclosure)
    return disclosure


def _luotai() -> dict:
    """The Luotai sample with a table identity and a prose restatement broken."""
    data = copy.deepcopy(read_sample(SAMPLE_DIR / "luotai_711_2024.yaml")[0])
    part = data["disclosures"][0]
    for row in part["tables"]["expenditure_by_function"]["rows"]:
        if row[0] == "2012906":
            row[2] = "2.25"  # total ≠ basic + project
    overview = next(s for s in part["narrative"] if s["key"] == "overview")
    overview["text"] = overview["text"].replace("基本支出 177.45万元", "基本支出 177.54万元")
    part["reading_problems"] = ["栏目“备注”未能识别"]
    return data


def _table_failures(disclosure: Disclosure) -> int:
    return disclosure.findings.exclude(rule="reading").exclude(
        rule__startswith="narrative").count()


def _overview_checks(client) -> list[str]:
    """The 核对项 column of the overview."""
    html = client.get("/quality/").content.decode()
    return [row[3] for row in _cells(html, "quality-table")[1:]]


def _quality_checks(client, disclosure: Disclosure) -> str:
    html = client.get(disclosure.get_absolute_url() + "quality/").content.decode()
    return re.search(r'id="quality-checks"><dt>[^<]+</dt><dd>(\d+) 项', html)[1]


def test_validation_stores_the_count_of_the_run_that_made_the_findings():
    data = _luotai()
    region = region_get_or_create_path(data["document"]["region"])
    [disclosure] = disclosures_store(data=data, region=region)
    disclosure.refresh_from_db()
    runs, failed = table_check_counts(disclosure)
    assert disclosure.identity_checks == runs > 100
    # The table findings stored are those the count goes with: prose and reading not among them.
    assert failed == _table_failures(disclosure) > 0
    assert disclosure.findings.filter(rule__startswith="narrative").exists()


def test_the_quality_page_shows_the_stored_count(client):
    disclosure = _store("501")
    Disclosure.objects.filter(pk=disclosure.pk).update(identity_checks=7)
    assert _quality_checks(client, disclosure) == "7"  # not the 2 a new count would make


def test_the_overview_makes_the_same_queries_for_one_disclosure_or_several(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/quality/").status_code == 200
        return len(captured)

    _store("501")
    one = queries()
    for code in ("502", "503", "504"):
        _store(code)
    assert queries() == one
    assert _overview_checks(client) == ["2"] * 4


def test_a_version_stored_before_counting_is_counted_once_and_the_count_stored(client):
    disclosure = _store("501")
    Disclosure.objects.filter(pk=disclosure.pk).update(identity_checks=None)
    assert _quality_checks(client, disclosure) == "2"
    disclosure.refresh_from_db()
    assert disclosure.identity_checks == 2
    with CaptureQueriesContext(connection) as captured:
        assert _quality_checks(client, disclosure) == "2"
    assert not any(q["sql"].startswith("UPDATE") for q in captured)  # read, not counted again


def test_the_overview_counts_and_stores_a_version_stored_before_counting(client):
    disclosure = _store("501")
    Disclosure.objects.filter(pk=disclosure.pk).update(identity_checks=None)
    assert _overview_checks(client) == ["2"]
    disclosure.refresh_from_db()
    assert disclosure.identity_checks == 2


def test_the_generator_stores_the_count_validation_would_and_nothing_fails():
    generate(disclosures=40, years=[2023, 2024], seed=5)
    disclosures = list(Disclosure.objects.all())
    assert len(disclosures) == 40
    for disclosure in disclosures:
        assert disclosure.identity_checks is not None
        assert table_check_counts(disclosure) == (disclosure.identity_checks, 0)


# --- the project and empty-table checks read what the checker holds: same results ----------

def _stored(data: dict) -> Disclosure:
    region = region_get_or_create_path(data["document"]["region"])
    return disclosures_store(data=data, region=region)[0]


def test_projects_beyond_the_project_spending_are_a_finding_but_not_the_whole_department():
    data = copy.deepcopy(read_sample(SAMPLE_DIR / "luotai_711_2024.yaml")[0])
    projects = data["disclosures"][0]["projects"]
    projects.append({**projects[0], "name": "部门整体支出绩效目标", "budget": "196.76"})
    assert not _stored(data).findings.filter(rule="projects_sum").exists()
    projects[-2]["budget"] = "5.05"  # 4.05 printed: the list now exceeds 项目支出 by 1.00
    finding = _stored(data).findings.get(rule="projects_sum")
    assert (finding.expected, finding.found) == (Decimal("20.31"), Decimal("19.31"))


def test_a_table_noted_empty_counts_every_non_zero_figure_it_prints():
    data = copy.deepcopy(read_sample(SAMPLE_DIR / "luotai_711_2024.yaml")[0])
    table = data["disclosures"][0]["tables"]["gov_fund_by_function"]
    assert table["empty_note"]
    table["rows"] = [["", "合计", "3.00"], ["206", "科学技术支出", "1.00"],
                     ["206", "科学技术支出", "2.00"], ["207", "文化旅游体育与传媒支出", "0.00"]]
    finding = _stored(data).findings.get(rule="empty_note_with_figures")
    assert finding.table == "gov_fund_by_function"
    assert finding.message.endswith("印有 3 个非零金额")  # figures, not summed cells (2)


def test_the_overview_shows_a_page_of_rows_and_sums_them_all(client):
    generate(disclosures=130, years=[2024, 2025], seed=5)
    html = client.get("/quality/").content.decode()
    table = html[html.index('id="quality-table"'):]
    assert table.count('<th scope="row">') == 100
    assert "共 130 份，第 1 / 2 页" in html
    groups = html[html.index('id="quality-groups-table"'):html.index('id="quality-table"')]
    counted = sum(int(n) for n in re.findall(r'年</td><td class="num">(\d+)</td>', groups))
    assert counted == 130
    second = client.get("/quality/", {"page": 2, "sort": "year"}).content.decode()
    rows = second[second.index('id="quality-table"'):].count('<th scope="row">')
    assert rows == 30
    assert 'href="?sort=year&amp;page=1"' in second or 'href="?page=1&amp;sort=year"' in second


def test_the_overview_lists_the_groups_with_the_most_failures_and_says_how_many(client,
                                                                              monkeypatch):
    from budgets import quality_views

    monkeypatch.setattr(quality_views, "GROUPS_SHOWN", 2)  # 130 disclosures make 4 groups
    generate(disclosures=130, years=[2024, 2025], seed=5)
    failing = Disclosure.objects.order_by("pk").last()
    failing.findings.create(rule="row_sum", table="expenditure_by_function", code="",
                            column="total", message="测试：合计不等于各项之和")
    html = client.get("/quality/").content.decode()
    groups = html[html.index('id="quality-groups-table"'):html.index('id="quality-table"')]
    assert groups.count('<th scope="row">') == 2
    assert "共 4 组，列出未通过最多的 2 组" in html
    first_group = re.search(r'<tr><th scope="row">([^<]+)</th><td>(\d+)年', groups).groups()
    assert first_group[1] == str(failing.year)
    assert first_group[0].endswith(failing.department.region.name)
