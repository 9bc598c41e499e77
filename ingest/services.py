"""Writes of the staff workflow: receiving uploads, running and retrying ingest jobs,
publishing and discarding what was read — each one recorded in the audit log."""

import hashlib
import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from budgets.models import Disclosure, Region, SourceDocument
from budgets.services import disclosure_discard, disclosure_publish
from ingest import queues
from ingest.extract import UnreadableDocument
from ingest.filetype import detect_format
from ingest.models import AuditEntry, IngestJob
from ingest.permissions import allowed_region_ids, can_manage_region
from ingest.pipeline import already_read, ingest_document, keep_original
from ingest.review import published_version, region_mismatch

logger = logging.getLogger(__name__)
Status = IngestJob.Status
DocumentStatus = SourceDocument.Status
INTERRUPTED = "后台处理被中断（进程退出），没有存入任何数据；可以点击“重试”重新读取"


def audit_record(*, user, action: str, obj: Model | None = None, region: Region | None = None,
                 **details) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=getattr(user, "username", "") or "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        region=region, details=details,
    )


# --- upload ------------------------------------------------------------------------------

@dataclass
class SavedUpload:
    path: Path
    sha256: str
    refusal: str  # why the content is not a PDF/DOCX/XLSX we may open, or ""


def _save_upload(upload: UploadedFile, folder: Path) -> SavedUpload:
    """Write the upload to `folder` under a name that says what it really is (never .html)."""
    digest, path = hashlib.sha256(), folder / "upload"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    sha256 = digest.hexdigest()
    try:
        kind, refusal = detect_format(path), ""
    except UnreadableDocument as exc:
        kind, refusal = "bin", str(exc)
    return SavedUpload(path=path.rename(folder / f"{sha256[:16]}.{kind}"), sha256=sha256,
                       refusal=refusal)


def _earlier_copy(document: SourceDocument, user=None) -> SourceDocument | None:
    """A document with the same bytes that was read already or is being read now.

    When that one lies in a region `user` may not work on, a same-bytes copy in one of their own
    regions is preferred: its name helps them and tells them nothing they could not see.
    """
    same = SourceDocument.objects.filter(sha256=document.sha256).exclude(pk=document.pk)
    earlier = already_read(document) or same.filter(job__status__in=IngestJob.ACTIVE).first()
    if earlier is None or user is None or can_manage_region(user, earlier.region_id):
        return earlier
    own = same.filter(region__in=allowed_region_ids(user)).order_by("pk").first()
    return own or earlier


def upload_receive(*, upload: UploadedFile, region: Region, user, expected_year: int | None = None,
                   expected_code: str = "") -> IngestJob:
    """Keep the original, refuse what is not a PDF/DOCX/XLSX by its content, queue the rest.

    The original is kept whatever happens (with the reason when it is refused); a file with the
    same bytes as one read or being read is recorded as a duplicate and not read again.
    """
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        saved = _save_upload(upload, Path(folder))
        with transaction.atomic():
            document = keep_original(saved.path, region=region, user=user,
                                     original_name=upload.name, sha256=saved.sha256)
            job = IngestJob.objects.create(document=document, created_by=user,
                                           expected_year=expected_year,
                                           expected_code=expected_code or "")
            audit_record(user=user, action=AuditEntry.Action.UPLOADED, obj=document, region=region,
                         file=upload.name, size=document.size, sha256=saved.sha256)
            earlier = None if saved.refusal else _earlier_copy(document, user)
            if saved.refusal:
                _finish(job, Status.FAILED, saved.refusal)
            elif earlier is not None and can_manage_region(user, earlier.region_id):
                _finish(job, Status.DUPLICATE,
                        f"与已上传的文件“{earlier.original_name}”完全相同（SHA-256 一致），未重复读取")
            elif earlier is not None:
                # Another region's file: neither its name nor its region is this user's to know.
                _finish(job, Status.DUPLICATE,
                        "与其他地区已上传的文件完全相同（SHA-256 一致），未重复读取")
    if job.status == Status.QUEUED:
        job_enqueue(job)
    return job


# --- running jobs ------------------------------------------------------------------------

DOCUMENT_STATUS = {
    Status.READY: DocumentStatus.STORED,
    Status.FAILED: DocumentStatus.FAILED,
    Status.DUPLICATE: DocumentStatus.DUPLICATE,
}


def _finish(job: IngestJob, status: str, error: str = "") -> IngestJob:
    """Record the end of a job, and the same outcome on its document."""
    now = timezone.now()
    IngestJob.objects.filter(pk=job.pk).update(
        status=status, stage=IngestJob.Stage.DONE, error=error, finished_at=now, heartbeat_at=now)
    SourceDocument.objects.filter(pk=job.document_id).update(status=DOCUMENT_STATUS[status],
                                                             error=error)
    job.refresh_from_db()
    job.document.refresh_from_db()
    return job


