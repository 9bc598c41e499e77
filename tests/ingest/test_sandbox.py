"""Reading in a child process with hard limits (ingest/sandbox.py): the child reads what the
worker would, reports pages and heartbeats, and is stopped at the memory or time limit with a
plain reason — the job fails, the worker goes on with the next one."""

import os
import time
import zipfile
from pathlib import Path

import pytest

from ingest import sandbox, services
from ingest.extract import UnreadableDocument
from ingest.models import IngestJob
from ingest.reading import document_data, read_document
from tests.corpus.bad_inputs import CONTENT_TYPES, PACKAGE_RELS, WORD_NS
from tests.ingest.staff_fixtures import ROOT, receive, sample_file

MB = 1024 * 1024
REAL_PDF = ROOT / "tests/real/beijing/2026_北京市司法局_预算_报表_6f1087.pdf"  # 50 pages, WPS


def docx_with_paragraphs(path: Path, megabytes: float) -> Path:
    """A DOCX whose document.xml holds `megabytes` MB of short numbered paragraphs. Small on
    disk (about 8:1, far inside the zip-bomb guard), slow to read (python-docx and the
    recogniser walk every paragraph: ~2 s per MB here) and about 18 times its size in memory."""
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document '
            f'xmlns:w="{WORD_NS}"><w:body>').encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head)
            written, number = 0, 0
            while written < megabytes * MB:
                block = "".join(f"<w:p><w:r><w:t>第{i}段 {i * 7919 % 100003}</w:t></w:r></w:p>"
                                for i in range(number, number + 10000)).encode()
                member.write(block)
                written, number = written + len(block), number + 10000
            member.write(b"</w:body></w:document>")
    return path


