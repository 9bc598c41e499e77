"""A bureau user's whole day in a real browser: log in, upload a PDF, watch it being read by the
django-tasks database worker, review it beside its source pages, publish (confirming what
changes), and find the new figures on the public page and in its CSV.

The worker is django-tasks' own `db_worker` loop, run in a thread of this process against the
live server's test database (a file on SQLite, see portal/settings.py).
"""

import csv
import io
import threading
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect, sync_playwright

from budgets.models import Disclosure
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.ingest.staff_fixtures import (
    LUOTAI,
    PASSWORD,
    bureau_user,
    render,
    sample,
    with_changed_amount,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def db_worker(transactional_db):
    """django-tasks' database worker (the loop of `manage.py db_worker`) in a thread."""
    worker = Worker(queue_names=["default"], interval=0.2, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="e2e-worker",
                    excluded_queue_names=[])

    def run():
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=30)


def test_bureau_user_uploads_reviews_publishes_and_the_public_sees_it(
        published, live_server, db_worker, django_user_model, settings, tmp_path):
    settings.INGEST_QUEUE = "tasks"
    settings.MEDIA_ROOT = tmp_path / "media"
    bureau_user(django_user_model, "luotai", LUOTAI)
    data = with_changed_amount(sample("luotai_711_2024"), "summary", "general_budget", "206.76")
    pdf = render(data, "pdf", tmp_path / "芦台群工部2024年预算公开（修订）.pdf")
    public_url = Disclosure.objects.published().get(department__code="711", year=2024
                                                    ).get_absolute_url()

    # No ORM calls while Playwright runs: its event loop gives this thread another database
    # connection, which would outlive the test. The database is checked afterwards.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            csv_text, staff_csp = browse(browser, live_server.url, pdf, public_url, tmp_path)
        finally:
            browser.close()

    assert not staff_csp, staff_csp
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    total = [r for r in rows if r["table"] == "summary" and r["code"] == "general_budget"]
    assert [r["amount"] for r in total] == ["206.76"]
    new = Disclosure.objects.published().get(department__code="711", year=2024)
    assert new.document.original_name == pdf.name and new.version == 2
    assert new.published_by.username == "luotai"
    old = Disclosure.objects.get(department__code="711", year=2024, version=1)
    assert old.status == Disclosure.Status.SUPERSEDED and old.superseded_by.username == "luotai"


def browse(browser, base: str, pdf: Path, public_url: str, tmp_path: Path) -> tuple[str, list]:
    """The user's clicks; returns the downloaded CSV and any CSP complaint on a staff page."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900},
                                  locale="zh-CN")
    page = context.new_page()
    csp_errors, progress = [], []
    page.on("console", lambda m: csp_errors.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: progress.append(r.url) if "progress.json" in r.url else None)
    try:
        page.goto(base + "/staff/")
        expect(page.locator("h1")).to_have_text("工作人员登录")
        page.get_by_label("用户名").fill("luotai")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.locator("h1")).to_have_text("工作台")

        page.get_by_role("link", name="上传预算公开文件").click()
        page.get_by_label("地区/预算级次").select_option(label="河北省 › 唐山市 › 芦台经济开发区")
        page.get_by_label("文件（PDF、DOCX 或 XLSX，可多选）").set_input_files(str(pdf))
        page.get_by_label("预算年度（可选）").fill("2024")
        page.get_by_role("button", name="上传并读取").click()

        expect(page.locator("h1")).to_have_text(pdf.name)
        expect(page.locator(".progress-text")).to_have_text("读取完成，待审核", timeout=90_000)
        assert progress, "the progress page never polled its JSON endpoint"

        page.get_by_role("link", name="去审核").click()
        expect(page.locator("h1")).to_contain_text("审核")
        expect(page.locator(".comparison-summary")).to_contain_text("变动 1 项")
        summary = page.locator("section.review-table").first
        expect(summary).to_contain_text("部门预算收支总表")
        expect(summary).to_contain_text("206.76")
        image = summary.locator(".review-source img").first
        image.scroll_into_view_if_needed()
        expect(image).to_have_attribute("alt", "原文件第 1 页")
        page.wait_for_function("img => img.complete && img.naturalWidth > 800",
                               arg=image.element_handle())

        # Publishing asks first, with what changes (issue #10), and only the second click does it.
        page.get_by_role("button", name="公开", exact=True).click()
        expect(page.locator("h1")).to_contain_text("确认公开")
        expect(page.locator(".comparison-summary")).to_contain_text("变动 1 项")
        expect(page.locator("table.changes")).to_contain_text("206.76 万元")
        page.get_by_role("button", name="确认公开").click()
        expect(page.locator(".messages")).to_contain_text("已公开")
        expect(page.locator(".review-disclosure .status").first).to_have_text("已公开")

        page.get_by_role("link", name="查看公开页面").first.click()
        page.wait_for_url(base + public_url)
        expect(page.locator("body")).to_contain_text("206.76")
        with page.expect_download() as download_info:
            page.locator("a.csv-link", has_text="下载全部金额").first.click()
        csv_text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
        return csv_text, [e for e in csp_errors if "/staff/" in e or "/accounts/" in e]
    except BaseException:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise
    finally:
        context.close()
