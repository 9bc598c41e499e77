"""Reading a document in a child process with hard limits, so that no file can take the worker
down with it.

`read(path, …)` runs the pure part of the pipeline (`reading.read_document`, then
`reading.document_data`) in a child and returns what it found as plain data; storing stays in
the caller (`pipeline.ingest_document`). The child

- may use at most `INGEST_MEMORY_LIMIT_MB` of address space (RLIMIT_AS: an allocation past it
  fails, the child reports it and ends; a 283 MB document.xml once took a worker to 5.2 GB);
- is killed when it runs past `INGEST_SECONDS_BASE + INGEST_SECONDS_PER_PAGE × pages` seconds
  (at most `INGEST_SECONDS_MAX`), counting pages as soon as the reader knows them;
- sends "page n of total" over a pipe; the parent passes each report on to `progress` and, while
  the child lives, repeats the last one every `INGEST_HEARTBEAT_SECONDS`, so a long read (a
  DOCX, which reports no pages) is never taken for a dead worker;
- never touches the database: it is forked from a fork server that set Django up without
  connecting, and any attempt to connect raises.

Children are forked from a "forkserver" started once per worker process (measured on the
2-core test machine: the first read pays ~0.6 s to start the server and import the readers,
each later child ~10 ms; "spawn" costs ~0.8 s per document, and plain fork would copy the
worker's open database sockets and its whole address space into the limit).
`INGEST_SANDBOX=0` reads in the calling process instead, without limits.
"""

import contextlib
import ctypes
import logging
import math
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from ingest.extract import UnreadableDocument

logger = logging.getLogger(__name__)
MB = 1024 * 1024
START_METHOD = "forkserver"
PRELOAD = ["ingest.sandbox_preload"]
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Limits:
    memory_mb: int
    seconds_base: float
    seconds_per_page: float
    seconds_max: float
    heartbeat_seconds: float
    part_max_mb: float  # passed on, so that a test's or an operator's setting holds in the child

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(memory_mb=int(settings.INGEST_MEMORY_LIMIT_MB),
                   seconds_base=float(settings.INGEST_SECONDS_BASE),
                   seconds_per_page=float(settings.INGEST_SECONDS_PER_PAGE),
                   seconds_max=float(settings.INGEST_SECONDS_MAX),
                   heartbeat_seconds=float(settings.INGEST_HEARTBEAT_SECONDS),
                   part_max_mb=float(settings.INGEST_OOXML_PART_MAX_MB))

    def seconds_for(self, pages: int | None) -> float:
        return min(self.seconds_max, self.seconds_base + self.seconds_per_page * (pages or 0))


@dataclass
class Reading:
    """What reading one file gave: its format and pages once it could be opened, and the data
    for `disclosures_store` — or why not (`error`, raised again by `data()`)."""

    format: str | None = None
    page_count: int | None = None
    payload: dict | None = None
    error: Exception | None = None
    in_child: bool = False
    pid: int | None = None
    peak_rss_bytes: int | None = None  # the child's high-water mark of resident memory
    seconds: float = 0.0
    progress_calls: list = field(default_factory=list, repr=False)

    def data(self) -> dict:
        if self.error is not None:
            raise self.error
        return self.payload


def memory_message(limits: Limits) -> str:
    return f"文件读取超出内存上限（{limits.memory_mb} MB），已停止；原件已保存"


def timeout_message(seconds: float) -> str:
    return f"读取超时（{seconds:g} 秒），已停止；原件已保存"


def read(path: Path, *, backend: str = "pdfium", expected_year: int | None = None,
         expected_code: str | None = None, progress=None) -> Reading:
    """Read the file at `path` into the data of its disclosures, in a child process with the
    limits of the settings (or here, when INGEST_SANDBOX is off)."""
    options = {"backend": backend, "expected_year": expected_year, "expected_code": expected_code}
    if not settings.INGEST_SANDBOX:
        return _read_here(Path(path), options, progress)
    return _read_in_child(Path(path), options, Limits.from_settings(), progress)


