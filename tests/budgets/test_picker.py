"""The 类 › 款 › 项 subject picker of the rankings page and the directory (budgets/picker.py):
subjects by name with their path, plain answers for unknown codes, both kinds of code."""

import re

import pytest
from django.urls import reverse

from budgets.picker import find_subject, subject_choices

pytestmark = pytest.mark.django_db

GAOXIN = "唐山高新技术产业开发区人力资源和社会保障局"


def ranking_page(client, **params) -> str:
    response = client.get(reverse("budgets:ranking"), params)
    assert response.status_code == 200
    return response.content.decode()


def option_labels(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return {value: re.sub(r"\s+", " ", label).strip()
            for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)}


def test_subjects_carry_their_path_and_both_kinds(sample_data):
    groups = dict(subject_choices())
    functions, economic = dict(groups["支出功能分类"]), dict(groups["支出经济分类"])
    assert functions["2120805"].strip() == (
        "2120805 补助被征地农民支出（城乡社区支出 › 国有土地使用权出让收入安排的支出）")
    assert functions["212"] == "212 城乡社区支出"
    assert economic["30101"].strip() == "30101 基本工资（工资福利支出）"
    assert find_subject("299") is None


def test_ranking_page_lists_subjects_by_name(client, sample_data):
    labels = option_labels(ranking_page(client), "code")
    assert "补助被征地农民支出" in labels["2120805"]
    assert "基本工资" in labels["30101"]


def test_a_picked_subject_ranks_by_it_whatever_the_measure_list_says(client, sample_data):
    html = ranking_page(client, code="2120805")  # measure left at 支出合计, as a form sends it
    assert "按2120805 补助被征地农民支出排名" in html
    assert GAOXIN in html
    economic = ranking_page(client, measure="function", code="30101")
    assert "按30101 基本工资排名" in economic


def test_a_listed_code_nobody_prints_is_named(client, sample_data):
    html = ranking_page(client, measure="function", code="202")
    assert "按202 外交支出排名" in html


def test_an_unknown_code_says_so_instead_of_ranking(client, sample_data):
    html = ranking_page(client, measure="function", code="299")
    assert "没有编码为 299 的支出科目" in html
    assert "按299排名" not in html
    assert 'id="ranking-heading"' not in html
    csv = client.get(reverse("budgets:ranking-csv"), {"measure": "function", "code": "299"})
    assert csv.status_code == 400


def test_directory_filters_by_any_level_and_kind(client, sample_data):
    def names(**params):
        html = client.get(reverse("budgets:department-list"), params).content.decode()
        return re.findall(r'<a href="/departments/[^"]+">([^<]+)</a> <span class="code">', html)

    assert names(function="2120805") == [GAOXIN]  # a 项, printed by 106 only
    assert len(names(function="20801")) >= 1
    # 基本工资 from the 基本支出 table: 313 prints no 301 款 lines
    assert set(names(function="30101")) == {GAOXIN, "河北唐山芦台经济开发区群工部"}
    html = client.get(reverse("budgets:department-list"), {"function": "299"}).content.decode()
    assert "没有编码为 299 的支出科目" in html
    labels = option_labels(html, "function")
    assert "补助被征地农民支出" in labels["2120805"]


def test_a_line_becomes_a_subject_when_published_not_while_draft(db):
    from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path

    item = {"scope": "department", "code": "", "name": "某县草稿局", "tables": {
        "expenditure_by_function": {
            "unit": "元", "columns": ["total"], "column_labels": {"total": "合计"},
            "rows": [["", "合计", "500"], ["229", "其他支出", "500"],
                     ["22999", "其他支出", "500"], ["2299977", "草稿里才有的科目", "500"]],
            "pages": [1, 1, 1, 1]}}}
    data = {"document": {"year": 2025, "title": "某县草稿局2025年部门预算", "summary_layout": 2024},
            "disclosures": [item]}
    [draft] = disclosures_store(data=data, region=region_get_or_create_path(["某省", "某县"]))
    assert find_subject("2299977") is None  # a draft is not public, nor are its line names
    disclosure_publish(disclosure=draft)
    subject = find_subject("2299977")
    assert subject.name == "草稿里才有的科目"
    assert subject.path == ("其他支出", "其他支出")
