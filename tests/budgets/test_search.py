"""Full-text search (budgets/search.py, /search/): department names, lines, projects and KPI text
of published disclosures, on whichever database the run uses (both in CI)."""

import re

import pytest
from django.db import connection

from budgets.models import Disclosure
from budgets.search import backend, search_published

pytestmark = pytest.mark.django_db

GAOXIN = "唐山高新技术产业开发区人力资源和社会保障局"


def test_backend_is_the_database_s_own_index():
    expected = {"postgresql": "trigram", "sqlite": "fts5"}[connection.vendor]
    assert backend() == expected


def test_search_index_exists_in_the_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")
            names = {row[0] for row in cursor.fetchall()}
            assert {"budgets_figure_name_trgm", "budgets_project_name_trgm",
                    "budgets_department_name_trgm", "budgets_indicator_level3_trgm"} <= names
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'budgets_search'")
            assert "trigram" in cursor.fetchone()[0]


def test_bei_zheng_di_finds_the_line_the_project_and_its_kpis(sample_data):
    results = search_published("被征地")
    lines = {(h.code, h.title) for h in results.lines}
    assert ("2120805", "补助被征地农民支出") in lines
    assert [h.title for h in results.projects] == ["被征地农民社会保障费"]
    assert any("被征地农民保障费" in h.title for h in results.indicators)
    line = next(h for h in results.lines if h.code == "2120805")
    assert line.disclosure.department.name == GAOXIN
    # the 支出总表 tree row, whose id is fn-<code> on the department page
    assert line.url == "/departments/" + line.url.split("/departments/")[1].split("#")[0] + \
        "#fn-2120805"


def test_two_character_terms_and_several_terms(sample_data):
    short = search_published("征地")  # below the trigram length: the LIKE fallback
    assert "2120805" in {h.code for h in short.lines}
    both = search_published("被征地 保障费")  # every term must match
    assert [h.title for h in both.projects] == ["被征地农民社会保障费"]
    assert search_published("被征地 不存在的词").count == 0


def test_department_names_are_searched(sample_data):
    results = search_published("人力资源和社会保障局")
    assert GAOXIN in {h.title for h in results.departments}


def test_drafts_are_never_found(sample_data):
    Disclosure.objects.filter(department__name=GAOXIN).update(status=Disclosure.Status.DRAFT)
    assert search_published("被征地").count == 0


def test_index_follows_changes(sample_data):
    """Renaming a line (the SQLite triggers, the PostgreSQL index) is seen at once."""
    from budgets.models import Figure
    Figure.objects.filter(name="补助被征地农民支出").update(name="补助失地农民支出")
    assert search_published("被征地").lines == []
    assert "2120805" in {h.code for h in search_published("失地农民").lines}


def test_search_page_links_to_the_line_and_the_project(client, sample_data):
    page = client.get("/search/", {"q": "被征地"}).content.decode()
    assert "补助被征地农民支出" in page
    hrefs = re.findall(r'href="([^"]+)"', page)
    line = next(h for h in hrefs if h.endswith("#fn-2120805"))
    project = next(h for h in hrefs if "#project-" in h)
    detail = client.get(line.split("#")[0]).content.decode()
    assert 'id="fn-2120805"' in detail
    assert f'id="{project.split("#")[1]}"' in detail


def test_search_page_without_query_and_with_no_match(client, sample_data):
    assert client.get("/search/").status_code == 200
    page = client.get("/search/", {"q": "没有这个词语"}).content.decode()
    assert "没有找到" in page


def test_directory_search_offers_the_full_text_search(client, sample_data):
    page = client.get("/departments/", {"q": "被征地"}).content.decode()
    assert 'href="/search/?q=%E8%A2%AB%E5%BE%81%E5%9C%B0"' in page
