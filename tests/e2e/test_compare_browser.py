"""The comparison page in a real browser: the picker builds a comparison, the shared URL
rebuilds the same table, the grouped bars draw under the CSP, and the CSV downloads."""

import csv
import io
import os

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
K711 = "河北省-唐山市-芦台经济开发区:711:2024"
K106 = "河北省-唐山市-唐山高新技术产业开发区:106:2024"


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def async_unsafe(monkeypatch):
    """Playwright's sync API keeps an event loop running in the test thread; Django refuses
    database access there unless told otherwise. Set for this test only, so the variable does
    not leak into other tests (`manage.py check --deploy` rejects it)."""
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_picker_shared_url_and_csv(async_unsafe, published, live_server, chromium,
                                   tmp_path):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # (restored by the fixture)
    context = chromium.new_context(accept_downloads=True, locale="zh-CN",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # any console error or warning (a CSP refusal of a script or style …) is a failure
    page.on("console", lambda m: problems.append(m.text)
            if m.type in ("error", "warning") else None)
    try:
        page.goto(live_server.url + "/compare/")
        picker = page.locator("#picker-q")
        expect(picker).to_have_attribute("role", "combobox")

        # 1. type, then click a suggestion
        picker.press_sequentially("芦台 群工部", delay=30)
        option = page.locator("#picker-suggestions [role=option]").first
        expect(option).to_contain_text("河北唐山芦台经济开发区群工部")
        with page.expect_navigation():
            option.click()
        expect(page.locator(".compare-items li")).to_have_count(1)

        # 2. type, then choose with the keyboard
        picker = page.locator("#picker-q")
        picker.press_sequentially("高新区 人社局", delay=30)
        expect(page.locator("#picker-suggestions [role=option]").first).to_contain_text(
            "唐山高新技术产业开发区人力资源和社会保障局")
        picker.press("ArrowDown")
        with page.expect_navigation():
            picker.press("Enter")
        expect(page.locator(".compare-items li")).to_have_count(2)
        assert "q=" not in page.url

        overview = page.locator("#overview-table")
        expect(overview).to_contain_text("196.76")
        expect(overview).to_contain_text("9,679.70")
        expect(overview).to_contain_text("+9,482.94")
        expect(page.locator(".compare-notices")).to_contain_text("数据核对发现 2 处不一致")
        chart = page.locator("#chart-overview")
        expect(chart.locator("svg.main-svg").first).to_be_attached(timeout=20_000)
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator(".barlayer .point").first).to_be_attached()
        table_text = overview.inner_text()
        functions_text = page.locator("#functions-table").inner_text()

        # 3. the shared URL rebuilds the same comparison
        shared = page.locator("a.share-link").get_attribute("href")
        page.goto(shared)
        expect(page.locator(".compare-items li")).to_have_count(2)
        assert page.locator("#overview-table").inner_text() == table_text
        assert page.locator("#functions-table").inner_text() == functions_text

        # 4. drill down: 208's 款 are hidden until it is expanded
        toggle = page.locator("#functions-208 button.toggle")
        expect(page.locator("#functions-20805")).to_be_hidden()
        toggle.click()
        expect(page.locator("#functions-20805")).to_be_visible()
        expect(page.locator("#functions-20805")).to_contain_text("182.33")

        # 5. the CSV
        with page.expect_download() as download_info:
            page.locator("a.csv-link").click()
        download = download_info.value
        assert download.suggested_filename == "budget-comparison.csv"
        with open(download.path(), encoding="utf-8") as handle:
            body = handle.read()
        assert body.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(body[1:])))
        total = [(r["disclosure_key"], r["amount"], r["difference"]) for r in rows
                 if r["section"] == "overview" and r["name"] == "支出合计"]
        assert total == [(K711, "196.76", ""), (K106, "9679.70", "9482.94")]
        assert problems == []
    except Exception:
        page.screenshot(path=str(tmp_path / "compare-failure.png"), full_page=True)
        raise
    finally:
        context.close()


def test_ranking_and_history_charts_draw_without_csp_errors(async_unsafe, published,
                                                            live_server, chromium, tmp_path):
    page = chromium.new_page(locale="zh-CN")
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text)
            if m.type in ("error", "warning") else None)
    try:
        page.goto(live_server.url + "/rankings/?measure=function&code=208")
        chart = page.locator("#chart-ranking")
        expect(chart).to_have_attribute("data-rendered", "true", timeout=20_000)
        expect(page.locator(".ranking-table tbody tr").first).to_contain_text("5,431.97")
        # the code box shows for a code measure only (progressive enhancement)
        expect(page.locator('[data-field="part"]')).to_be_hidden()
        page.locator("#id_measure").select_option("sangong")
        expect(page.locator('[data-field="part"]')).to_be_visible()
        expect(page.locator('[data-field="code"]')).to_be_hidden()

        page.goto(live_server.url + "/departments/河北省-唐山市-芦台经济开发区/711/history/")
        # one year published: a note pointing to the department page, no comparison tables
        page.locator("#one-year a").click()
        page.wait_for_url("**/711/2024/")
        expect(page.locator("#overview-table")).to_have_count(0)
        assert problems == []
    except Exception:
        page.screenshot(path=str(tmp_path / "ranking-failure.png"), full_page=True)
        raise
    finally:
        page.close()
