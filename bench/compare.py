"""Time the comparison, ranking and across-years queries on PostgreSQL with a large synthetic
data set (docs/benchmarks.md, "Comparison and ranking queries").

    .venv/bin/python bench/compare.py                      # 2,000 departments × 3 years
    .venv/bin/python bench/compare.py --departments 200 --runs 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/other .venv/bin/python bench/compare.py

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/portal_bench; the database is
created and migrated when missing, and the synthetic data (regions under a "基准测试省" root,
departments, published disclosures, ~60 lines × 3 columns of figures each, projects) is
generated once with COPY and reused by later runs (--regenerate to start again). Each query is
run once to warm up, then --runs times; the script prints the median and the fastest in ms.

--try-index "CREATE INDEX …" times everything again with that index added (then drops it), to
measure what a candidate index changes before proposing it.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
ROOT = "基准测试省"
BASE_DIR = Path(__file__).resolve().parent.parent

FUNCTION_CLASSES = ["201", "204", "205", "207", "208", "210", "212", "213", "221", "224"]
ECONOMIC = {"301": ["30101", "30102", "30103", "30107", "30108", "30113"],
            "302": ["30201", "30205", "30211", "30216", "30217", "30231"],
            "303": ["30302", "30309"]}
SANGONG = ["sangong_total", "outbound", "outbound_research", "outbound_other", "vehicle",
           "vehicle_purchase", "vehicle_operation", "reception"]


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist (connecting to the `postgres` database)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit("bench/compare.py measures PostgreSQL: give a postgres:// DATABASE_URL")
    params = {"host": config["HOST"] or None, "port": config["PORT"] or None,
              "user": config["USER"] or None, "password": config["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True,
                         **{k: v for k, v in params.items() if v}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


# --- synthetic data ---------------------------------------------------------------------------

def money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.2f}")


def disclosure_lines(rng: random.Random):
    """(table, code, name, {column: amount}) rows of one synthetic disclosure, ~60 lines."""
    rows = []
    function_total = {"total": Decimal(0), "basic": Decimal(0), "project": Decimal(0)}
    function_rows = []
    for cls in rng.sample(FUNCTION_CLASSES, 4):
        cls_sum = {"total": Decimal(0), "basic": Decimal(0), "project": Decimal(0)}
        cls_rows = []
        for kuan in rng.sample(range(1, 40), 2):
            kuan_code = f"{cls}{kuan:02d}"
            kuan_sum = {"total": Decimal(0), "basic": Decimal(0), "project": Decimal(0)}
            kuan_rows = []
            for xiang in (1, 5, 99)[: rng.choice((2, 3))]:
                basic, project = money(rng, 0, 300), money(rng, 0, 500)
                amounts = {"basic": basic, "project": project, "total": basic + project}
                kuan_rows.append(("expenditure_by_function", f"{kuan_code}{xiang:02d}",
                                  f"项{kuan_code}{xiang:02d}", amounts))
                for k in kuan_sum:
                    kuan_sum[k] += amounts[k]
            cls_rows.append(("expenditure_by_function", kuan_code, f"款{kuan_code}", kuan_sum))
            cls_rows.extend(kuan_rows)
            for k in cls_sum:
                cls_sum[k] += kuan_sum[k]
        function_rows.append(("expenditure_by_function", cls, f"类{cls}", cls_sum))
        function_rows.extend(cls_rows)
        for k in function_total:
            function_total[k] += cls_sum[k]
    rows.append(("expenditure_by_function", "", "合计", function_total))
    rows.extend(function_rows)

    economic_rows, personnel, public = [], Decimal(0), Decimal(0)
    for cls, kuans in ECONOMIC.items():
        cls_sum = Decimal(0)
        kuan_rows = []
        for kuan in rng.sample(kuans, min(len(kuans), 4)):
            amount = money(rng, 0, 80)
            cls_sum += amount
            column = "public" if cls == "302" else "personnel"
            kuan_rows.append(("basic_by_economic", kuan, f"经济{kuan}",
                              {"total": amount, column: amount}))
        column = "public" if cls == "302" else "personnel"
        economic_rows.append(("basic_by_economic", cls, f"经济{cls}",
                              {"total": cls_sum, column: cls_sum}))
        economic_rows.extend(kuan_rows)
        if column == "public":
            public += cls_sum
        else:
            personnel += cls_sum
    rows.append(("basic_by_economic", "", "合计",
                 {"total": personnel + public, "personnel": personnel, "public": public}))
    rows.extend(economic_rows)

    for code in ["", *SANGONG]:
        amount = money(rng, 0, 20)
        rows.append(("sangong", code, code or "合计", {"total": amount, "general_budget": amount}))
    total = function_total["total"]
    for code in ("general_budget", "revenue_total", "expenditure_total", "revenue_grand_total",
                 "expenditure_grand_total", "carryover_in"):
        rows.append(("summary", code, code, {"total": total if code != "carryover_in"
                                              else Decimal(0)}))
    return rows


def generate(departments: int, years: list[int], seed: int = 2024) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from budgets.models import Department, Disclosure, Region

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        root = Region.objects.create(name=ROOT, slug=ROOT)
        cities = [Region.objects.create(name=f"第{i}市", parent=root, slug=f"{ROOT}-第{i}市")
                  for i in range(1, 21)]
        Department.objects.bulk_create(
            Department(region=cities[i % len(cities)], code=f"{100 + i // len(cities)}",
                       name=f"基准部门{i:05d}") for i in range(departments))
        department_ids = list(Department.objects.filter(region__parent=root)
                              .order_by("pk").values_list("pk", flat=True))
        Disclosure.objects.bulk_create(
            Disclosure(department_id=pk, year=year, version=1, status="published",
                       published_at=now, title="基准")
            for pk in department_ids for year in years)
        disclosures = list(Disclosure.objects.filter(department_id__in=department_ids)
                           .values_list("pk", flat=True))
        raw = connection.cursor().cursor
        figures = projects = 0
        with raw.copy('COPY budgets_figure (disclosure_id, "table", code, name, "column", '
                      'amount, "row", page) FROM STDIN') as copy:
            for disclosure_id in disclosures:
                for row, (table, code, name, amounts) in enumerate(disclosure_lines(rng)):
                    for column, amount in amounts.items():
                        copy.write_row((disclosure_id, table, code, name, column, amount, row, 1))
                        figures += 1
        with raw.copy("COPY budgets_project (disclosure_id, \"order\", code, name, budget, "
                      "purpose, plan_q1, plan_q2, plan_q3, plan_q4, goal) FROM STDIN") as copy:
            for disclosure_id in disclosures:
                for order in range(rng.randint(2, 8)):
                    copy.write_row((disclosure_id, order, f"P{disclosure_id}-{order}",
                                    f"项目{order}", money(rng, 1, 200), "", "", "", "", "", ""))
                    projects += 1
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would leave it: visibility map set
    print(f"generated {len(department_ids)} departments, {len(disclosures)} disclosures, "
          f"{figures} figures, {projects} projects")


# --- timing -----------------------------------------------------------------------------------

def timed(fn, runs: int) -> tuple[float, float, int]:
    from django.db import connection, reset_queries

    fn()  # warm up
    samples = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        queries = len(connection.queries)
    return statistics.median(samples), min(samples), queries


def cases(runs: int):
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from budgets.comparisons import (
        Measure,
        build_comparison,
        department_history,
        disclosure_key,
        disclosures_from_keys,
        ranking,
    )
    from budgets.models import Department, Disclosure, Figure, Region

    connection.force_debug_cursor = True  # count queries
    root = Region.objects.get(slug=ROOT)
    city = Region.objects.get(slug=f"{ROOT}-第1市")
    year = Disclosure.objects.filter(department__region__parent=root).order_by("-year") \
        .values_list("year", flat=True).first()
    sample = list(Disclosure.objects.filter(department__region__parent=root, year=year)
                  .select_related("department__region").order_by("pk")[:10])
    keys10 = [disclosure_key(d) for d in sample]
    department = Department.objects.filter(region__parent=root).order_by("pk").first()
    busiest = (Figure.objects.filter(table="expenditure_by_function", column="total",
                                     disclosure__year=year, code__regex=r"^[0-9]{7}$")
               .values("code").annotate(n=Count("pk")).order_by("-n").first()["code"])
    client = Client()

    def rank(measure, *, region=root, by="amount"):
        def run():  # what the rankings view asks: page 1, the ranks, the count, the top 10
            result = ranking(measure=measure, year=year, region=region, by=by)
            page = list(result.rows[:25])
            [result.rank_of(row) for row in page]
            result.rows.count()
            result.top(10)
            return result.candidates
        return run

    def compare(keys):
        def run():
            build_comparison(disclosures_from_keys(keys).disclosures)
        return run

    def page(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        return run

    from urllib.parse import urlencode
    compare_query = urlencode([("d", k) for k in keys10])
    return [
        ("ranking: total, all regions (page, ranks, count, top 10)", rank(Measure("total"))),
        (f"ranking: functional 项 {busiest}", rank(Measure("function", busiest))),
        ("ranking: economic 款 30201", rank(Measure("economic", "30201"))),
        ("ranking: personnel share", rank(Measure("personnel_share"))),
        ("ranking: 三公 part (reception)", rank(Measure("sangong", "reception"))),
        ("ranking: change of total vs previous year", rank(Measure("total"), by="change")),
        ("ranking: total, one sub-region (100 departments)", rank(Measure("total"), region=city)),
        ("comparison: 2 disclosures", compare(keys10[:2])),
        ("comparison: 10 disclosures", compare(keys10)),
        (f"across years: one department ({len(Disclosure.objects.filter(department=department))}"
         " years)", lambda: department_history(department)),
        ("page /rankings/ (total)", page(f"/rankings/?{urlencode({'region': ROOT})}")),
        ("page /rankings/ (change, 项)", page("/rankings/?" + urlencode(
            {"region": ROOT, "measure": "function", "code": busiest, "by": "change"}))),
        ("page /rankings/ranking.csv (all rows)",
         page("/rankings/ranking.csv?" + urlencode({"region": ROOT}))),
        ("page /compare/ (10 disclosures)", page(f"/compare/?{compare_query}")),
        ("page /compare/comparison.csv (10)", page(f"/compare/comparison.csv?{compare_query}")),
    ], runs


def report(rows) -> None:
    width = max(len(name) for name, *_ in rows)
    print(f"{'query':<{width}}  {'median ms':>10}  {'min ms':>8}  {'queries':>7}")
    for name, median, fastest, queries in rows:
        print(f"{name:<{width}}  {median:>10.1f}  {fastest:>8.1f}  {queries:>7}")


def run_all(runs: int):
    items, runs = cases(runs)
    results = []
    for name, fn in items:
        median, fastest, queries = timed(fn, runs)
        results.append((name, median, fastest, queries))
    return results


def machine() -> str:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    return (f"nproc {os.cpu_count()}, CPU {model}, RAM {mem_kb / 1024 / 1024:.1f} GiB, "
            f"Python {platform.python_version()}, PostgreSQL {version} (jit {jit})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--years", type=int, nargs="+", default=[2022, 2023, 2024])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--try-index", default="", help="a CREATE INDEX statement to try")
    parser.add_argument("--jit", choices=["on", "off"], default="",
                        help="SET jit for the session (default: the server's setting)")
    args = parser.parse_args()
    setup_django(os.environ.get("DATABASE_URL", DEFAULT_URL))

    from django.db import connection

    from budgets.models import Department, Region
    if args.regenerate and Region.objects.filter(slug=ROOT).exists():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE budgets_region, budgets_department, budgets_disclosure, "
                           "budgets_figure, budgets_project CASCADE")
    if not Region.objects.filter(slug=ROOT).exists():
        start = time.perf_counter()
        generate(args.departments, sorted(args.years))
        print(f"generation took {time.perf_counter() - start:.0f} s")
    if args.jit:
        from django.db.backends.signals import connection_created

        def set_jit(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute(f"SET jit = {args.jit}")
        connection_created.connect(set_jit)
        connection.close()
    print(machine())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM budgets_figure")
        figures = cursor.fetchone()[0]
    print(f"data: {Department.objects.count()} departments, {figures} figures; "
          f"median of {args.runs} runs after one warm-up")
    baseline = run_all(args.runs)
    report(baseline)
    if args.try_index:
        with connection.cursor() as cursor:
            cursor.execute(args.try_index)
            cursor.execute("VACUUM ANALYZE")
        try:
            print(f"\nwith: {args.try_index}")
            report(run_all(args.runs))
        finally:
            name = args.try_index.split()[2] if args.try_index.split()[1].upper() == "INDEX" \
                else args.try_index.split()[3]
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


if __name__ == "__main__":
    main()
