"""Background reading: progress as it happens, the real queues (django-tasks database backend and
its worker; Celery), a worker that dies mid-document, and retrying."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from budgets import services as budget_services
from budgets.models import Disclosure, Figure, SourceDocument
from ingest import services
from ingest.models import AuditEntry, IngestJob
from tests.ingest.staff_fixtures import LUOTAI, ROOT, receive, sample_file


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class WorkerKilled(BaseException):
    """What a worker process meets when it is stopped: not an Exception, nothing catches it."""


@pytest.mark.django_db
def test_progress_is_reported_page_by_page_then_checking(settings, luotai, client, tmp_path,
                                                          monkeypatch):
    settings.INGEST_QUEUE = "tasks"  # queued only: this test runs the job itself
    job = receive(sample_file("luotai_711_2024", "pdf", tmp_path), luotai)
    client.force_login(luotai)
    url = reverse("ingest:job-progress", args=[job.pk])
    queued = client.get(url).json()
    assert (queued["status"], queued["text"], queued["finished"]) == ("queued", "排队中，等待后台处理",
                                                                      False)
    seen = []
    reporter = services._progress_reporter

    def watching(job_id):
        report = reporter(job_id)

        def progress(stage, page, pages):
            report(stage, page, pages)
            seen.append(client.get(url).json()["text"])
        return progress

    monkeypatch.setattr(services, "_progress_reporter", watching)
    services.job_run(job.pk)
    pages = IngestJob.objects.get().pages
    assert pages == SourceDocument.objects.get().page_count and pages > 1
    assert seen[0] == f"正在读取第 1 页，共 {pages} 页"
    assert seen[pages - 1] == f"正在读取第 {pages} 页，共 {pages} 页"
    assert seen[-1] == "正在校验数据"
    done = client.get(url).json()
    assert done["status"] == "ready" and done["text"] == "读取完成，待审核" and done["finished"]
    assert done["review_url"] == reverse("ingest:document-review", args=[job.document_id])
    assert done["percent"] == 100


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction
def test_the_django_tasks_database_worker_reads_a_queued_upload(settings, luotai, tmp_path):
    from django_tasks_db.models import DBTaskResult

    settings.INGEST_QUEUE = "tasks"
    job = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    task = DBTaskResult.objects.get()
    assert task.task_path == "ingest.tasks.run_job" and task.args_kwargs["args"] == [job.pk]
    assert IngestJob.objects.get().status == IngestJob.Status.QUEUED
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    job.refresh_from_db()
    assert job.status == IngestJob.Status.READY and job.attempts == 1
    assert Disclosure.objects.get(document=job.document).status == Disclosure.Status.DRAFT


@pytest.mark.django_db
def test_with_celery_the_job_goes_through_the_celery_task(settings, luotai, tmp_path,
                                                          django_capture_on_commit_callbacks):
    from portal.celery import app

    settings.INGEST_QUEUE = "celery"
    app.conf.task_always_eager = True  # run in this process, through Celery's task machinery
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    finally:
        app.conf.task_always_eager = False
    job.refresh_from_db()
    assert job.status == IngestJob.Status.READY
    assert app.tasks["ingest.run_job"].name == "ingest.run_job"


@pytest.mark.django_db
def test_a_queue_that_is_down_fails_the_job_in_plain_words(settings, luotai, tmp_path, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from ingest import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.INGEST_QUEUE = "celery"
    monkeypatch.setattr(tasks.run_job_celery, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    job.refresh_from_db()
    assert job.status == IngestJob.Status.FAILED and "无法加入后台队列" in job.error
    assert job.can_retry


@pytest.mark.django_db
def test_a_worker_dying_mid_document_stores_nothing_and_the_retry_succeeds(
        settings, luotai, client, sample_data, tmp_path, monkeypatch):
    settings.INGEST_QUEUE = "immediate"
    published = sorted(Figure.objects.published().values_list("pk", "amount"))
    store_projects = budget_services._store_projects

    def die_after_the_tables(disclosure, projects):
        assert Figure.objects.filter(disclosure=disclosure).exists()  # half-way through
        raise WorkerKilled

    monkeypatch.setattr(budget_services, "_store_projects", die_after_the_tables)
    with pytest.raises(WorkerKilled):
        receive(sample_file("luotai_711_2024", "pdf", tmp_path), luotai)
    job = IngestJob.objects.get()
    assert job.status == IngestJob.Status.FAILED and "被中断" in job.error
    assert not Disclosure.objects.filter(document=job.document).exists()
    assert not Figure.objects.filter(disclosure__document=job.document).exists()
    assert sorted(Figure.objects.published().values_list("pk", "amount")) == published
    assert job.document.file.size > 0

    monkeypatch.setattr(budget_services, "_store_projects", store_projects)
    client.force_login(luotai)
    assert "重试" in client.get(job.get_absolute_url()).content.decode()
    client.post(reverse("ingest:job-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == IngestJob.Status.READY and job.attempts == 2
    assert job.document.status == SourceDocument.Status.STORED
    assert Disclosure.objects.filter(document=job.document).count() == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RETRIED)
    assert entry.user == luotai and "被中断" in entry.details["previous_error"]


@pytest.mark.django_db
def test_only_failed_or_stale_jobs_can_be_retried(settings, luotai, client, tmp_path):
    settings.INGEST_QUEUE = "tasks"
    job = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    client.force_login(luotai)
    client.post(reverse("ingest:job-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == IngestJob.Status.QUEUED and not AuditEntry.objects.filter(
        action="retried").exists()
    IngestJob.objects.filter(pk=job.pk).update(
        status=IngestJob.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(
            seconds=settings.INGEST_JOB_STALE_SECONDS + 1))
    job.refresh_from_db()
    assert job.is_stale and job.can_retry
    settings.INGEST_QUEUE = "immediate"
    client.post(reverse("ingest:job-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == IngestJob.Status.READY


# --- a real worker process, killed with SIGKILL inside the pipeline's transaction ---------------

WORKER = """
import os, sys, time
import django
django.setup()
from budgets import services
from pathlib import Path

