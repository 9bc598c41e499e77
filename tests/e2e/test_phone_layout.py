"""The public pages on a 390 × 844 phone: nothing wider than the screen (wide tables scroll in
their own box), names not wrapped two characters a line, findings as readable cards, the
ranking chart's bars not squeezed out by long names."""


import pytest

from tests.budgets.test_pages_department import GAOXIN_SLUG, url

pytestmark = pytest.mark.e2e

WIDTH = 390
K711 = "河北省-唐山市-芦台经济开发区:711:2024"
K106 = "河北省-唐山市-唐山高新技术产业开发区:106:2024"
K313 = "河北省-沧州市-沧州经济开发区:313:2024"
PAGES = {
    "home": "/",
    "department": url(GAOXIN_SLUG, "106"),
    "compare-2": f"/compare/?d={K711}&d={K106}",
    "compare-3": f"/compare/?d={K711}&d={K106}&d={K313}",
    "rankings": "/rankings/?year=2024&measure=function&code=208",
}


@pytest.fixture
def phone(published, live_server, browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, is_mobile=True,
                                  locale="zh-CN")
    page = context.new_page()

    def goto(path: str):
        page.goto(live_server.url + path, wait_until="networkidle")
        return page

    yield goto
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_page_is_wider_than_the_phone(phone, name):
    page = phone(PAGES[name])
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_line_names_keep_a_readable_width(phone):
    page = phone(PAGES["compare-3"])
    page.locator("#functions-table").scroll_into_view_if_needed()
    for selector in ("#functions-208 > th", "#overview-table tbody tr:first-child > th"):
        cell = page.locator(selector)
        assert cell.bounding_box()["width"] >= 110, selector  # 7+ characters a line, not 2
    page = phone(PAGES["department"])
    page.locator("#fn-table button[data-expand-all], [data-expand-all='fn-table']").click()
    assert page.locator("#fn-20801 > th").bounding_box()["width"] >= 110


def test_findings_are_cards_a_phone_can_read(phone):
    page = phone(PAGES["department"])
    rows = page.locator("#findings .findings-table tbody tr")
    assert rows.count() == 2
    for index in range(rows.count()):
        row = rows.nth(index)
        box = row.bounding_box()
        assert box["width"] <= WIDTH
        message = row.locator("td[data-label='说明']").bounding_box()
        assert message["width"] >= 0.8 * box["width"]  # the sentence spans the card


def test_ranking_bars_keep_most_of_the_chart(phone):
    page = phone(PAGES["rankings"])
    plot = page.locator("#chart-ranking .nsewdrag")
    plot.wait_for(timeout=20_000)
    chart = page.locator("#chart-ranking").bounding_box()
    assert plot.bounding_box()["width"] >= 0.45 * chart["width"]
