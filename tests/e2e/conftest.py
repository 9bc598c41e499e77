"""Browser tests: Playwright driving the Debian Chromium against pytest-django's live server.

They run with the rest of `make test`; select or skip them with `-m e2e` / `-m "not e2e"`.
"""

import os

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser tests (Playwright + Chromium, live server)")


@pytest.fixture
def browser(monkeypatch):
    """Headless Debian Chromium. Playwright's sync API runs an event loop in the test thread,
    so Django must be told that database access from it is fine — for this test only (a
    process-wide setting would leak into `manage.py check --deploy` and the like)."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def published(transactional_db):
    """The reference codes and the three sample disclosures, published and committed, so that
    the live server's threads see them."""
    with open(os.devnull, "w") as quiet:
        call_command("load_classifications", stdout=quiet)
        call_command("load_sample_data", stdout=quiet)
