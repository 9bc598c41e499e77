"""Check whole folders of disclosures without keeping anything: what each file reads as, how
much of what it prints was read, and how long it took. Plain functions, no printing; the
`check_documents` management command prints them.

One file, end to end (`check_file`): read (`reading.read_document`) → records
(`reading.document_data`) → stored (`budgets.services.disclosures_store`, under a temporary
region, inside `transaction.atomic()`) → identities checked (by `disclosures_store`) → the
findings counted → rolled back (`transaction.set_rollback(True)`). Nothing stays in the
database; the timing covers every step up to the identity checks.

Status of a file:
- "read": records with at least one of the nine tables were found and stored (then rolled
  back);
- "no-tables": the records hold none of the nine tables (a 情况说明 or 绩效目标表 published
  without its tables: stored, checked and timed all the same), or `document_data` found no
  disclosure and no extracted table holds an amount (prose only);
- "refused": the file cannot be read (`UnreadableDocument`, with its one-line reason), is larger
  than the upload limit, or `document_data` found nothing in a file that does print amounts in
  tables, or the records could not be stored (the error is the reason).

Figures stored: the non-blank amounts in the records (every cell after code and name of every
row of every one of the nine tables of every part).

Amounts printed on the nine tables' pages — what a reader could have read there:
- the pages are those holding rows of one of the nine tables in the records (each table's
  `pages`, and `first_page`..`last_page`), of every part;
- on those pages, every cell of the extracted `Table` blocks whose row is on that page
  (`row_pages`) and whose text looks like an amount:
  `^-?\\d{1,3}(,\\d{3})+(\\.\\d+)?$`, `^-?\\d+\\.\\d+$` or `^-?\\d+$`;
- in a row with a cell containing a CJK character, only the cells right of the first such
  cell count (names stand left of their amounts: a 序号 or code column left of the name is
  not an amount);
- in a row with no CJK cell, every amount-looking cell counts except pure-digit cells of
  length 2, 3, 5 or 7 among the first two non-empty cells (codes: `201 | 13 | 01`; a third
  2-digit cell right after such a 3-digit code is the 项 part and skipped too);
- a 栏次 row counts nothing: a row whose first CJK cell is 栏次, or whose amount-looking cells
  are the integers 1, 2, 3, … in sequence;
- cells joining code and name (`2040601-行政运行`) are names, not amounts (they do not match).
- DOCX files have no pages (every block is on page 1): there a table counts only when most of
  its rows with amounts are labelled with a row name of the records, so that project and KPI
  tables do not.

Amounts not read = printed − stored, at least 0 (per file). Coverage (totals) = Σ min(stored,
printed) / Σ printed. A table the recogniser does not find at all adds no printed page, so
coverage measures the tables found; files read and figures stored measure the rest.

Identity checks: checks run = the table identity comparisons made when the records were
stored and checked (`Disclosure.identity_checks`, which the public quality page shows too),
passed = run − failed table checks (the findings neither "reading" nor prose). Failed = every
non-"reading" finding stored (table identities and prose against tables); prose checks are
not counted as run, so passed covers the table identities.
"""

import re
import statistics
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction

from ingest.extract import ExtractedDocument, Table, UnreadableDocument, squeeze

SUFFIXES = {".pdf", ".docx", ".xlsx"}
NINE_TABLES = ("summary", "revenue_by_function", "expenditure_by_function", "fiscal_summary",
               "general_budget_by_function", "basic_by_economic", "gov_fund_by_function",
               "state_capital_by_function", "sangong")
# Letters of the layout atlas (/work/shared/real/README.md), for one-line reports.
TABLE_LETTERS = {"summary": "S", "revenue_by_function": "R", "expenditure_by_function": "E",
                 "fiscal_summary": "F", "general_budget_by_function": "G",
                 "basic_by_economic": "B", "gov_fund_by_function": "GF",
                 "state_capital_by_function": "SC", "sangong": "3"}

AMOUNT = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+\.\d+$|^-?\d+$")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CODE_LENGTHS = {2, 3, 5, 7}


@dataclass
class FileReport:
    file: str
    status: str = "refused"              # "read" | "no-tables" | "refused"
    reason: str = ""
    format: str = ""
    departments: list[str] = field(default_factory=list)   # name of every part, as printed
    code: str = ""                       # the department part's code ("" when not printed)
    year: int | None = None
    scopes: list[str] = field(default_factory=list)        # per part: "department" | "unit"
    units: list[str] = field(default_factory=list)         # names of the unit parts
    tables: dict[str, list[str]] = field(default_factory=dict)  # part name → kinds found
    figures_stored: int = 0
    amounts_printed: int = 0
    amounts_not_read: int = 0
    identity_failed: int = 0
    identity_checks: int | None = None
    identity_passed: int | None = None
    reading_findings: int = 0
    pages: int | None = None
    table_pages: list[int] = field(default_factory=list)
    ms_total: float = 0.0
    ms_per_page: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- amounts printed


def _is_amount(text: str) -> bool:
    return bool(text) and bool(AMOUNT.match(text))


