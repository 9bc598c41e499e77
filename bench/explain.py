"""EXPLAIN ANALYZE of the slowest SQL query behind each public page (docs/benchmarks.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_scale .venv/bin/python bench/explain.py
    … bench/explain.py ranking directory     # only the pages whose name holds one of these words

Requests each page once through Django's test client (after one warm-up), records its queries,
and prints the page's total time, its number of queries and the plan of its slowest query.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_scale")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["PUBLIC_CACHE"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client

    from budgets.comparisons import disclosure_key
    from budgets.models import Disclosure, Figure

    published = Disclosure.objects.published().select_related("department__region")
    year = max(published.values_list("year", flat=True))
    latest = list(published.filter(year=year).order_by("pk")[:400])
    rng = random.Random(3)
    pages = {
        "home page": "/",
        "department page": latest[123].get_absolute_url(),
        "directory, every department": "/departments/",
        "directory search": "/departments/?q=教育局",
        "comparison of 10": "/compare/?" + "&".join(
            f"d={disclosure_key(d)}" for d in rng.sample(latest, 10)),
        "ranking, all departments of a year": f"/rankings/?year={year}",
        "ranking by change against the year before": f"/rankings/?year={year}&by=change",
        "data quality overview": "/quality/",
        "lines CSV of one department-year": latest[7].get_absolute_url() + "lines.csv",
    }
    print(f"{published.count()} published disclosures, {Figure.objects.count()} figures")
    client = Client()
    connection.force_debug_cursor = True
    wanted = sys.argv[1:]
    for name, url in pages.items():
        if wanted and not any(word in name for word in wanted):
            continue
        for _ in range(2):  # the second run is measured: caches warm
            reset_queries()
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            elapsed = (time.perf_counter() - started) * 1000
        queries = list(connection.queries)
        slowest = max(queries, key=lambda q: float(q["time"]))
        sql = slowest["sql"]
        if sql.startswith("DECLARE"):
            sql = sql[sql.index(" FOR ") + 5:]
        print(f"\n## {name}: {url}\n{response.status_code}, {elapsed:.0f} ms, "
              f"{len(queries)} queries, slowest {float(slowest['time']) * 1000:.0f} ms")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
