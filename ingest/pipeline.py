"""The whole pipeline for one file: keep the original, read it, recognise the disclosure tables,
store them as new draft versions with their findings — or store nothing but the file and the
error. Re-reading a file already stored (same SHA-256) is a no-op that says so."""

import hashlib
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import transaction

from budgets.models import Disclosure, Region, SourceDocument
from budgets.services import disclosure_publish, disclosures_store
from ingest.docx_reader import read_docx
from ingest.extract import ExtractedDocument, UnreadableDocument
from ingest.filetype import detect_format
from ingest.pdf_reader import read_pdf
from ingest.recognise import recognise
from ingest.records import part_records
from ingest.xlsx_reader import read_xlsx

logger = logging.getLogger(__name__)
READERS = {"pdf": read_pdf, "docx": read_docx, "xlsx": read_xlsx}


@dataclass
class IngestResult:
    document: SourceDocument
    disclosures: list[Disclosure] = field(default_factory=list)
    duplicate_of: SourceDocument | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.document.status == SourceDocument.Status.FAILED


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


Progress = Callable[[str, int | None, int | None], None]


def read_document(path: Path, backend: str = "pdfium",
                  progress: Progress | None = None) -> ExtractedDocument:
    kind = detect_format(path)
    if kind == "pdf":
        on_page = (lambda n, total: progress("reading", n, total)) if progress else None
        return read_pdf(path, backend=backend, on_page=on_page)
    if progress:
        progress("reading", None, None)
    return READERS[kind](path)


def document_data(extracted: ExtractedDocument, *, expected_year: int | None = None,
                  expected_code: str | None = None) -> dict:
    """Recognised records of one document, in the shape `disclosures_store` takes. Refused
    only when no part of any disclosure is found, or when it is not the one expected."""
    parts = recognise(extracted)
    if not parts:
        raise UnreadableDocument(
            "文件中没有找到部门预算公开表（收支总表、收入总表……）、也没有可归属的情况说明或绩效目标表，"
            "不是部门预算公开文件")
    department = parts[0]
    if not department.name and not department.code:
        raise UnreadableDocument("文件中没有找到编制部门或单位名称（编制部门、单位名称、封面等）")
    if department.year is None:
        raise UnreadableDocument("文件中没有找到预算年度（表题、预算年度或封面）")
    if expected_year and department.year != expected_year:
        raise UnreadableDocument(f"文件是 {department.year} 年度预算，不是所选的 {expected_year} 年度")
    if expected_code and department.code and department.code != expected_code:
        raise UnreadableDocument(
            f"文件属于部门 {department.code} {department.name}，不是所选部门 {expected_code}")
    disclosures = []
    for part in parts:
        records = part_records(part)
        if len(part.years_seen) > 1:
            records[0]["reading_problems"].append(f"表题中的预算年度不一致：{sorted(part.years_seen)}")
        disclosures += records
    return {"document": {"year": department.year, "summary_layout": summary_layout(disclosures[0]),
                         "title": ""}, "disclosures": disclosures}


def summary_layout(record: dict) -> int:
    codes = {row[0] for row in record["tables"].get("summary", {}).get("rows", [])}
    return 2023 if codes & {"business", "superior_subsidy", "subordinate_remittance"} else 2024


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
        document.error = f"与已读取的文件“{earlier.original_name}”完全相同（SHA-256 一致），未重复读取"
        document.save(update_fields=["status", "error"])
        result.seconds = time.perf_counter() - started
        return result
    try:
        with local_path(document.file) as path:
            extracted = read_document(path, backend=backend, progress=progress)
        document.format, document.page_count = extracted.format, extracted.page_count
        data = document_data(extracted, expected_year=expected_year, expected_code=expected_code)
        if progress:
            progress("checking", None, None)
        with transaction.atomic():
            result.disclosures = disclosures_store(data=data, region=document.region,
                                                   document=document)
            if publish:
                for disclosure in result.disclosures:
                    disclosure_publish(disclosure=disclosure, user=user)
        document.status = SourceDocument.Status.STORED
    except UnreadableDocument as exc:
        document.status, document.error = SourceDocument.Status.FAILED, str(exc)
    except Exception as exc:  # a file we cannot make sense of must not take the caller down
        logger.warning("ingest failed for %s: %r", document.original_name, exc)
        logger.debug("ingest failure", exc_info=True)
        document.status = SourceDocument.Status.FAILED
        document.error = f"读取时出错（{exc.__class__.__name__}: {exc}），文件已保存，数据未入库"
    document.save(update_fields=["status", "error", "format", "page_count"])
    result.seconds = time.perf_counter() - started
    return result
