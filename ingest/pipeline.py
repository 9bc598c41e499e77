"""The whole pipeline for one file: keep the original, read it, recognise the disclosure tables,
store them as new draft versions with their findings — or store nothing but the file and the
error. Re-reading a file already stored (same SHA-256) is a no-op that says so."""

import hashlib
import logging
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import DatabaseError, transaction

from budgets.models import Disclosure, Region, SourceDocument
from budgets.services import disclosure_publish, disclosures_store
from ingest import queues, sandbox
from ingest.extract import UnreadableDocument
from ingest.reading import Progress
from ingest.review import region_mismatch

logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    document: SourceDocument
    disclosures: list[Disclosure] = field(default_factory=list)
    duplicate_of: SourceDocument | None = None
    seconds: float = 0.0
    # Drafts not published although asked: (disclosure, why it does not match its region).
    held: list[tuple[Disclosure, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.document.status == SourceDocument.Status.FAILED


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def publish_where_region_matches(disclosures: list[Disclosure],
                                 user=None) -> list[tuple[Disclosure, str]]:
    """Publish each draft whose printed names fit the region it is filed under; the others
    stay drafts, with the reason (a superuser may publish them from the review page)."""
    held, published = [], []
    for disclosure in disclosures:
        if reason := region_mismatch(disclosure):
            held.append((disclosure, reason))
        else:
            published.append(disclosure_publish(disclosure=disclosure, user=user))
    queues.warm_after_commit(published)
    return held


@contextmanager
def local_path(stored_file):
    """A path to read the original from: the file itself on local storage, else a temporary
    copy (S3-compatible storages have no path; in-memory ones a path with no file)."""
    try:
        path = Path(stored_file.path)
    except NotImplementedError:
        path = None
    if path is not None and path.is_file():
        yield path
        return
    suffix = Path(stored_file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with stored_file.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


def keep_original(path: Path, *, region: Region, user=None, original_name: str | None = None,
                  sha256: str) -> SourceDocument:
    document = SourceDocument(
        original_name=original_name or path.name, sha256=sha256, format=path.suffix.lstrip("."),
        size=path.stat().st_size, region=region, uploaded_by=user,
        status=SourceDocument.Status.PROCESSING,
    )
    with open(path, "rb") as handle:
        document.file.save(path.name, File(handle), save=False)
    document.save()
    return document


def ingest_file(path: Path, *, region: Region, user=None, original_name: str | None = None,
                **options) -> IngestResult:
    """Keep a copy of the file as its original, then read it (see `ingest_document`)."""
    path = Path(path)
    document = keep_original(path, region=region, user=user, original_name=original_name,
                             sha256=sha256_of(path))
    return ingest_document(document, user=user, **options)


def already_read(document: SourceDocument) -> SourceDocument | None:
    """An earlier document with the same bytes whose versions are still kept. A file whose
    drafts were all discarded may be read again."""
    return SourceDocument.objects.filter(
        sha256=document.sha256, status=SourceDocument.Status.STORED,
        disclosures__status__in=[Disclosure.Status.DRAFT, Disclosure.Status.PUBLISHED,
                                 Disclosure.Status.SUPERSEDED],
    ).exclude(pk=document.pk).first()


def ingest_document(document: SourceDocument, *, publish: bool = False, user=None,
                    expected_year: int | None = None, expected_code: str | None = None,
                    backend: str = "pdfium", progress: Progress | None = None,
                    ) -> IngestResult:
    """Read a kept original into new draft versions (published with `publish`).

    The same bytes as a document already stored is a no-op that says so. Any failure stores
    nothing but the original and the error. `progress(stage, n, total)` reports "reading"
    (page n of total) and "checking".
    """
    started = time.perf_counter()
    result = IngestResult(document=document)
    earlier = already_read(document)
    if earlier is not None:
        document.status, result.duplicate_of = SourceDocument.Status.DUPLICATE, earlier
        # The name of a file filed under another region is not for this region's staff.
        named = f"“{earlier.original_name}”" if earlier.region_id == document.region_id \
            else "（其他地区）"
        document.error = f"与已读取的文件{named}完全相同（SHA-256 一致），未重复读取"
        document.save(update_fields=["status", "error"])
        result.seconds = time.perf_counter() - started
        return result
    try:
        with local_path(document.file) as path:
            # read_document and document_data run in a child process with memory and time
            # limits (ingest/sandbox.py); storing stays here.
            reading = sandbox.read(path, backend=backend, expected_year=expected_year,
                                   expected_code=expected_code, progress=progress)
        if reading.format:  # the file could be opened, whether or not a disclosure was found
            document.format, document.page_count = reading.format, reading.page_count
        data = reading.data()  # or the reason it could not be read, raised here
        if progress:
            progress("checking", None, None)
        with transaction.atomic():
            result.disclosures = disclosures_store(data=data, region=document.region,
                                                   document=document)
            if publish:
                result.held = publish_where_region_matches(result.disclosures, user)
        document.status = SourceDocument.Status.STORED
    except UnreadableDocument as exc:
        document.status, document.error = SourceDocument.Status.FAILED, str(exc)
    except DatabaseError as exc:  # staff get a plain sentence, the log the database's words
        logger.warning("storing %s failed: %r", document.original_name, exc)
        document.status = SourceDocument.Status.FAILED
        document.error = ("保存读取结果时数据库出错（可能与同时进行的另一项读取冲突），"
                          "数据未入库，原件已保存；可以重试")
    except Exception as exc:  # a file we cannot make sense of must not take the caller down
        logger.warning("ingest failed for %s: %r", document.original_name, exc)
        logger.debug("ingest failure", exc_info=True)
        document.status = SourceDocument.Status.FAILED
        document.error = f"读取时出错（{exc.__class__.__name__}: {exc}），文件已保存，数据未入库"
    document.save(update_fields=["status", "error", "format", "page_count"])
    result.seconds = time.perf_counter() - started
    return result
