"""Public pages and downloads are cached, and a published correction is visible at once."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path
from tests.budgets.conftest import PUTUO, PUTUO_NAME

OLD, NEW = "原文：114,479,860 元", "原文：124,479,860 元"


@pytest.fixture
def caching():
    cache.clear()
    with override_settings(PUBLIC_CACHE=True):
        yield
    cache.clear()


def publish_correction():
    """A new version of 普陀 2024 whose 合计 and 201 are 10,000,000 元 more."""
    rows = [["", "合计", "124479860", "100000000", "24479860"],
            ["201", "一般公共服务支出", "120979860", "100000000", "20979860"],
            ["208", "社会保障和就业支出", "3500000", "", "3500000"],
            ["205", "教育支出", "1", "", "1"]]
    data = {"document": {"year": 2024, "title": "更正", "summary_layout": 2024},
            "disclosures": [{"scope": "department", "code": "", "name": PUTUO_NAME, "tables": {
                "expenditure_by_function": {"unit": "元", "columns": ["total", "basic", "project"],
                                            "rows": rows, "pages": [3, 3, 3, 3]}}}]}
    [draft] = disclosures_store(data=data, region=region_get_or_create_path(PUTUO))
    return disclosure_publish(disclosure=draft)


def test_a_published_correction_shows_at_once_on_the_cached_page(client, caching,
                                                                  yuan_department):
    url = yuan_department.get_absolute_url()
    first = client.get(url)
    assert OLD in first.content.decode() and "X-Public-Cache" not in first
    again = client.get(url)
    assert again["X-Public-Cache"] == "hit"  # served from the cache…
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]

    publish_correction()
    after = client.get(url)
    assert "X-Public-Cache" not in after  # …until the correction is published
    assert NEW in after.content.decode() and OLD not in after.content.decode()


def test_a_published_correction_shows_at_once_in_the_lines_csv(client, caching,
                                                               yuan_department):
    def csv():
        response = client.get("/downloads/lines.csv")
        assert response.status_code == 200 and response.streaming
        return response, b"".join(response.streaming_content).decode("utf-8-sig")

    response, before = csv()
    assert ",114479860," in before
    publish_correction()
    after_response, after = csv()
    assert ",124479860," in after and ",114479860," not in after
    assert after_response["ETag"] != response["ETag"]


def test_a_client_holding_the_current_etag_gets_304_until_something_is_published(
        client, caching, yuan_department):
    url = "/downloads/lines.csv"
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    publish_correction()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200


def test_the_directory_filter_choices_follow_a_publication(client, caching, yuan_department):
    assert 'value="205"' not in client.get("/departments/").content.decode()
    assert 'value="205"' not in client.get("/departments/?q=x").content.decode()  # memoised
    publish_correction()
    assert 'value="205"' in client.get("/departments/?q=y").content.decode()


def test_drafts_do_not_invalidate_and_staff_pages_are_not_cached(client, caching,
                                                                 yuan_department,
                                                                 staff_user):
    url = yuan_department.get_absolute_url()
    client.get(url)
    data = {"document": {"year": 2024, "title": "草稿", "summary_layout": 2024},
            "disclosures": [{"scope": "department", "code": "", "name": PUTUO_NAME, "tables": {}}]}
    disclosures_store(data=data, region=region_get_or_create_path(PUTUO))
    assert client.get(url)["X-Public-Cache"] == "hit"
    client.force_login(staff_user)
    assert "X-Public-Cache" not in client.get(url)
