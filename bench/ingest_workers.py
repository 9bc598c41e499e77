"""Ingest throughput with 1, 2 and 4 django-tasks workers (`manage.py db_worker`), on PostgreSQL.

    .venv/bin/python bench/ingest_workers.py                  # --copies 2 --workers 1 2 4
    .venv/bin/python bench/ingest_workers.py --copies 4 --workers 1 2 4 1

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/portal_ingest_bench (created and
migrated when missing). For each worker count in turn, the bench queues --copies copies of every
document in samples/ (PDF, DOCX, XLSX) as ingest jobs through `upload_receive`, as a staff
upload would (INGEST_QUEUE=tasks), then starts that many `db_worker --batch` processes, which
exit when the queue is empty. Every copy's bytes differ (a PDF comment after %%EOF, a zip archive
comment), so none is skipped as a duplicate, and each document is filed under a region of its
own: two versions of one department-year stored at the same time wait for each other (the
department row is locked while the version is numbered), which this bench is not about. Throughput is
documents per minute from the first job started to the last job finished (worker start-up
excluded; the rest of the wall time is printed apart), and its ratio against the first worker
count of the run.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_ingest_bench"
SAMPLES = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in {".pdf", ".docx", ".xlsx"})
# Where each sample's department is; copies go one level below, in a region of their own.
PLACES = {"luotai": "河北省/唐山市/芦台经济开发区", "gaoxin": "河北省/唐山市/唐山高新技术产业开发区",
          "cangzhou": "河北省/沧州市/沧州经济开发区"}
sys.path.insert(0, str(BENCH))


def setup(url: str) -> None:
    from compare import ensure_database  # bench/compare.py

    os.environ["DATABASE_URL"] = url
    os.environ["INGEST_QUEUE"] = "tasks"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_classifications", verbosity=0)


def distinct_bytes(path: Path, salt: str) -> bytes:
    """The sample's content made unique by `salt` without changing what it says."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data + f"\n% bench copy {salt}\n".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as copy:
        for item in source.infolist():
            copy.writestr(item, source.read(item))
        copy.comment = f"bench copy {salt}".encode()
    return out.getvalue()


def queue_jobs(copies: int, label: str) -> list[int]:
    """Queue every sample `copies` times; the ids of the jobs."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from budgets.services import region_get_or_create_path
    from ingest.services import upload_receive

    user, _ = get_user_model().objects.get_or_create(username="bench-ingest",
                                                     defaults={"is_superuser": True})
    ids = []
    for copy in range(copies):
        salt = f"{label}-{copy}-{uuid.uuid4().hex[:8]}"
        for number, path in enumerate(SAMPLES):
            place = PLACES[path.stem.split("_")[0]]
            region = region_get_or_create_path([*place.split("/"), f"基准副本{salt}-{number}"])
            upload = SimpleUploadedFile(path.name, distinct_bytes(path, salt))
            job = upload_receive(upload=upload, region=region, user=user)
            if job.status != "queued":
                raise SystemExit(f"{path.name} copy {salt}: job {job.status} ({job.error})")
            ids.append(job.pk)
    return ids


def run_workers(workers: int) -> float:
    """Start `workers` db_worker processes that exit when the queue is empty; wall seconds."""
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-reload",
               "--no-startup-delay", "--interval", "0.2", "-v", "0"]
    started = time.perf_counter()
    processes = [subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(),
                                  stdout=subprocess.DEVNULL) for _ in range(workers)]
    for process in processes:
        if process.wait() != 0:
            raise SystemExit(f"db_worker exited with {process.returncode}")
    return time.perf_counter() - started


def measure(ids: list[int], wall: float) -> dict:
    from django.db.models import Max, Min

    from ingest.models import IngestJob

    jobs = IngestJob.objects.filter(pk__in=ids)
    not_ready = list(jobs.exclude(status="ready").values_list("document__original_name", "status",
                                                              "error"))
    if not_ready:
        raise SystemExit(f"jobs not read: {not_ready[:5]}")
    span = jobs.aggregate(first=Min("started_at"), last=Max("finished_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    return {"documents": len(ids), "seconds": seconds, "per_minute": len(ids) * 60 / seconds,
            "startup": wall - seconds}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=2, help="copies of samples/ per worker count")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL", DEFAULT_URL))
    from compare import machine

    print(machine())
    print(f"{len(SAMPLES)} samples × {args.copies} copies per worker count; load {load_average()}")
    print("workers | documents | seconds | documents/min | × first | start-up and exit s | load")
    base = None
    for round_no, workers in enumerate(args.workers):
        ids = queue_jobs(args.copies, f"r{round_no}w{workers}")
        result = measure(ids, run_workers(workers))
        base = base or result["per_minute"]
        print(f"{workers:7d} | {result['documents']:9d} | {result['seconds']:7.1f} | "
              f"{result['per_minute']:13.1f} | {result['per_minute'] / base:7.2f} | "
              f"{result['startup']:18.1f} | {load_average()}", flush=True)


if __name__ == "__main__":
    main()