def job_enqueue(job: IngestJob) -> None:
    """Hand the job to the queue chosen by settings.INGEST_QUEUE."""
    def failed(exc: Exception) -> None:  # the queue is down: say so, the job can be retried later
        logger.error("could not queue ingest job %s", job.pk, exc_info=exc)
        _finish(job, Status.FAILED, f"无法加入后台队列（{exc.__class__.__name__}），请稍后重试")

    queues.enqueue("run_job", job.pk, failed=failed)


def _claim(job_id: int) -> bool:
    """Take a queued job; False when another worker has it or it is no longer queued."""
    now = timezone.now()
    return bool(IngestJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, stage=IngestJob.Stage.READING, page=None, pages=None, error="",
        started_at=now, heartbeat_at=now, finished_at=None, attempts=F("attempts") + 1,
    ))


def _progress_reporter(job_id: int):
    """Each report (and the sandbox repeats the last one every INGEST_HEARTBEAT_SECONDS while
    its child reads) is the job's heartbeat. A busy worker also looks for jobs whose worker
    died, three times per INGEST_JOB_DEAD_SECONDS, so that they are queued again even when no
    new job comes in."""
    swept = time.monotonic()

    def progress(stage: str, page: int | None, pages: int | None) -> None:
        nonlocal swept
        # Outside the pipeline's transaction: each report is visible at once to the web pages.
        fields = {"stage": stage, "heartbeat_at": timezone.now()}
        if stage == IngestJob.Stage.READING:
            fields.update(page=page, pages=pages)
        IngestJob.objects.filter(pk=job_id).update(**fields)
        # Not with the immediate queue: a re-queued job would be read right here, inside this
        # one's report, while its reading child waits.
        if settings.INGEST_QUEUE != "immediate" \
                and time.monotonic() - swept >= settings.INGEST_JOB_DEAD_SECONDS / 3:
            swept = time.monotonic()
            _requeue_stale_jobs_safely()
    return progress


def requeue_stale_jobs() -> list[IngestJob]:
    """Running jobs whose worker died (killed, out of memory, its machine gone), told by a
    heartbeat older than INGEST_JOB_DEAD_SECONDS: each is queued again, up to
    INGEST_JOB_MAX_ATTEMPTS attempts in all, then failed with the reason.

    Called at the start of every job, now and then while one runs (`_progress_reporter`), by
    `manage.py requeue_stale_jobs [--every N]` and by Celery beat (`ingest.requeue_stale_jobs`).
    A live worker heartbeats every INGEST_HEARTBEAT_SECONDS, also while its child reads a
    document that reports no pages, so it is not taken for dead. Queued jobs are left alone:
    waiting behind other uploads is no sign of death.
    """
    now = timezone.now()
    dead_seconds = settings.INGEST_JOB_DEAD_SECONDS
    cutoff = now - timedelta(seconds=dead_seconds)
    acted = []
    for job in IngestJob.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff) \
            .select_related("document__region").order_by("pk"):
        give_up = job.attempts >= settings.INGEST_JOB_MAX_ATTEMPTS
        requeue = {} if give_up else {"status": Status.QUEUED, "stage": IngestJob.Stage.QUEUED,
                                      "page": None, "pages": None}
        # Conditional on the heartbeat still being old: of two workers sweeping at once, one acts.
        if not IngestJob.objects.filter(pk=job.pk, status=Status.RUNNING, heartbeat_at__lt=cutoff) \
                .update(heartbeat_at=now, **requeue):
            continue
        silent = int((now - job.heartbeat_at).total_seconds())
        if give_up:
            logger.warning("ingest job %s: worker silent for %ss, %s attempts: failed",
                           job.pk, silent, job.attempts)
            _finish(job, Status.FAILED,
                    f"后台处理进程没有响应（{silent} 秒没有进展，可能已被强制结束），已尝试 "
                    f"{job.attempts} 次，不再自动重试；没有存入任何数据，原件已保存，可以点击“重试”")
        else:
            logger.warning("ingest job %s: worker silent for %ss, queued again (attempt %s)",
                           job.pk, silent, job.attempts + 1)
            audit_record(user=None, action=AuditEntry.Action.RETRIED, obj=job.document,
                         region=job.document.region, job=job.pk, automatic=True,
                         attempts=job.attempts, silent_seconds=silent)
            job.refresh_from_db()
            job_enqueue(job)
        acted.append(job)
    return acted


def _requeue_stale_jobs_safely() -> None:
    # A failed sweep must not fail the job that ran it: the next sweep tries again.
    try:
        requeue_stale_jobs()
    except Exception:
        logger.exception("looking for ingest jobs whose worker died failed")


