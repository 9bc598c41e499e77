"""A job whose worker died is queued again within a minute, not left "running" for someone to
press 重试 (issue #10): a heartbeat older than INGEST_JOB_DEAD_SECONDS means a dead worker;
after INGEST_JOB_MAX_ATTEMPTS attempts the job fails with the reason."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from budgets.models import Disclosure, SourceDocument
from ingest import services
from ingest.models import AuditEntry, IngestJob
from tests.ingest.staff_fixtures import LUOTAI, ROOT, receive, sample_file
from tests.ingest.test_sandbox import docx_with_paragraphs, gone
from tests.ingest.test_staff_jobs import database_url_for_subprocesses, django_env, manage

Status = IngestJob.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INGEST_QUEUE = "tasks"  # queued only: the tests run the workers
    settings.INGEST_JOB_DEAD_SECONDS = 45
    settings.INGEST_JOB_MAX_ATTEMPTS = 3


def worker_died(job: IngestJob, seconds_ago: float) -> None:
    """What a worker killed mid-document leaves: the job running, its last heartbeat old."""
    services._claim(job.pk)
    IngestJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago))


def run_db_worker_batch() -> None:
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)  # the django-tasks worker runs the re-queued job
def test_a_job_left_running_by_a_dead_worker_is_queued_again_and_read_by_the_next_worker(
        luotai, tmp_path):
    from django_tasks_db.models import DBTaskResult

    dead = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    worker_died(dead, seconds_ago=50)
    DBTaskResult.objects.filter(args_kwargs__args=[dead.pk]).update(status="RUNNING")  # its task
    other = receive(sample_file("gaoxin_106_2024", "docx", tmp_path), luotai)

    services.job_run(other.pk)  # the next worker call: it sweeps before it claims
    dead.refresh_from_db()
    assert dead.status == Status.QUEUED and dead.attempts == 1
    assert DBTaskResult.objects.filter(args_kwargs__args=[dead.pk], status="READY").count() == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RETRIED)
    assert entry.user is None and entry.details["automatic"] is True
    assert entry.details["job"] == dead.pk and entry.details["silent_seconds"] >= 50

    run_db_worker_batch()
    dead.refresh_from_db()
    assert dead.status == Status.READY and dead.attempts == 2, dead.error
    assert dead.document.status == SourceDocument.Status.STORED
    assert Disclosure.objects.filter(document=dead.document).count() == 1
    assert IngestJob.objects.get(pk=other.pk).status == Status.READY


@pytest.mark.django_db
def test_a_running_job_with_a_recent_heartbeat_and_a_queued_job_are_left_alone(luotai, tmp_path):
    running = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    worker_died(running, seconds_ago=30)  # silent, but not yet for INGEST_JOB_DEAD_SECONDS
    waiting = receive(sample_file("gaoxin_106_2024", "docx", tmp_path), luotai)
    IngestJob.objects.filter(pk=waiting.pk).update(
        heartbeat_at=timezone.now() - timedelta(hours=1))  # long in the queue: not dead
    assert services.requeue_stale_jobs() == []
    assert IngestJob.objects.get(pk=running.pk).status == Status.RUNNING
    assert IngestJob.objects.get(pk=waiting.pk).status == Status.QUEUED


@pytest.mark.django_db
def test_after_the_last_attempt_the_job_fails_with_the_reason(settings, luotai, tmp_path, client):
    job = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    outcomes = []
    for _ in range(settings.INGEST_JOB_MAX_ATTEMPTS):
        worker_died(job, seconds_ago=46)  # claimed by a worker (one attempt more) that died
        assert [j.pk for j in services.requeue_stale_jobs()] == [job.pk]
        job.refresh_from_db()
        outcomes.append((job.status, job.attempts))
    assert outcomes == [(Status.QUEUED, 1), (Status.QUEUED, 2), (Status.FAILED, 3)]
    assert job.error.startswith("后台处理进程没有响应（46 秒没有进展")
    assert "已尝试 3 次，不再自动重试" in job.error and "原件已保存" in job.error
    assert job.document.status == SourceDocument.Status.FAILED
    assert job.document.error == job.error
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RETRIED).count() == 2
    assert services.requeue_stale_jobs() == []  # failed is final, until someone presses 重试
    client.force_login(luotai)
    assert "重试" in client.get(job.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_busy_worker_sweeps_while_its_own_job_runs(settings, luotai, tmp_path):
    settings.INGEST_JOB_DEAD_SECONDS = 0.3
    dead = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    worker_died(dead, seconds_ago=1)
    busy = receive(sample_file("gaoxin_106_2024", "docx", tmp_path), luotai)
    services._claim(busy.pk)
    progress = services._progress_reporter(busy.pk)
    progress("reading", 1, 10)  # the first report: too soon to sweep
    assert IngestJob.objects.get(pk=dead.pk).status == Status.RUNNING
    time.sleep(0.15)  # a third of INGEST_JOB_DEAD_SECONDS
    progress("reading", 2, 10)
    assert IngestJob.objects.get(pk=dead.pk).status == Status.QUEUED
    assert IngestJob.objects.get(pk=busy.pk).page == 2


def test_the_default_recovery_is_within_a_minute():
    from django.conf import settings

    assert settings.INGEST_HEARTBEAT_SECONDS * 3 <= settings.INGEST_JOB_DEAD_SECONDS <= 45
    assert settings.CELERY_BEAT_SCHEDULE["ingest-requeue-stale-jobs"] == {
        "task": "ingest.requeue_stale_jobs", "schedule": 15.0}
    from ingest import tasks

    assert tasks.requeue_stale_jobs_celery.name == "ingest.requeue_stale_jobs"


# --- a real worker process, killed with SIGKILL while its reading child works ------------------

SETUP = """
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from budgets.services import region_get_or_create_path
from ingest import services
from ingest.models import RegionGrant
user = get_user_model().objects.create_user("luotai", password="x")
region = region_get_or_create_path({region!r})
RegionGrant.objects.create(user=user, region=region)
data = open({path!r}, "rb").read()
job = services.upload_receive(upload=SimpleUploadedFile("slow.docx", data), region=region,
                              user=user)
