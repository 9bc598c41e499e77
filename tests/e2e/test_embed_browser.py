"""An embedded chart in a real browser: a page of another site frames the embed URL and the
chart draws; the same site framing the department page itself is refused."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from playwright.sync_api import expect

from tests.budgets.test_pages_department import LUTAI_SLUG, url

pytestmark = pytest.mark.e2e


@pytest.fixture
def other_site():
    """Serve one HTML page from another origin (its own port on the loopback): a real server,
    as Chromium refuses a page it cannot place on the local network framing a local address.
    Yields a function that sets the page and returns its URL."""
    page = {"html": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page["html"])

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html: str) -> str:
        page["html"] = html.encode()
        return f"http://127.0.0.1:{server.server_port}/news.html"

    try:
        yield serve
    finally:
        server.shutdown()
        server.server_close()


def test_embed_chart_draws_inside_another_sites_iframe(published, live_server, browser,
                                                       other_site):
    department = live_server.url + url(LUTAI_SLUG, "711", 2024)
    embed = department + "embed/expenditure_by_function/"
    html = (f'<!doctype html><title>news</title><iframe id="chart" src="{embed}" width="640"'
            f' height="460"></iframe><iframe id="page" src="{department}"></iframe>')
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(other_site(html))
        chart = page.frame_locator("#chart").locator("#chart-functions")
        expect(chart.locator(".sunburstlayer path").first).to_be_attached(timeout=20_000)
        assert chart.get_attribute("data-rendered") == "true"
        expect(page.frame_locator("#chart").locator(".embed-source a")).to_have_attribute(
            "href", department)
        # The department page itself refuses to be framed (X-Frame-Options / frame-ancestors).
        page.wait_for_timeout(1000)
        framed = page.frame(url=department)
        assert framed is None or framed.locator("h1").count() == 0
    finally:
        context.close()