def _read_here(path: Path, options: dict, progress) -> Reading:
    # Imported where used: a child imports this module before Django is set up, and the
    # readers import the models.
    from ingest.reading import document_data, read_document

    started, reading = time.perf_counter(), Reading(pid=os.getpid())
    try:
        extracted = read_document(path, backend=options["backend"], progress=progress)
        reading.format, reading.page_count = extracted.format, extracted.page_count
        reading.payload = document_data(extracted, expected_year=options["expected_year"],
                                        expected_code=options["expected_code"])
    except UnreadableDocument as exc:
        reading.error = exc
    reading.seconds = time.perf_counter() - started
    return reading


# --- the parent --------------------------------------------------------------------------

_context = None


def _get_context():
    global _context
    if _context is None:
        _context = multiprocessing.get_context(START_METHOD)
        if START_METHOD == "forkserver":
            _context.set_forkserver_preload(PRELOAD)
    return _context


@contextlib.contextmanager
def _parent_may_have_children():
    """Celery's prefork pool makes its worker process multiprocessing's current process
    (billiard), marked daemonic and with billiard's own key. multiprocessing refuses children to
    a daemonic process, lest they outlive it (a reader cannot: `_limit_self`), and will not
    pickle a foreign key for the fork server: both are set right while the child starts."""
    config = multiprocessing.current_process()._config
    key = config.get("authkey")
    foreign = not isinstance(key, multiprocessing.process.AuthenticationString)
    if not config.get("daemon") and not foreign:  # any process but a Celery pool's
        yield
        return
    saved = dict(config)
    config["daemon"] = False
    if foreign:
        config["authkey"] = multiprocessing.process.AuthenticationString(
            bytes(key or os.urandom(32)))
    try:
        yield
    finally:
        config.clear()
        config.update(saved)


def _read_in_child(path: Path, options: dict, limits: Limits, progress) -> Reading:
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    started = time.monotonic()
    with _parent_may_have_children():
        child = context.Process(target=_child_main, args=(sender, str(path), options, limits),
                                name="ingest-reader", daemon=True)
        child.start()
    sender.close()  # only the child writes: its end of the pipe closes when it dies
    reading = Reading(in_child=True, pid=child.pid)
    deadline = started + limits.seconds_for(None)
    last = ("reading", None, None)
    next_beat = started + limits.heartbeat_seconds
    final = None
    try:
        while final is None:
            now = time.monotonic()
            if now >= deadline:
                reading.error = UnreadableDocument(timeout_message(round(deadline - started, 1)))
                break
            if receiver.poll(max(0.0, min(deadline, next_beat) - now)):
                try:
                    message = receiver.recv()
                except (EOFError, OSError):  # the child ended without a last word
                    break
                kind = message[0]
                if kind == "progress":
                    last = message[1:]
                    if last[2]:
                        deadline = started + limits.seconds_for(last[2])
                    _report(progress, reading, last)
                    next_beat = time.monotonic() + limits.heartbeat_seconds
                elif kind == "read":
                    reading.format, reading.page_count = message[1], message[2]
                    deadline = max(deadline, started + limits.seconds_for(message[2]))
                else:
                    final = message
            if time.monotonic() >= next_beat:
                _report(progress, reading, last)  # the heartbeat: the same report again
                next_beat = time.monotonic() + limits.heartbeat_seconds
    finally:
        receiver.close()
        if final is not None:
            child.join(5)  # it has said all it had to: let it end by itself
        if child.is_alive():
            child.kill()
        child.join()
    reading.seconds = time.monotonic() - started
    if final is not None:
        _take_final(reading, final, limits)
    elif reading.error is None:
        reading.error = UnreadableDocument(_death_message(child.exitcode, limits))
    return reading


def _report(progress, reading: Reading, report: tuple) -> None:
    reading.progress_calls.append(report)
    if progress is not None:
        progress(*report)


def _take_final(reading: Reading, final: tuple, limits: Limits) -> None:
    kind, value, reading.peak_rss_bytes = final
    if kind == "data":
        reading.payload = value
    elif kind == "unreadable":
        reading.error = UnreadableDocument(value)
    elif kind == "memory":
        reading.error = UnreadableDocument(memory_message(limits))
    else:  # any other exception: raised again here as it was raised there
        reading.error = _exception_from(value)


