"""Ingest benchmark: milliseconds per page end to end and peak memory, per format and backend.

    .venv/bin/python bench/ingest.py [--rounds 3] [--samples samples/]

Each measurement runs in a fresh process (so peak RSS is that run's own) against a fresh SQLite
database, and times `ingest_document`: file read → records stored → identities checked. Ratios
are against camelot's default lattice settings measured in the same run, so machine noise
largely cancels. Prints a table; results go in docs/benchmarks.md by hand.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = [  # (label, file pattern, backend)
    ("reportlab PDF", "{stem}-reportlab.pdf", "pdfium"),
    ("reportlab PDF", "{stem}-reportlab.pdf", "pdfplumber"),
    ("reportlab PDF", "{stem}-reportlab.pdf", "camelot"),
    ("reportlab PDF", "{stem}-reportlab.pdf", "camelot-default"),
    ("LibreOffice PDF", "{stem}.pdf", "pdfium"),
    ("LibreOffice PDF", "{stem}.pdf", "pdfplumber"),
    ("LibreOffice PDF", "{stem}.pdf", "camelot"),
    ("LibreOffice PDF", "{stem}.pdf", "camelot-default"),
    ("DOCX", "{stem}.docx", "python-docx"),
    ("XLSX", "{stem}.xlsx", "openpyxl"),
]
STEMS = ["luotai_711_2024", "gaoxin_106_2024", "cangzhou_313_2024"]


def measure_one(path: Path, backend: str) -> dict:
    """Runs inside the child process: migrate a fresh database, then time one ingest."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from budgets.services import region_get_or_create_path
    from ingest.pipeline import ingest_document, keep_original, sha256_of

    region = region_get_or_create_path(["基准测试"])
    document = keep_original(path, region=region, sha256=sha256_of(path))
    pdf_backend = backend if backend.startswith(("pdf", "camelot")) else "pdfium"
    started = time.perf_counter()
    result = ingest_document(document, backend=pdf_backend)
    seconds = time.perf_counter() - started
    if result.failed:
        raise SystemExit(f"{path}: {result.document.error}")
    figures = sum(d.figures.count() for d in result.disclosures)
    return {"seconds": seconds, "pages": result.document.page_count, "figures": figures,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_child(path: Path, backend: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
                   MEDIA_ROOT=f"{tmp}/media", DJANGO_DEBUG="1")
        out = subprocess.run([sys.executable, __file__, "--one", str(path), backend],
                             env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), "unknown CPU")
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"{os.cpu_count()} cores, {cpu}, {int(memory) // 1024 // 1024} GiB, "
            f"Python {sys.version.split()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--one", nargs=2, metavar=("PATH", "BACKEND"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(Path(args.one[0]), args.one[1])))
        return
    print(f"machine: {machine()}; median of {args.rounds} interleaved rounds")
    results: dict[tuple, list[dict]] = {}
    for _ in range(args.rounds):  # interleaved so drift hits every case alike
        for label, pattern, backend in CASES:
            for stem in STEMS:
                path = args.samples / pattern.format(stem=stem)
                results.setdefault((label, backend, stem), []).append(run_child(path, backend))
    ms = {key: statistics.median(r["seconds"] for r in runs) * 1000 / runs[0]["pages"]
          for key, runs in results.items()}
    baseline = {(label, stem): value for (label, backend, stem), value in ms.items()
                if backend == "camelot-default"}
    print(f"{'format':16} {'backend':16} {'document':18} {'pages':>5} {'ms/page':>8} "
          f"{'× faster':>9} {'peak MB':>8}")
    for (label, backend, stem), runs in results.items():
        value, base = ms[(label, backend, stem)], baseline.get((label, stem))
        faster = f"{base / value:.1f}×" if base and backend != "camelot-default" else "—"
        rss = max(r["peak_rss_mb"] for r in runs)
        print(f"{label:16} {backend:16} {stem:18} {runs[0]['pages']:5d} {value:8.1f} "
              f"{faster:>9} {rss:8.0f}")


if __name__ == "__main__":
    main()