print(job.pk)
"""


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.add(int(stat.parent.name))
    return found


def readers(worker: int) -> set[int]:
    """The worker's grandchildren: reading children forked by its fork server."""
    return {pid for child in children(worker) for pid in children(child)}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_read_takes_its_reader_along_and_the_job_is_queued_again(tmp_path):
    env = {**django_env(database_url_for_subprocesses(), tmp_path / "media"),
           "INGEST_SANDBOX": "1", "INGEST_HEARTBEAT_SECONDS": "0.3", "INGEST_JOB_DEAD_SECONDS": "2"}
    # python-docx alone takes ~6 s over this one, and the reader sends nothing meanwhile.
    slow = docx_with_paragraphs(tmp_path / "slow.docx", 8)
    job_id = int(manage(env, "shell", script=SETUP.format(region=LUOTAI, path=str(slow))))
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.1", "-v0"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    try:
        beats, reading, deadline = set(), set(), time.monotonic() + 60
        while len(beats) < 3:  # heartbeats while a DOCX is read, which reports no pages
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "no reading child, or no heartbeats"
            reading = reading or readers(worker.pid)
            job = IngestJob.objects.get(pk=job_id)
            if reading and job.status == Status.RUNNING:
                beats.add(job.heartbeat_at)
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    # Its read had more than ten seconds to go: the reader ends with its worker, not when it is
    # done (a few seconds allowed for a loaded machine: the fork server notices, then exits).
    assert all(gone(pid, within=6) for pid in reading), "a reading process outlived its worker"
    job = IngestJob.objects.get(pk=job_id)
    assert (job.status, job.attempts) == (Status.RUNNING, 1)

    while timezone.now() - job.heartbeat_at <= timedelta(seconds=2):
        time.sleep(0.1)
    assert manage(env, "requeue_stale_jobs") == f"job {job_id} (slow.docx): queued again, attempts 1"
    assert IngestJob.objects.get(pk=job_id).status == Status.QUEUED

    # The next worker takes it (with a short time limit, to finish quickly: any end will do).
    manage({**env, "INGEST_SECONDS_BASE": "1", "INGEST_SECONDS_MAX": "1"},
           "db_worker", "--batch", "--no-reload", "--no-startup-delay", "-v0")
    job = IngestJob.objects.get(pk=job_id)
    assert (job.status, job.attempts, job.error) == (
        Status.FAILED, 2, "读取超时（1 秒），已停止；原件已保存")