def _is_column_numbers(cells: list[str]) -> bool:
    """栏次: the integers 1, 2, 3, … in sequence (at least two of them)."""
    if len(cells) < 2 or not all(c.isdigit() for c in cells):
        return False
    first = int(cells[0])
    return first in (0, 1) and all(int(c) == first + i for i, c in enumerate(cells))


def row_amounts(row: list[str]) -> int:
    """How many cells of one extracted row look like printed amounts (see module docstring)."""
    cells = [squeeze(c) for c in row]
    first_cjk = next((i for i, c in enumerate(cells) if CJK.search(c)), None)
    if first_cjk is not None:
        if cells[first_cjk] == "栏次":
            return 0
        amounts = [c for c in cells[first_cjk + 1:] if _is_amount(c)]
    else:
        amounts, position = [], 0
        previous_code = ""
        for cell in cells:
            if not cell:
                continue
            position += 1
            is_code = cell.isdigit() and (
                (position <= 2 and len(cell) in CODE_LENGTHS)
                or (position == 3 and len(cell) == 2 and len(previous_code) == 2))
            if is_code:
                previous_code = cell
                continue
            previous_code = ""
            if _is_amount(cell):
                amounts.append(cell)
    if _is_column_numbers(amounts):
        return 0
    return len(amounts)


def table_has_amount(table: Table) -> bool:
    return any(row_amounts(row) for row in table.rows)


def nine_table_pages(data: dict) -> set[int]:
    """Pages holding rows of one of the nine tables, in any part of the records."""
    pages: set[int] = set()
    for part in data.get("disclosures") or []:
        for kind, spec in (part.get("tables") or {}).items():
            if kind not in NINE_TABLES:
                continue
            pages.update(p for p in spec.get("pages") or [] if p is not None)
            first, last = spec.get("first_page"), spec.get("last_page")
            if first is not None:
                pages.update(range(first, (last if last is not None else first) + 1))
    return pages


def _record_names(data: dict) -> set[str]:
    return {squeeze(row[1]) for part in data.get("disclosures") or []
            for kind, spec in (part.get("tables") or {}).items() if kind in NINE_TABLES
            for row in spec.get("rows") or [] if len(row) > 1 and row[1]}


def _names_match(block: Table, names: set[str]) -> bool:
    """Most rows with amounts are labelled with a row name of the records."""
    labels = []
    for row in block.rows:
        if row_amounts(row):
            cells = [squeeze(c) for c in row]
            labels.append(next((c for c in cells if CJK.search(c)), ""))
    return bool(labels) and sum(label in names for label in labels) * 2 > len(labels)


def amounts_printed(extracted: ExtractedDocument, data: dict) -> tuple[int, list[int]]:
    """(amount-looking cells on the nine tables' pages, those pages sorted)."""
    pages = nine_table_pages(data)
    names = _record_names(data) if extracted.format == "docx" else None
    count = 0
    for block in extracted.blocks:
        if not isinstance(block, Table):
            continue
        if names is not None and not _names_match(block, names):
            continue
        for row, page in zip(block.rows, block.row_pages, strict=False):
            if page in pages:
                count += row_amounts(row)
    return count, sorted(pages)


def figures_in_records(data: dict) -> int:
    return sum(1 for part in data.get("disclosures") or []
               for kind, spec in (part.get("tables") or {}).items() if kind in NINE_TABLES
               for row in spec.get("rows") or []
               for cell in row[2:] if cell not in ("", None))


# ---------------------------------------------------------------- storing and checking


def _store_and_check(report: FileReport, data: dict, started: float) -> None:
    """Store the records under a temporary region, count the findings, roll everything back."""
    from budgets.models import Finding, Region
    from budgets.quality import PROSE_PREFIX, READING
    from budgets.services import disclosures_store

    with transaction.atomic():
        region = Region.objects.create(name=f"check_documents {uuid.uuid4().hex[:12]}",
                                       slug=f"check-documents-{uuid.uuid4().hex}")
        disclosures = disclosures_store(data=data, region=region, document=None)
        report.ms_total = (time.perf_counter() - started) * 1000
        findings = Finding.objects.filter(disclosure__in=disclosures)
        report.reading_findings = findings.filter(rule=READING).count()
        report.identity_failed = findings.exclude(rule=READING).count()
        table_failed = findings.exclude(rule=READING).exclude(
            rule__startswith=PROSE_PREFIX).count()
        report.identity_checks = sum(d.identity_checks for d in disclosures)
        report.identity_passed = report.identity_checks - table_failed
        transaction.set_rollback(True)


def _describe(report: FileReport, data: dict) -> None:
    parts = data.get("disclosures") or []
    report.year = (data.get("document") or {}).get("year")
    report.departments = [p.get("name", "") for p in parts]
    report.scopes = [p.get("scope", "") for p in parts]
    report.units = [p.get("name", "") for p in parts if p.get("scope") == "unit"]
    main = next((p for p in parts if p.get("scope") == "department"), parts[0] if parts else {})
    report.code = str(main.get("code") or "")
    report.tables = {}
    for index, part in enumerate(parts):
        label = part.get("name") or f"part {index + 1}"
        if label in report.tables:
            label = f"{label} ({index + 1})"
        report.tables[label] = [k for k in NINE_TABLES if k in (part.get("tables") or {})]