def gone(pid: int, within: float = 5.0) -> bool:
    """The process has ended (a zombie waiting to be reaped counts as ended)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INGEST_SANDBOX = True


@pytest.mark.parametrize("path", [ROOT / "samples/luotai_711_2024.pdf", REAL_PDF],
                         ids=["sample", "beijing-real"])
def test_a_child_process_reads_a_committed_pdf_exactly_as_the_worker_would(path):
    assert path.is_file()
    reports = []
    reading = sandbox.read(path, progress=lambda *report: reports.append(report))
    assert reading.in_child and reading.pid != os.getpid()
    assert gone(reading.pid)
    extracted = read_document(path)
    assert (reading.format, reading.page_count) == ("pdf", extracted.page_count)
    assert reading.data() == document_data(extracted)
    pages = extracted.page_count
    assert reports == [("reading", n, pages) for n in range(1, pages + 1)]
    assert reading.peak_rss_bytes < 512 * MB


def test_the_childs_refusal_comes_back_as_the_same_plain_reason(tmp_path):
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    reading = sandbox.read(path, expected_year=2023)
    assert reading.in_child and reading.format == "docx"  # opened, then refused
    with pytest.raises(UnreadableDocument, match="文件是 2024 年度预算，不是所选的 2023 年度"):
        reading.data()


def test_the_sandbox_can_be_switched_off(settings):
    settings.INGEST_SANDBOX = False
    settings.INGEST_MEMORY_LIMIT_MB = 1  # would stop any child at once: not applied here
    path = ROOT / "samples/luotai_711_2024.xlsx"
    reading = sandbox.read(path)
    assert not reading.in_child and reading.pid == os.getpid()
    assert reading.data() == document_data(read_document(path))


def test_a_long_read_keeps_the_heartbeat_going_and_is_stopped_at_its_time_limit(settings,
                                                                                tmp_path):
    # A DOCX reports no pages while it is read: only the heartbeat shows the read is alive.
    settings.INGEST_HEARTBEAT_SECONDS = 0.2
    settings.INGEST_SECONDS_BASE = settings.INGEST_SECONDS_MAX = 1.5
    slow = docx_with_paragraphs(tmp_path / "slow.docx", 2)  # ~4 s to read in full
    beats = []
    started = time.monotonic()
    reading = sandbox.read(slow, progress=lambda *report: beats.append(time.monotonic()))
    assert time.monotonic() - started < 3.5  # killed at the limit, not left to finish
    with pytest.raises(UnreadableDocument, match=r"^读取超时（1.5 秒），已停止；原件已保存$"):
        reading.data()
    assert gone(reading.pid)
    assert len(beats) >= 5 and max(b - a for a, b in zip(beats, beats[1:], strict=False)) < 0.6
    assert set(reading.progress_calls) == {("reading", None, None)}


@pytest.mark.parametrize("kind", ["oversized part", "lying directory"])
def test_an_inflating_docx_is_refused_before_any_tree_is_built(kind, tmp_path):
    from tests.ingest.test_bad_inputs import write_lying_directory_docx, write_oversized_part_docx

    if kind == "oversized part":  # the file: 3 MB, 283 MB of XML, 94:1
        path, reason = write_oversized_part_docx(tmp_path / "x.docx", 283), "大于单个部件的上限 40 MB"
    else:
        path, reason = write_lying_directory_docx(tmp_path / "x.docx"), "文件已损坏或不完整"
    started = time.monotonic()
    reading = sandbox.read(path)
    with pytest.raises(UnreadableDocument, match=reason):
        reading.data()
    assert time.monotonic() - started < 10
    # Nothing was inflated whole: the child stayed near its start-up size (~90 MB resident).
    assert reading.peak_rss_bytes < 160 * MB


def test_a_celery_prefork_worker_process_can_start_the_reader(monkeypatch):
    """billiard makes a pool worker multiprocessing's current process, daemonic and with its own
    key type: multiprocessing alone would refuse the child ("daemonic processes are not allowed
    to have children") or its key ("Pickling an AuthenticationString object is disallowed")."""
    import multiprocessing

    from billiard.process import AuthenticationString

    config = multiprocessing.current_process()._config
    monkeypatch.setitem(config, "daemon", True)
    monkeypatch.setitem(config, "authkey", AuthenticationString(os.urandom(32)))
    reading = sandbox.read(ROOT / "samples/luotai_711_2024.xlsx")
    assert reading.in_child and reading.format == "xlsx" and reading.error is None
    assert config["daemon"] is True and isinstance(config["authkey"], AuthenticationString)


def test_the_time_limit_grows_with_the_pages(settings):
    settings.INGEST_SECONDS_BASE, settings.INGEST_SECONDS_PER_PAGE = 10, 2
    settings.INGEST_SECONDS_MAX = 100
    limits = sandbox.Limits.from_settings()
    assert [limits.seconds_for(p) for p in (None, 1, 20, 500)] == [10, 12, 50, 100]


# --- through the staff job, in one worker process --------------------------------------------

@pytest.mark.django_db
def test_a_job_over_the_memory_limit_fails_plainly_and_the_next_job_still_runs(
        settings, luotai, tmp_path):
    settings.INGEST_QUEUE = "tasks"  # queued only: this test is the worker
    settings.INGEST_MEMORY_LIMIT_MB = 450
    settings.INGEST_OOXML_PART_MAX_MB = 100  # let the part through: the memory limit must hold
    # 30 MB of XML: ~540 MB resident when read in full (measured with the limit off).
    big = receive(docx_with_paragraphs(tmp_path / "big.docx", 30), luotai)
    sample = receive(sample_file("luotai_711_2024", "pdf", tmp_path), luotai)
    worker = os.getpid()

    big = services.job_run(big.pk)
    assert big.status == IngestJob.Status.FAILED
    assert big.error == "文件读取超出内存上限（450 MB），已停止；原件已保存"
    assert big.document.status == "failed" and big.document.error == big.error
    assert not big.document.disclosures.exists() and big.document.file.size > 0

    sample = services.job_run(sample.pk)  # the same process, the same limit
    assert os.getpid() == worker
    assert sample.status == IngestJob.Status.READY, sample.error
    assert sample.document.disclosures.count() == 1
    assert sample.document.page_count == sample.pages > 1  # pages reported from the child


@pytest.mark.django_db
def test_a_job_over_the_time_limit_fails_plainly_and_the_next_job_still_runs(
        settings, luotai, tmp_path):
    settings.INGEST_QUEUE = "tasks"
    settings.INGEST_SECONDS_BASE = settings.INGEST_SECONDS_MAX = 1
    settings.INGEST_HEARTBEAT_SECONDS = 0.2
    slow = receive(docx_with_paragraphs(tmp_path / "slow.docx", 2), luotai)
    sample = receive(sample_file("luotai_711_2024", "docx", tmp_path), luotai)
    before = IngestJob.objects.get(pk=slow.pk).heartbeat_at

    slow = services.job_run(slow.pk)
    assert slow.status == IngestJob.Status.FAILED
    assert slow.error == "读取超时（1 秒），已停止；原件已保存"
    assert slow.heartbeat_at > before

    settings.INGEST_SECONDS_BASE = settings.INGEST_SECONDS_MAX = 60
    sample = services.job_run(sample.pk)
    assert sample.status == IngestJob.Status.READY, sample.error
    assert sample.document.disclosures.count() == 1
