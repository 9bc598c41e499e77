"""Load test of the public pages through gunicorn (3 workers, DJANGO_DEBUG=0) with wrk.

    .venv/bin/python bench/pages.py --disclosures 5000            # generate (once), then measure
    .venv/bin/python bench/pages.py --disclosures 50000 --seconds 10 --cache off
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/other .venv/bin/python bench/pages.py …

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/portal_scale (created and migrated
when missing); `generate_corpus --disclosures N --seed 1` runs first (it adds only what is
missing, so 5,000 then 50,000 grows one database). For each case (department page, directory
search, comparison of 10, ranking of every department of a year, a region's lines CSV) and each
number of concurrent clients, wrk (apt-get install wrk) requests paths drawn at random from a
list for --seconds; printed: p50/p95/p99 in ms, requests/s, errors. Then the full lines CSV
(every figure) once per client count 1 with its time and size, and the peak RSS of
`export_lines` for one year and for every year (flat when memory does not grow with rows).
The server caches in Redis (--cache-url, default redis://127.0.0.1:6379/15, emptied before
each server starts) as deployed. --cache chooses PUBLIC_CACHE of the server: off; on (each
page computed by its first request); warm (on, and every listed path requested once before it
is measured, as the cache holds the pages of a department after its publication is warmed:
budgets/warming.py); both = off + warm.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_scale"
PORT = 8765
sys.path.insert(0, str(BENCH))


def setup(url: str, disclosures: int) -> None:
    from compare import ensure_database, machine  # noqa: F401  (bench/compare.py)

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("generate_corpus", disclosures=disclosures, seed=1)
    print(f"generate_corpus --disclosures {disclosures}: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def path_lists(sample: int = 300) -> dict[str, list[str]]:
    from django.utils.encoding import iri_to_uri

    from budgets.comparisons import disclosure_key
    from budgets.corpus import DEPARTMENTS
    from budgets.models import Disclosure, Region

    rng = random.Random(1)
    published = Disclosure.objects.published()
    years = sorted(set(published.values_list("year", flat=True)))
    ids = list(published.values_list("pk", flat=True))
    chosen = published.filter(pk__in=rng.sample(ids, min(sample, len(ids)))) \
        .select_related("department__region")
    latest = list(published.filter(year=years[-1]).select_related("department__region")
                  .order_by("pk")[:400])
    counties = [r for r in Region.objects.all() if len(r.lineage()) == 3][:50]
    return {
        "department page": [iri_to_uri(d.get_absolute_url()) for d in chosen],
        "directory search": [iri_to_uri(f"/departments/?q={name}") for name in DEPARTMENTS],
        "comparison of 10": ["/compare/?" + "&".join(
            "d=" + iri_to_uri(disclosure_key(d)) for d in rng.sample(latest, 10))
            for _ in range(30)],
        "ranking, all departments of a year": [f"/rankings/?year={y}" for y in years],
        "lines CSV of a county": [iri_to_uri(f"/downloads/lines.csv?region={r.slug}")
                                  for r in counties],
    }


def start_server(cache: bool, static_root: str, cache_url: str):
    """gunicorn as deployed: 3 workers sharing one Redis cache (emptied first)."""
    import redis

    redis.Redis.from_url(cache_url).flushdb()
    env = dict(os.environ, DJANGO_DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "x" * 40,
               ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0",
               PUBLIC_CACHE="1" if cache else "0", STATIC_ROOT=static_root, LOG_LEVEL="ERROR",
               CACHE_URL=cache_url)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "portal.wsgi:application", "--workers", "3", "--bind",
         f"127.0.0.1:{PORT}", "--timeout", "300", "--log-level", "error"],
        cwd=ROOT, env=env)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def wrk(paths: list[str], clients: int, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
    run = subprocess.run(
        ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds}s",
         "--timeout", "60s", "-s", str(BENCH / "load.lua"), f"http://127.0.0.1:{PORT}"],
        env=dict(os.environ, WRK_PATHS=f.name), capture_output=True, text=True, check=True)
    os.unlink(f.name)
    result = json.loads(re.search(r"^RESULT (.*)$", run.stdout, re.M).group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def warm(paths: list[str]) -> None:
    """Request every path once, so that the measured requests find the cache filled."""
    for path in paths:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=600) as response:
            response.read()


def full_csv() -> tuple[float, int]:
    started = time.perf_counter()
    size = 0
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/downloads/lines.csv", timeout=3600) as r:
        while chunk := r.read(1 << 20):
            size += len(chunk)
    return time.perf_counter() - started, size


def export_rss(year: int | None) -> tuple[float, int]:
    """Peak RSS (MB) and rows of `manage.py export_lines` to /dev/null."""
    args = ["/usr/bin/time", "-v", sys.executable, "manage.py", "export_lines", "--output",
            "/dev/null", *(["--year", str(year)] if year else [])]
    run = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    from budgets.models import Figure

    rows = Figure.objects.published().filter(**({"disclosure__year": year} if year else {}))
    return rss / 1024, rows.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disclosures", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--cache", choices=["on", "off", "warm", "both"], default="both")
    parser.add_argument("--skip-csv", action="store_true", help="no full CSV, no RSS")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/15",
                        help="the Redis database the server caches in (emptied first)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    setup(os.environ.get("DATABASE_URL", DEFAULT_URL), args.disclosures)
    from compare import machine

    from budgets.models import Disclosure, Figure
    print(machine())
    print(f"data: {Disclosure.objects.published().count()} published disclosures, "
          f"{Figure.objects.count()} figures; wrk {args.seconds} s per cell, gunicorn 3 workers")
    paths = path_lists()
    modes = {"both": ["off", "warm"]}.get(args.cache, [args.cache])
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    try:
        for mode in modes:
            server = start_server(mode != "off", static_root, args.cache_url)
            try:
                print(f"\nPUBLIC_CACHE={mode}")
                print(f"{'case':<36} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
                      f"{'req/s':>8} {'errors':>6}")
                for case, urls in paths.items():
                    if mode == "warm" and not case.startswith("lines CSV"):  # streamed: never stored
                        warm(urls)
                    for clients in args.clients:
                        r = wrk(urls, clients, args.seconds)
                        errors = r["socket_errors"] + r["status_errors"] + r["timeouts"]
                        print(f"{case:<36} {clients:>7} {r['p50'] / 1000:>8.1f} "
                              f"{r['p95'] / 1000:>8.1f} {r['p99'] / 1000:>8.1f} "
                              f"{r['rps']:>8.1f} {errors:>6}", flush=True)
                if not args.skip_csv:
                    seconds, size = full_csv()
                    print(f"full lines CSV (one client): {seconds:.1f} s, {size / 1e6:.0f} MB, "
                          f"{size / 1e6 / seconds:.1f} MB/s")
            finally:
                server.terminate()
                server.wait()
        if not args.skip_csv:
            year = max(Disclosure.objects.values_list("year", flat=True))
            for label, y in (("one year", year), ("every year", None)):
                rss, rows = export_rss(y)
                print(f"export_lines peak RSS, {label}: {rss:.0f} MB for {rows} rows")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
