"""The department page's sunburst and treemap hover each 类 and 款 with the figure its table row
shows (the charts once hovered every parent as "0.00 万元")."""


import pytest

from tests.budgets.test_pages_department import GAOXIN_SLUG, url

pytestmark = pytest.mark.e2e

# The slice's label (shown inside when large enough) or, failing that, its shape: the point to
# put the mouse on.
SLICE_CENTRE = """([chart, id]) => {
  const slice = Array.from(document.querySelectorAll('#' + chart + ' g.slice'))
    .find(g => g.__data__ && g.__data__.data.data.id === id);
  if (!slice) return null;
  const text = slice.querySelector('text');
  const box = (text && text.getBBox().width ? text : slice.querySelector('path'))
    .getBoundingClientRect();
  return {x: box.x + box.width / 2, y: box.y + box.height / 2};
}"""


def hover_text(page, chart: str, code: str) -> str:
    page.locator(f"#{chart}").scroll_into_view_if_needed()
    point = page.evaluate(SLICE_CENTRE, [chart, code])
    assert point, f"{code} is not drawn in {chart}"
    page.mouse.move(point["x"], point["y"])
    label = page.locator(f"#{chart} .hoverlayer .hovertext")
    label.wait_for(timeout=5_000)
    text = label.text_content()
    page.mouse.move(1, 1)
    return text


def table_total(page, row_id: str) -> str:
    """The row's 合计 cell as the table shows it (合计 is the table's first amount column)."""
    headers = page.locator(f"#{row_id}").locator("xpath=ancestor::table//thead//th")
    column = headers.all_inner_texts().index("合计")
    return page.locator(f"#{row_id} > *").nth(column).inner_text().strip()


def test_sunburst_and_treemap_hover_each_line_with_its_table_total(published, live_server,
                                                                    browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(live_server.url + url(GAOXIN_SLUG, "106"))
        page.locator("#chart-functions .sunburstlayer path").first.wait_for(timeout=20_000)
        page.locator("#chart-economic .treemaplayer path").first.wait_for(timeout=20_000)
        for chart, prefix, code in (("chart-functions", "fn", "208"),    # a 类
                                    ("chart-functions", "fn", "20801"),  # a 款
                                    ("chart-economic", "ec", "301"),
                                    ("chart-economic", "ec", "30101")):
            shown = table_total(page, f"{prefix}-{code}")
            assert shown not in ("", "—", "0.00")
            text = hover_text(page, chart, code)
            assert code in text
            assert f"{shown} 万元" in text, (code, text)
    finally:
        context.close()
