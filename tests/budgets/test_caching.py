"""Public pages and downloads are cached, and a published correction is visible at once."""

from budgets.services import (
    department_merge,
    disclosure_publish,
    disclosures_store,
    region_get_or_create_path,
)
from budgets.warming import warm_public_pages
from tests.budgets.conftest import PUTUO, PUTUO_NAME

OLD, NEW = "原文：114,479,860 元", "原文：124,479,860 元"


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


# --- pages of one department are keyed by that department (issue #11) -------------------------

def test_a_correction_of_one_department_keeps_the_cached_pages_of_the_others(
        client, caching, yuan_department, wan_department):
    putuo, xicheng = yuan_department.get_absolute_url(), wan_department.get_absolute_url()
    for url in (putuo, xicheng, "/en" + xicheng, "/", "/departments/"):
        client.get(url)
    cached = client.get(xicheng)
    assert cached["X-Public-Cache"] == "hit"
    assert "11,447.99" not in cached.content.decode()  # 西城's page shows nothing of 普陀

    publish_correction()
    still = client.get(xicheng)
    assert still["X-Public-Cache"] == "hit" and still.content == cached.content
    assert client.get("/en" + xicheng)["X-Public-Cache"] == "hit"
    assert client.get(xicheng, headers={"If-None-Match": cached["ETag"]}).status_code == 304
    corrected = client.get(putuo)
    assert "X-Public-Cache" not in corrected and NEW in corrected.content.decode()
    for url in ("/", "/departments/"):  # pages of every department show it at once
        page = client.get(url)
        assert "X-Public-Cache" not in page and "12,447.99" in page.content.decode()


REGION = ["河北省", "测试市"]
BUREAU = {"scope": "department", "code": "500", "name": "测试市财政局", "tables": {
    "expenditure_by_function": {"unit": "万元", "rows": [["", "合计", "100.00", "100.00", ""]]}}}
UNIT = {"scope": "unit", "code": "500001", "name": "测试市财政局机关服务中心", "tables": {
    "expenditure_by_function": {"unit": "万元", "rows": [["", "合计", "40.00", "40.00", ""]]}}}


def store(*items) -> list:
    data = {"document": {"year": 2024, "title": "测试", "summary_layout": 2024},
            "disclosures": list(items)}
    return disclosures_store(data=data, region=region_get_or_create_path(REGION))


def test_a_units_publication_changes_its_departments_page_and_the_reverse(client, caching, db):
    [bureau] = store(BUREAU)
    disclosure_publish(disclosure=bureau)
    url = bureau.get_absolute_url()
    client.get(url)
    bureau_draft, unit = store(BUREAU, UNIT)  # drafts, and a new unit record: nothing public
    assert client.get(url)["X-Public-Cache"] == "hit"

    disclosure_publish(disclosure=unit)
    page = client.get(url)
    assert "X-Public-Cache" not in page and UNIT["name"] in page.content.decode()
    unit_url = unit.get_absolute_url()
    client.get(unit_url)
    disclosure_publish(disclosure=bureau_draft)  # a new version of the department…
    assert "X-Public-Cache" not in client.get(unit_url)  # …which the unit's page links to


def test_merging_departments_changes_the_pages_of_the_units_moved(client, caching, db):
    [bureau] = store(BUREAU)
    disclosure_publish(disclosure=bureau)
    _, unit = store({**BUREAU, "code": "", "name": "测试市财政厅"}, UNIT)  # a second record
    disclosure_publish(disclosure=unit)
    url = unit.get_absolute_url()
    assert "主管部门：测试市财政厅" in client.get(url).content.decode()
    department_merge(keep=bureau.department, merge=unit.department.parent)
    page = client.get(url).content.decode()
    assert 'class="parent-link"' in page and "测试市财政厅" not in page


def test_renaming_a_department_changes_its_pages_and_no_other(client, caching, yuan_department,
                                                              wan_department):
    putuo, xicheng = yuan_department.get_absolute_url(), wan_department.get_absolute_url()
    client.get(putuo), client.get(xicheng)
    department = yuan_department.department
    department.name = "上海市普陀区商务局"
    department.save()
    page = client.get(putuo)
    assert "X-Public-Cache" not in page and "上海市普陀区商务局" in page.content.decode()
    assert client.get(xicheng)["X-Public-Cache"] == "hit"


def test_renaming_a_region_changes_the_pages_of_its_departments(client, caching, yuan_department,
                                                                 wan_department):
    putuo, xicheng = yuan_department.get_absolute_url(), wan_department.get_absolute_url()
    client.get(putuo), client.get(xicheng)
    shanghai = yuan_department.department.region.parent
    shanghai.name = "上海"
    shanghai.save()
    page = client.get(putuo)
    assert "X-Public-Cache" not in page and "上海 › 普陀区" in page.content.decode()
    assert client.get(xicheng)["X-Public-Cache"] == "hit"


def test_warming_after_a_publication_caches_the_pages_it_changed(client, caching,
                                                                 yuan_department):
    correction = publish_correction()
    paths = warm_public_pages([correction.pk])
    assert paths == {correction.get_absolute_url(): 200, "/": 200, "/departments/": 200,
                     "/rankings/": 200}
    for path in paths:
        page = client.get(path)
        assert page["X-Public-Cache"] == "hit", path
    assert NEW in client.get(correction.get_absolute_url()).content.decode()


def test_warming_does_nothing_while_the_public_cache_is_off(client, yuan_department):
    assert warm_public_pages([yuan_department.pk]) == {}