def _death_message(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        if number == signal.SIGXCPU:
            return timeout_message(limits.seconds_max)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else number
        return (f"读取进程异常终止（{name}），可能超出内存上限（{limits.memory_mb} MB），"
                "已停止；原件已保存")
    return f"读取进程意外退出（退出码 {exitcode}），已停止；原件已保存"


def _exception_from(value):
    if isinstance(value, bytes):
        try:
            return pickle.loads(value)
        except Exception:  # noqa: BLE001 — fall back to the text below
            pass
        return RuntimeError("读取进程出错")
    name, text = value
    return RuntimeError(f"{name}: {text}")


# --- the child ---------------------------------------------------------------------------

def _child_main(conn, path: str, options: dict, limits: Limits) -> None:
    """Runs in the child: set the limits, read, send one final message, end."""
    _limit_self(limits)
    try:
        kind, value = _child_read(conn, Path(path), options, limits)
    except MemoryError:  # raised while sending, even
        kind, value = "memory", None
    try:
        conn.send((kind, value, _peak_rss()))
    except MemoryError:
        conn.send(("memory", None, _peak_rss()))
    finally:
        conn.close()


def _child_read(conn, path: Path, options: dict, limits: Limits) -> tuple[str, object]:
    try:
        import django
        from django.apps import apps

        if not apps.ready:  # the fork server could not preload: set up here, slower
            django.setup()
        _forbid_database()
        settings.INGEST_OOXML_PART_MAX_MB = limits.part_max_mb
        from ingest.reading import document_data, read_document

        def progress(stage, page, pages):
            conn.send(("progress", stage, page, pages))

        extracted = read_document(path, backend=options["backend"], progress=progress)
        conn.send(("read", extracted.format, extracted.page_count))
        data = document_data(extracted, expected_year=options["expected_year"],
                             expected_code=options["expected_code"])
        del extracted  # before pickling the data: the blocks are the larger part
        return "data", data
    except UnreadableDocument as exc:
        return "unreadable", str(exc)
    except MemoryError:
        return "memory", None
    except Exception as exc:  # noqa: BLE001 — reported to the parent, which decides
        if _out_of_memory(exc, limits):
            return "memory", None
        try:
            return "error", pickle.dumps(exc)
        except Exception:  # noqa: BLE001
            return "error", (exc.__class__.__name__, str(exc))


def _limit_self(limits: Limits) -> None:
    memory = limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The parent enforces the wall time; CPU seconds are the backstop for a child whose parent
    # died without killing it (SIGXCPU ends it).
    cpu = math.ceil(limits.seconds_max) + 10
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    if sys.platform.startswith("linux"):
        # The child's parent is the fork server, which exits when the worker dies (even by
        # SIGKILL): then the child is killed as well instead of reading on for nobody.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        # The fork server exits when the last copy of the worker's "alive" pipe closes, and
        # multiprocessing hands every child a copy (for children of its own, which a reader
        # never starts): without closing it, the server, and so this child, would outlive a
        # killed worker until the read ended (measured: seconds to minutes).
        with contextlib.suppress(OSError, AttributeError, TypeError):
            from multiprocessing import forkserver

            os.close(forkserver._forkserver._forkserver_alive_fd)
            forkserver._forkserver._forkserver_alive_fd = None
        if os.getppid() == 1:  # the fork server is already gone
            os._exit(1)


def _forbid_database() -> None:
    """The child reads files only; a database connection here would be a bug."""
    from django.db import connections

    def refuse(*args, **kwargs):
        raise RuntimeError("the reading process must not use the database")

    for alias in connections:
        connections[alias].connect = refuse


def _peak_rss() -> int | None:
    return _status_kb("VmHWM")


def _status_kb(name: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _out_of_memory(exc: Exception, limits: Limits) -> bool:
    """C libraries say it in their own words: lxml "Memory allocation failed", C++ bad_alloc; or
    the address space reached the limit on the way."""
    text = f"{exc.__class__.__name__} {exc}".lower()
    if "memory" in text and ("alloc" in text or "out of" in text) or "bad_alloc" in text:
        return True
    peak = _status_kb("VmPeak")
    return peak is not None and peak >= limits.memory_mb * MB - 32 * MB