def check_file(path, *, max_bytes: int | None = None) -> FileReport:
    """Read one file end to end, store nothing, and report what was read (module docstring)."""
    from ingest.reading import document_data, read_document

    path = Path(path)
    report = FileReport(file=str(path), format=path.suffix.lower().lstrip("."))
    if max_bytes is not None and path.stat().st_size > max_bytes:
        report.reason = (f"文件 {path.stat().st_size / 1048576:.1f} MB，超过上限 "
                         f"{max_bytes / 1048576:.1f} MB，未读取")
        return report
    started = time.perf_counter()
    extracted = None
    try:
        extracted = read_document(path)
        report.format, report.pages = extracted.format, extracted.page_count
        try:
            data = document_data(extracted)
        except UnreadableDocument as exc:
            has_amounts = any(isinstance(b, Table) and table_has_amount(b)
                              for b in extracted.blocks)
            report.status = "refused" if has_amounts else "no-tables"
            report.reason = str(exc)
            return report
        _describe(report, data)
        report.figures_stored = figures_in_records(data)
        _store_and_check(report, data, started)
        if any(report.tables.values()):
            report.status = "read"
        else:
            report.status = "no-tables"
            report.reason = "没有找到九张表中的任何一张（只有情况说明或绩效目标表等）"
    except UnreadableDocument as exc:
        report.status, report.reason = "refused", str(exc)
    except Exception as exc:  # a bug met on one file must not stop the folder
        report.status = "refused"
        report.reason = f"读取时出错（{exc.__class__.__name__}: {exc}）"
    finally:
        if not report.ms_total:
            report.ms_total = (time.perf_counter() - started) * 1000
        if report.pages:
            report.ms_per_page = report.ms_total / report.pages
    if report.status == "read":
        report.amounts_printed, report.table_pages = amounts_printed(extracted, data)
        report.amounts_not_read = max(report.amounts_printed - report.figures_stored, 0)
    return report


# ---------------------------------------------------------------- folders and totals


def document_files(paths) -> list[Path]:
    """The files named, and every .pdf/.docx/.xlsx under the folders named (recursively),
    each folder's files sorted; a file named directly is taken whatever its suffix."""
    found: list[Path] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            found.extend(sorted((p for p in item.rglob("*")
                                 if p.is_file() and p.suffix.lower() in SUFFIXES), key=str))
        else:
            found.append(item)
    return found


def check_paths(paths, *, max_bytes: int | None = None, on_file=None) -> list[FileReport]:
    """`check_file` for every file of `document_files(paths)`; `on_file(report)` after each."""
    reports = []
    for path in document_files(paths):
        if not path.is_file():
            report = FileReport(file=str(path), reason="文件不存在")
        else:
            report = check_file(path, max_bytes=max_bytes)
        reports.append(report)
        if on_file is not None:
            on_file(report)
    return reports


def totals(reports: list[FileReport]) -> dict:
    stored = sum(r.figures_stored for r in reports)
    printed = sum(r.amounts_printed for r in reports)
    covered = sum(min(r.figures_stored, r.amounts_printed) for r in reports)
    per_page = [r.ms_per_page for r in reports if r.ms_per_page is not None]
    slowest = max((r for r in reports if r.ms_per_page is not None),
                  key=lambda r: r.ms_per_page, default=None)
    passed = [r.identity_passed for r in reports if r.status == "read"]
    return {
        "files": len(reports),
        "files_read": sum(r.status == "read" for r in reports),
        "files_no_tables": sum(r.status == "no-tables" for r in reports),
        "files_refused": sum(r.status == "refused" for r in reports),
        "amounts_stored": stored,
        "amounts_printed": printed,
        "amounts_not_read": sum(r.amounts_not_read for r in reports),
        "coverage_percent": round(100 * covered / printed, 2) if printed else 0.0,
        "identity_failed": sum(r.identity_failed for r in reports),
        "identity_passed": (sum(passed) if passed and None not in passed else None),
        "reading_findings": sum(r.reading_findings for r in reports),
        "pages": sum(r.pages or 0 for r in reports),
        "median_ms_per_page": round(statistics.median(per_page), 1) if per_page else None,
        "max_ms_per_page": round(slowest.ms_per_page, 1) if slowest else None,
        "max_ms_per_page_file": slowest.file if slowest else None,
    }


BASELINE_KEYS = ("files_read", "amounts_stored", "coverage_percent")


def below_baseline(current: dict, baseline: dict) -> list[str]:
    """One plain line per baseline figure the current totals fall below."""
    problems = []
    for key in BASELINE_KEYS:
        if key not in baseline:
            continue
        if float(current.get(key) or 0) < float(baseline[key]) - 1e-9:
            problems.append(f"{key} {current.get(key)} < baseline {baseline[key]}")
    return problems


def baseline_of(current: dict) -> dict:
    return {key: current[key] for key in BASELINE_KEYS}
