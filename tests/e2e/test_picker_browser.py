"""The subject picker of the rankings page in a real browser: type a name, pick the subject it
narrows to, rank, and see departments ranked under that subject's name."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

GAOXIN = "唐山高新技术产业开发区人力资源和社会保障局"


def test_type_a_name_pick_it_and_see_the_ranking(browser, live_server, sample_data):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/rankings/")
    page.select_option("#id_measure", "function")
    search = page.locator("#id_code-filter")
    expect(search).to_be_visible()
    search.fill("被征地")
    visible = page.locator("#id_code option:not([hidden])")
    expect(visible).to_have_count(1)
    expect(visible.first).to_contain_text("2120805 补助被征地农民支出")
    page.select_option("#id_code", "2120805")
    page.get_by_role("button", name="排名").click()
    expect(page.locator("#ranking-heading")).to_have_text("按2120805 补助被征地农民支出排名")
    expect(page.locator("table.data-table")).to_contain_text(GAOXIN)
    assert errors == []
