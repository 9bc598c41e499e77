"""The department page in a real browser: the sunburst draws, a functional class expands,
the year switcher moves to 2023 and a table's CSV downloads with the document's figures."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.budgets.test_pages_department import LUTAI_SLUG, store_711, url

pytestmark = pytest.mark.e2e


@pytest.fixture
def published(published):
    """The sample disclosures plus a 2023 one for 711, committed so the live server sees them."""
    store_711(2023)


def test_department_page_charts_drill_down_year_switch_and_csv(published, live_server, browser,
                                                                tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900},
                                  locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type in ("error", "warning") else None)
    try:
        response = page.goto(live_server.url + url(LUTAI_SLUG, "711", 2024))
        assert "style-src 'self'" in response.headers.get("content-security-policy", "")
        expect(page.locator("h1")).to_contain_text("河北唐山芦台经济开发区群工部")

        # plotly (served from our own static files) drew the sunburst as SVG
        sunburst = page.locator("#chart-functions")
        expect(sunburst.locator("svg.main-svg").first).to_be_attached(timeout=20_000)
        expect(sunburst.locator(".sunburstlayer path").first).to_be_attached()
        assert sunburst.get_attribute("data-rendered") == "true"
        expect(page.locator("#chart-economic .treemaplayer path").first).to_be_attached()

        # 类 rows start collapsed; expanding 201 shows its 款 but not yet its 项
        toggle = page.locator("#fn-201 button.toggle")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.locator("#fn-20129")).to_be_hidden()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#fn-20129")).to_be_visible()
        expect(page.locator("#fn-2012901")).to_be_hidden()
        page.locator("#fn-20129 button.toggle").click()
        expect(page.locator("#fn-2012901")).to_be_visible()
        expect(page.locator("#fn-2012901")).to_contain_text("118.22")
        toggle.click()  # collapsing the 类 hides every row below it
        expect(page.locator("#fn-2012901")).to_be_hidden()

        # the functional table's CSV downloads with the document's figures
        with page.expect_download() as info:
            page.locator("#functions a.csv-link").click()
        download = info.value
        assert download.suggested_filename == "711-2024-expenditure_by_function.csv"
        raw = Path(download.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        row = next(r for r in rows if r["code"] == "2012901" and r["column"] == "total")
        assert (row["name"], row["amount"]) == ("行政运行", "118.22")

        # the year switcher goes to 2023, where the totals are the previous year's
        expect(page.locator("#headline-expenditure")).to_contain_text("+7.70")
        page.locator('nav.year-switcher a:text("2023年")').click()
        page.wait_for_url("**/711/2023/")
        expect(page.locator("h1")).to_contain_text("2023年部门预算")
        expect(page.locator("#headline-expenditure")).to_contain_text("189.06")
        expect(page.locator('nav.year-switcher a[aria-current="page"]')).to_have_text("2023年")
        assert errors == []
    except Exception:
        page.screenshot(path=str(tmp_path / "department-page-failure.png"), full_page=True)
        raise
    finally:
        context.close()


def test_department_page_fits_a_phone(published, live_server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + url("河北省-唐山市-唐山高新技术产业开发区", "106", 2024))
        expect(page.locator("#chart-functions svg.main-svg").first).to_be_attached(timeout=20_000)
        # nothing but the scrollable tables is wider than the screen
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 375 + 1
        expect(page.locator("#headline-sangong")).to_contain_text("6.00")
    except Exception:
        page.screenshot(path=str(tmp_path / "phone-failure.png"), full_page=True)
        raise
    finally:
        context.close()
