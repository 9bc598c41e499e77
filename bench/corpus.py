"""Real-corpus benchmark: `check_documents` over a folder under `/usr/bin/time -v`.

    .venv/bin/python bench/corpus.py [FOLDER]          # default ../shared/real

Migrates a fresh SQLite database in a temporary folder, runs
`manage.py check_documents FOLDER --json … --no-size-limit` in a child process under
`/usr/bin/time -v` (GNU time), then prints the median ms per page end to end (read → records →
stored → identities checked, rolled back), the peak RSS of the whole run, and the per-page time
of the largest file (most pages). Results go in docs/benchmarks.md by hand.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GNU_TIME = "/usr/bin/time"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), "unknown CPU")
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"nproc {os.cpu_count()}, {cpu}, {int(memory) / 1024 / 1024:.1f} GiB, "
            f"Python {sys.version.split()[0]}, SQLite")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=ROOT.parent / "shared" / "real")
    args = parser.parse_args()
    if not Path(GNU_TIME).is_file():
        raise SystemExit(f"{GNU_TIME} not found: install GNU time (apt-get install time)")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/corpus.sqlite3",
                   MEDIA_ROOT=f"{tmp}/media", DJANGO_DEBUG="1")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        report_path = Path(tmp) / "corpus.json"
        started = time.perf_counter()
        run = subprocess.run(
            [GNU_TIME, "-v", *manage, "check_documents", str(args.folder.resolve()),
             "--json", str(report_path), "--no-size-limit"],
            env=env, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if run.returncode != 0:
            sys.stderr.write(run.stdout + run.stderr)
            raise SystemExit(run.returncode)
        report = json.loads(report_path.read_text(encoding="utf-8"))
    rss_kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    totals, files = report["totals"], report["files"]
    timed = [f for f in files if f["pages"]]
    largest = max(timed, key=lambda f: (f["pages"], f["file"]), default=None)
    print(f"machine: {machine()}")
    print(f"folder: {args.folder} — {totals['files']} files, {totals['pages']} pages; "
          f"read {totals['files_read']}, no-tables {totals['files_no_tables']}, "
          f"refused {totals['files_refused']}; amounts stored {totals['amounts_stored']}, "
          f"coverage {totals['coverage_percent']:.2f}%")
    print(f"wall time: {wall:.1f} s (including Django start-up)")
    print(f"median ms/page: {totals['median_ms_per_page']}; "
          f"max ms/page: {totals['max_ms_per_page']} ({totals['max_ms_per_page_file']})")
    print(f"peak RSS: {int(rss_kb.group(1)) / 1024:.0f} MB" if rss_kb else "peak RSS: unknown")
    if largest:
        print(f"largest file: {largest['file']} — {largest['pages']} pages, "
              f"{largest['ms_per_page']:.1f} ms/page, {largest['ms_total'] / 1000:.1f} s, "
              f"status {largest['status']}")


if __name__ == "__main__":
    main()
