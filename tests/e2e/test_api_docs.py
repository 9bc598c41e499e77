"""The API's browsable page: Swagger UI from the portal's own static files draws every
operation of /api/schema/ under the portal's Content-Security-Policy, and a call from it works."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_swagger_ui_lists_the_operations_and_tries_one(browser, live_server, sample_data):
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((live_server.url, "data:")) else None)
    page.goto(f"{live_server.url}/api/docs/")
    lines = page.locator(".opblock-summary-path", has_text="/api/lines/").first
    expect(lines).to_be_visible(timeout=15000)
    assert page.locator(".opblock").count() >= 18
    lines.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".responses-wrapper .live-responses-table")).to_contain_text(
        "amount_yuan", timeout=15000)
    assert problems == [] and outside == []