def stall(disclosure, projects):
    Path(sys.argv[1]).write_text(str(disclosure.figures.count()))
    time.sleep(120)

services._store_projects = stall
from django.core.management import call_command
call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1", verbosity=0)
"""

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
job = services.upload_receive(upload=SimpleUploadedFile("711.pdf", data), region=region, user=user)
print(job.pk)
"""

STATE = """
import json
from budgets.models import Disclosure, Figure
from ingest.models import IngestJob
job = IngestJob.objects.select_related("document").get(pk={job})
print(json.dumps({{"job": job.status, "document": job.document.status, "attempts": job.attempts,
    "disclosures": Disclosure.objects.filter(document=job.document).count(),
    "figures": Figure.objects.filter(disclosure__document=job.document).count()}}))
"""

RETRY = """
from datetime import timedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from ingest import services
from ingest.models import IngestJob
stale = timezone.now() - timedelta(seconds=settings.INGEST_JOB_STALE_SECONDS + 1)
IngestJob.objects.filter(pk={job}).update(heartbeat_at=stale)
job = IngestJob.objects.get(pk={job})
services.job_retry(job=job, user=get_user_model().objects.get(username="luotai"))
"""


def database_url_for_subprocesses() -> str:
    """The test database, for other processes (on SQLite it is a file: portal/settings.py)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def django_env(database_url: str, media: Path) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media),
            "INGEST_QUEUE": "tasks", "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PYTHONPATH": str(ROOT)}


def manage(env, *args, script=None) -> str:
    command = [sys.executable, "manage.py", *args] + (["-c", script] if script else [])
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_with_sigkill_mid_transaction_leaves_nothing_and_retry_succeeds(
        tmp_path):
    env = django_env(database_url_for_subprocesses(), tmp_path / "media")
    pdf = sample_file("luotai_711_2024", "pdf", tmp_path)
    job = int(manage(env, "shell", script=SETUP.format(region=LUOTAI, path=str(pdf))))
    marker = tmp_path / "inside-transaction"
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(marker)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker never reached the transaction"
            time.sleep(0.1)
        assert int(marker.read_text()) > 0  # figures were written, not yet committed
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    state = json.loads(manage(env, "shell", script=STATE.format(job=job)))
    assert state == {"job": "running", "document": "processing", "attempts": 1,
                     "disclosures": 0, "figures": 0}
    manage(env, "shell", script=RETRY.format(job=job))
    manage(env, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "-v0")
    state = json.loads(manage(env, "shell", script=STATE.format(job=job)))
    assert state["job"] == "ready" and state["document"] == "stored"
    assert state["attempts"] == 2 and state["disclosures"] == 1 and state["figures"] > 100
