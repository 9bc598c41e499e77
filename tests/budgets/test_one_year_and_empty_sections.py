"""With one year published the history page is a short note linking to the department page,
not a page of single-column tables; sections the original leaves empty are named once."""

import re

import pytest
from django.urls import reverse

from budgets.models import Disclosure, NarrativeSection
from tests.budgets.test_pages_department import GAOXIN_SLUG, LUTAI_SLUG, store_711, url

pytestmark = pytest.mark.django_db


def history(client, region: str, code: str) -> str:
    response = client.get(reverse("budgets:department-history",
                                  kwargs={"region": region, "code": code}))
    assert response.status_code == 200
    return response.content.decode()


def test_one_year_of_history_is_a_note_with_a_link_to_the_department_page(client, sample_data):
    html = history(client, GAOXIN_SLUG, "106")
    note = re.search(r'<p class="empty-note" id="one-year">(.*?)</p>', html, re.S).group(1)
    assert "只公开了这个部门 2024 年一个年度的预算" in note
    assert f'href="{url(GAOXIN_SLUG, "106")}"' in note
    for comparison in ('id="overview-table"', 'id="chart-history"', 'id="functions-table"',
                       "各年均未列示此项"):
        assert comparison not in html
    assert 'id="versions"' in html  # the version list stays


def test_two_years_still_compare(client, sample_data):
    store_711(2023)
    html = history(client, LUTAI_SLUG, "711")
    assert 'id="one-year"' not in html and 'id="overview-table"' in html


def test_empty_sections_are_named_once(client, sample_data):
    disclosure = Disclosure.objects.get(department__code="711")
    last = disclosure.sections.order_by("-order").first().order
    for n in range(1, 24):
        NarrativeSection.objects.create(disclosure=disclosure, order=last + n, key="projects",
                                        title=f"项目{n}", text="", page=10 + n)
    html = client.get(url(LUTAI_SLUG, "711")).content.decode()
    assert "原文此节无内容" not in html
    note = re.search(r'<p class="empty-note" id="empty-sections">(.*?)</p>', html, re.S).group(1)
    assert "项目1（第 11 页）、项目2（第 12 页）" in note and "项目23（第 33 页）" in note
    assert html.count("项目23") == 1
    assert "机关运行经费" in html  # sections with text are still shown
