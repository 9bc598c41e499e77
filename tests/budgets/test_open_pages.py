"""Issue #12: data-quality pages, share images and embeds, the data dictionary, English UI."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.utils import translation
from PIL import Image

from budgets.models import Disclosure
from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path

REGION = ["河北省", "唐山市", "测试区"]


def _store(name: str, code: str, rows: list, year: int = 2024, publish: bool = True,
           extra_tables: dict | None = None) -> Disclosure:
    item = {"scope": "department", "code": code, "name": name, "tables": {
        "expenditure_by_function": {"unit": "万元", "columns": ["total"], "rows": rows,
                                    "pages": [3] * len(rows)},
        **(extra_tables or {}),
    }}
    data = {"document": {"year": year, "title": f"{name}{year}年部门预算", "summary_layout": 2024},
            "disclosures": [item]}
    [disclosure] = disclosures_store(data=data, region=region_get_or_create_path(REGION))
    if publish:
        disclosure_publish(disclosure=disclosure)
    return disclosure


# 合计 = 201 + 208 holds (100 = 60 + 40); 208 ≠ 20805 (40 against 30) fails: 2 checks, 1 failed.
ONE_FAILURE = [["", "合计", "100.00"], ["201", "一般公共服务支出", "60.00"],
               ["208", "社会保障和就业支出", "40.00"], ["20805", "行政事业单位养老支出", "30.00"]]
# Every sum holds: 合计 = 201 + 208, 208 = 20805.
CLEAN = [["", "合计", "100.00"], ["201", "一般公共服务支出", "60.00"],
         ["208", "社会保障和就业支出", "40.00"], ["20805", "行政事业单位养老支出", "40.00"]]


@pytest.fixture(autouse=True)
def _empty_cache_and_chinese():
    cache.clear()
    yield
    # A request to /en/ leaves English active in this thread (LocaleMiddleware does not reset
    # it); later tests reverse URLs in the default language.
    translation.deactivate()


@pytest.fixture
def failing(db):
    return _store("测试区财政局", "501", ONE_FAILURE)


@pytest.fixture
def clean(db):
    return _store("测试区教育局", "502", CLEAN)


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _cells(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]


# --- data quality ---------------------------------------------------------------------------

def test_quality_page_counts_checks_passed_and_failed(client, failing):
    html = _text(client.get(failing.get_absolute_url() + "quality/"))
    assert re.search(r'id="quality-checks"><dt>[^<]+</dt><dd>2 项', html)
    assert re.search(r'id="quality-passed"><dt>[^<]+</dt><dd>1 项（50.0%）', html)
    assert re.search(r'id="quality-failed"><dt>[^<]+</dt><dd>1 项', html)
    [header, row] = _cells(html, "identities-table")
    assert "20805" in row[0] or "208" in row[0]
    assert row[2] == "原文第 3 页"
    # The link goes to the table on the department page.
    assert f'href="{failing.get_absolute_url()}#printed-expenditure_by_function"' in html


def test_quality_page_lists_reading_findings_and_404s_for_drafts(client, failing):
    failing.findings.create(rule="reading", table="expenditure_by_function",
                            message="栏目“备注”未能识别", page=4)
    html = _text(client.get(failing.get_absolute_url() + "quality/"))
    [_, row] = _cells(html, "reading-table")
    assert row[1] == "栏目“备注”未能识别" and row[2] == "原文第 4 页"
    draft = _store("测试区卫健委", "503", CLEAN, publish=False)
    url = failing.get_absolute_url().replace("/501/", "/503/") + "quality/"
    assert draft.status == "draft"
    assert client.get(url).status_code == 404


def test_overview_sorts_by_failures_and_by_share(client, failing, clean):
    html = _text(client.get("/quality/"))
    rows = _cells(html, "quality-table")[1:]
    assert [r[1] for r in rows] == ["测试区财政局", "测试区教育局"]
    assert rows[0][3:6] == ["2", "50.0%", "1"] and rows[1][3:6] == ["2", "100.0%", "0"]
    ascending = _cells(_text(client.get("/quality/?sort=share")), "quality-table")[1:]
    assert [r[1] for r in ascending] == ["测试区财政局", "测试区教育局"]
    descending = _cells(_text(client.get("/quality/?sort=-share")), "quality-table")[1:]
    assert [r[1] for r in descending] == ["测试区教育局", "测试区财政局"]
    [_, group] = _cells(html, "quality-groups-table")
    assert group[:6] == ["河北省 › 唐山市 › 测试区", "2024年", "2", "4", "75.0%", "1"]


def test_overview_filters_by_year_and_shows_published_versions_only(client, failing, clean):
    _store("测试区财政局", "501", CLEAN, year=2025, publish=False)
    rows = _cells(_text(client.get("/quality/?year=2024")), "quality-table")[1:]
    assert len(rows) == 2
    assert all(r[2] == "2024年" for r in rows)


def test_department_page_and_footer_link_to_quality(client, failing):
    html = _text(client.get(failing.get_absolute_url()))
    assert f'href="{failing.get_absolute_url()}quality/"' in html
    assert 'href="/quality/"' in html and 'href="/data-dictionary/"' in html


# --- share and embed --------------------------------------------------------------------------

def _meta(html: str) -> dict:
    return dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"',
                           html))


def test_department_page_has_og_metadata_with_a_chart_image(client, failing):
    meta = _meta(_text(client.get(failing.get_absolute_url())))
    assert meta["og:title"] == "测试区财政局 2024年部门预算"
    assert "100.00 万元" in meta["og:description"]
    assert meta["og:url"] == "http://testserver" + failing.get_absolute_url()
    assert meta["twitter:card"] == "summary_large_image"
    image = client.get(meta["og:image"].removeprefix("http://testserver"))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (1200, 630)


def test_share_image_url_changes_with_a_new_version(client, failing):
    before = _meta(_text(client.get(failing.get_absolute_url())))["og:image"]
    newer = _store("测试区财政局", "501", CLEAN)
    after = _meta(_text(client.get(newer.get_absolute_url())))["og:image"]
    assert before != after and after.endswith(f"/v{newer.version}/share.png")
    assert client.get(before.removeprefix("http://testserver")).status_code == 200


def test_comparison_page_has_og_metadata(client, failing, clean):
    from budgets.comparisons import disclosure_key
    keys = [disclosure_key(failing), disclosure_key(clean)]
    html = _text(client.get("/compare/", {"d": keys}))
    meta = _meta(html)
    assert "测试区财政局" in meta["og:title"] and "测试区教育局" in meta["og:title"]
    image = client.get(meta["og:image"].replace("&amp;", "&").removeprefix("http://testserver"))
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.content)).format == "PNG"


def test_embed_route_alone_may_be_framed(client, failing):
    embed = client.get(failing.get_absolute_url() + "embed/expenditure_by_function/")
    html = _text(embed)
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in embed["Content-Security-Policy"]
    assert 'data-chart="sunburst"' in html and "site-header" not in html
    assert f'{failing.get_absolute_url()}"' in html  # the link back
    page = client.get(failing.get_absolute_url())
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert client.get(failing.get_absolute_url() + "embed/nothing/").status_code == 404


def test_department_page_offers_iframe_snippets(client, failing):
    html = _text(client.get(failing.get_absolute_url()))
    snippet = re.search(r'id="embed-code-expenditure_by_function"[^>]*>([^<]+)</textarea>', html)
    assert snippet
    code = snippet.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    src = re.search(r'<iframe src="([^"]+)"', code).group(1)
    assert src == f"http://testserver{failing.get_absolute_url()}embed/expenditure_by_function/"


# --- data dictionary ----------------------------------------------------------------------------

def _header(response) -> list[str]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(body)))


def test_dictionary_explains_every_column_the_downloads_write(client, failing, clean):
    from budgets.comparisons import disclosure_key
    page = _text(client.get("/data-dictionary/"))
    documented = set(re.findall(r'<th scope="row"><code>([^<]+)</code></th><td>([^<]+)</td>', page))
    names = {name for name, text in documented if text.strip() and text != "（未说明）"}
    url = failing.get_absolute_url()
    downloads = [client.get("/downloads/lines.csv"), client.get("/downloads/indicators.csv"),
                 client.get(url + "tables/expenditure_by_function.csv"),
                 client.get("/compare/comparison.csv",
                            {"d": [disclosure_key(failing), disclosure_key(clean)]}),
                 client.get("/rankings/ranking.csv")]
    for response in downloads:
        assert response.status_code == 200
        header = _header(response)
        assert header and not set(header) - names, set(header) - names


def test_dictionary_lists_table_column_and_classification_codes(client, sample_data):
    page = _text(client.get("/data-dictionary/"))
    for code in ("expenditure_by_function", "sangong", "procurement", "revenue_total",
                 "vehicle_operation", "2012901", "30101"):
        assert f"<code>{code}</code>" in page, code


# --- English UI -------------------------------------------------------------------------------

def test_chinese_by_default_even_for_english_browsers(client, failing):
    html = _text(client.get(failing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert ">部门目录</a>" in html and '<html lang="zh-Hans">' in html
    assert ">Departments</a>" not in html


def test_english_nav_and_column_names_under_en(client, wan_department):
    html = _text(client.get("/en" + wan_department.get_absolute_url()))
    assert '<html lang="en">' in html
    nav = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert ">Departments</a>" in nav and ">Data quality</a>" in nav
    assert ">部门目录</a>" not in nav
    assert ">Basic expenditure</th>" in html and ">Government procurement</th>" in html
    # A column the reader did not understand keeps its printed header.
    assert ">备注金额</th>" in html


def test_language_switch_links_both_ways(client, failing):
    url = failing.get_absolute_url()
    chinese = _text(client.get(url))
    assert f'href="/en{url}" hreflang="en"' in chinese
    english = _text(client.get("/en" + url))
    assert f'href="{url}" hreflang="zh-hans"' in english
