"""Screenshots of the public pages at 1280 px and 390 px wide, into docs/screenshots/.

    make screenshots            # or: .venv/bin/python scripts/screenshots.py [--out DIR]

Reads the three sample PDFs into a temporary SQLite database (as `make sample-data` does),
starts the development server on a free port and drives Debian's Chromium with Playwright.
Nothing outside the temporary directory and the output folder is touched.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SAMPLES = [
    ("luotai_711_2024.pdf", "河北省/唐山市/芦台经济开发区"),
    ("gaoxin_106_2024.pdf", "河北省/唐山市/唐山高新技术产业开发区"),
    ("cangzhou_313_2024.pdf", "河北省/沧州市/沧州经济开发区"),
]
K711 = "河北省-唐山市-芦台经济开发区:711:2024"
K106 = "河北省-唐山市-唐山高新技术产业开发区:106:2024"
K313 = "河北省-沧州市-沧州经济开发区:313:2024"
PAGES = [
    ("home", "/"),
    ("department", "/departments/河北省-唐山市-唐山高新技术产业开发区/106/2024/"),
    ("compare", f"/compare/?d={K711}&d={K106}&d={K313}"),
    ("rankings", "/rankings/?year=2024&measure=function&code=208"),
]
MAX_HEIGHT = 6000
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def shoot(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        for device, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height},
                                          locale="zh-CN", is_mobile=device == "phone",
                                          device_scale_factor=1)
            page = context.new_page()
            for name, path in PAGES:
                page.goto(base + path, wait_until="networkidle")
                if page.locator("[data-chart], [data-compare-chart]").count():
                    page.wait_for_selector(".main-svg", timeout=20_000)
                target = out / f"{name}-{width}.png"
                # the department page is ~20,000 px long: its top (headlines, charts, tables)
                # shows the layout; the rest would only make the files heavy
                height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
                page.screenshot(path=str(target), full_page=True,
                                clip={"x": 0, "y": 0, "width": width, "height": height})
                written.append(target)
            context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
               "MEDIA_ROOT": f"{tmp}/media", "DJANGO_DEBUG": "1", "INGEST_QUEUE": "immediate"}
        manage(env, "migrate", "--noinput")
        manage(env, "load_classifications")
        for name, region in SAMPLES:
            manage(env, "ingest", f"samples/{name}", "--publish", "--region", region)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/")
            for path in shoot(base, args.out):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