def job_run(job_id: int) -> IngestJob:
    """Read the job's document (the work of a queue worker); idempotent for a finished job.

    The pipeline stores a document in one transaction, so a worker that dies mid-document
    leaves only the original behind, and the job can be retried; it is queued again by the
    next sweep of `requeue_stale_jobs`, which every job starts with.
    """
    _requeue_stale_jobs_safely()
    if not _claim(job_id):
        return IngestJob.objects.get(pk=job_id)
    job = IngestJob.objects.select_related("document", "created_by").get(pk=job_id)
    document = job.document
    if document.disclosures.exists():
        # A worker died after the data were committed but before it said so: they are whole.
        return _finish(job, Status.READY)
    try:
        result = ingest_document(document, user=job.created_by,
                                 expected_year=job.expected_year,
                                 expected_code=job.expected_code or None,
                                 progress=_progress_reporter(job.pk))
    except Exception as exc:  # e.g. the database went away: the pipeline could not record it
        logger.exception("ingest job %s failed", job_id)
        return _finish(job, Status.FAILED, f"处理时出错（{exc.__class__.__name__}），可以重试")
    except BaseException:  # the worker is being stopped: leave a job that can be retried
        _finish(job, Status.FAILED, INTERRUPTED)
        raise
    if result.failed:
        return _finish(job, Status.FAILED, result.document.error)
    if result.duplicate_of is not None:
        return _finish(job, Status.DUPLICATE, result.document.error)
    return _finish(job, Status.READY)


def job_retry(*, job: IngestJob, user) -> IngestJob:
    """Run a failed job again, or one whose worker stopped giving signs of life."""
    if not job.can_retry:
        raise ValueError("只有失败或长时间没有进展的任务可以重试")
    with transaction.atomic():
        IngestJob.objects.filter(pk=job.pk).update(
            status=Status.QUEUED, stage=IngestJob.Stage.QUEUED, page=None, pages=None, error="",
            finished_at=None, heartbeat_at=timezone.now())
        SourceDocument.objects.filter(pk=job.document_id).update(
            status=DocumentStatus.PROCESSING, error="")
        audit_record(user=user, action=AuditEntry.Action.RETRIED, obj=job.document,
                     region=job.document.region, job=job.pk, previous_error=job.error,
                     attempts=job.attempts)
    job.refresh_from_db()
    job_enqueue(job)
    job.refresh_from_db()
    return job


# --- review decisions ----------------------------------------------------------------------

def _drafts(document: SourceDocument) -> list[Disclosure]:
    drafts = list(document.disclosures.select_for_update()
                  .filter(status=Disclosure.Status.DRAFT).order_by("pk"))
    if not drafts:
        raise ValueError("这份文件没有待审核的草稿")
    return drafts


def _check_older(draft: Disclosure, allow_older: bool) -> Disclosure | None:
    """The newer published version `draft` would replace, if any; refused unless allowed, so
    that the public data never go back to an older version without a deliberate decision."""
    published = published_version(draft)
    if published is None or published.version <= draft.version:
        return None
    if not allow_older:
        raise ValueError(
            f"“{draft}”比已公开的第 {published.version} 版旧：公开它会用较早的版本替换较新的"
            f"版本。如确要这样做，请在确认页勾选“确认用较早的版本替换”")
    return published


def _check_region(draft: Disclosure, user, override: str) -> str:
    """The mismatch a superuser overrode with `override` (its reason), or "" when none."""
    mismatch = region_mismatch(draft)
    if not mismatch:
        return ""
    if not override.strip():
        raise ValueError(f"{mismatch}。请核对上传时选择的地区；确属本地区的，"
                         f"需由超级管理员填写理由后公开")
    if not getattr(user, "is_superuser", False):
        raise ValueError(f"{mismatch}。只有超级管理员可以填写理由后公开")
    return mismatch


@transaction.atomic
def document_publish(*, document: SourceDocument, user, allow_older: bool = False,
                     region_override: str = "") -> list[Disclosure]:
    """Publish every draft read from the document (the department and its units) at once.

    Each replaces the published version of its department-year, which stays in the history as
    superseded, with who replaced it. A draft older than that version is refused unless
    `allow_older`; a draft whose names do not match its region (ingest.review.region_mismatch)
    unless a superuser gives the reason in `region_override`. Both decisions are audited.
    """
    drafts = _drafts(document)
    checks = [(d, _check_older(d, allow_older), _check_region(d, user, region_override))
              for d in drafts]  # every draft checked before any is published
    for disclosure, newer, mismatch in checks:
        replaced = list(Disclosure.objects.filter(
            department=disclosure.department, year=disclosure.year,
            status=Disclosure.Status.PUBLISHED).values_list("pk", flat=True))
        disclosure_publish(disclosure=disclosure, user=user)
        details = {"document": document.pk, "superseded": replaced}
        if newer is not None:
            details.update(older_than_published=True, replaced_version=newer.version)
        if mismatch:
            details.update(region_mismatch=mismatch, region_override=region_override.strip())
        audit_record(user=user, action=AuditEntry.Action.PUBLISHED, obj=disclosure,
                     region=disclosure.department.region, **details)
    queues.warm_after_commit(drafts)
    return drafts


@transaction.atomic
def document_discard(*, document: SourceDocument, user) -> list[Disclosure]:
    """Discard every draft read from the document; the original stays kept."""
    drafts = _drafts(document)
    for disclosure in drafts:
        disclosure_discard(disclosure=disclosure)
        audit_record(user=user, action=AuditEntry.Action.DISCARDED, obj=disclosure,
                     region=disclosure.department.region, document=document.pk)
    return drafts
