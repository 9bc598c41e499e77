"""Check files or whole folders of disclosures without storing anything.

    manage.py check_documents PATH_OR_DIR... [--json FILE] [--baseline FILE]
                              [--write-baseline FILE] [--no-size-limit]

Every .pdf/.docx/.xlsx under the folders (recursively, sorted) and every file named is read end
to end (read → records → stored → identities checked, then rolled back: nothing stays). One line
per file: status, pages, ms per page, which of the nine tables, amounts stored / printed on the
tables' pages, amounts not read, identity checks failed / passed, reading findings, year, code,
department and units; then the totals. Definitions in `ingest/corpus_check.py`.

`--json FILE` writes every report and the totals. `--baseline FILE` (JSON with files_read,
amounts_stored, coverage_percent) exits with status 1 when any of them falls below it;
`--write-baseline FILE` records the current totals as the new baseline. Files refused are
reported, not errors. Files over INGEST_MAX_UPLOAD_BYTES are refused unless --no-size-limit.
"""

import json
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.corpus_check import (
    TABLE_LETTERS,
    baseline_of,
    below_baseline,
    check_paths,
    totals,
)

STATUS = {"read": "读取", "no-tables": "无表", "refused": "拒绝"}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if right else text + gap


def _number(value, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if digits else str(value)


COLUMNS = [  # (header, width, right-aligned)
    ("状态", 6, False), ("页", 4, True), ("ms/页", 7, True), ("表", 27, False),
    ("已读", 6, True), ("印刷", 6, True), ("未读", 5, True), ("核对失败", 8, True),
    ("通过", 6, True), ("读取问题", 8, True), ("年度", 5, True), ("编码", 8, False),
]


class Command(BaseCommand):
    help = "Read files or folders of disclosures end to end, store nothing, report each file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH_OR_DIR")
        parser.add_argument("--json", type=Path, metavar="FILE", dest="json_file",
                            help="write every report and the totals to FILE")
        parser.add_argument("--baseline", type=Path, metavar="FILE",
                            help="fail when files read, amounts stored or coverage fall below "
                                 "the figures recorded in FILE")
        parser.add_argument("--write-baseline", type=Path, metavar="FILE",
                            help="record the current totals in FILE as the new baseline")
        parser.add_argument("--no-size-limit", action="store_true",
                            help="read files larger than INGEST_MAX_UPLOAD_BYTES too")

    def handle(self, *args, paths, json_file: Path | None, baseline: Path | None,
               write_baseline: Path | None, no_size_limit: bool, **options):
        expected = self.read_baseline(baseline) if baseline else None
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: 文件或文件夹不存在")
        max_bytes = None if no_size_limit else settings.INGEST_MAX_UPLOAD_BYTES
        self.stdout.write(self.header())
        reports = check_paths(paths, max_bytes=max_bytes,
                              on_file=lambda r: self.stdout.write(self.line(r)))
        summary = totals(reports)
        self.stdout.write(self.totals_block(summary))
        if json_file:
            self.write_json(json_file,
                            {"totals": summary, "files": [r.as_dict() for r in reports]})
            self.stdout.write(f"JSON: {json_file}")
        if write_baseline:
            self.write_json(write_baseline, baseline_of(summary))
            self.stdout.write(f"baseline recorded: {write_baseline} {baseline_of(summary)}")
        if expected is not None:
            problems = below_baseline(summary, expected)
            if problems:
                raise CommandError(
                    f"below the baseline {baseline}: " + "; ".join(problems)
                    + " — a change stopped reading files or amounts (re-record the baseline "
                      "with --write-baseline only when the drop is intended)")
            self.stdout.write(f"baseline {baseline}: OK ({baseline_of(summary)} ≥ {expected})")

    @staticmethod
    def read_baseline(path: Path) -> dict:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"baseline {path} cannot be read: {exc}") from exc
        if not isinstance(data, dict):
            raise CommandError(f"baseline {path} is not a JSON object")
        return data

    @staticmethod
    def write_json(path: Path, data) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @staticmethod
    def header() -> str:
        cells = [pad(name, size, right) for name, size, right in COLUMNS]
        return "  ".join(cells) + "  部门 · 单位 · 文件"

    @staticmethod
    def tables_cell(report) -> str:
        if not report.tables:
            return "-"
        parts = list(report.tables.values())
        main = " ".join(TABLE_LETTERS[k] for k in parts[0]) or "-"
        return f"{main} +{len(parts) - 1}单位" if len(parts) > 1 else main

    def line(self, report) -> str:
        values = [
            STATUS.get(report.status, report.status), _number(report.pages),
            _number(report.ms_per_page, 1), self.tables_cell(report),
            _number(report.figures_stored), _number(report.amounts_printed),
            _number(report.amounts_not_read), _number(report.identity_failed),
            _number(report.identity_passed), _number(report.reading_findings),
            _number(report.year), report.code or "-",
        ]
        cells = [pad(value, size, right) for value, (_, size, right) in zip(values, COLUMNS,
                                                                             strict=True)]
        who = report.departments[0] if report.departments else ""
        if report.units:
            who += f"（单位 {len(report.units)}：{'、'.join(report.units)}）"
        tail = " · ".join(x for x in (who, report.file) if x)
        if report.reason:
            tail += f" · {report.reason}"
        return "  ".join(cells) + "  " + tail

    @staticmethod
    def totals_block(summary: dict) -> str:
        return "\n".join([
            "合计 totals",
            f"  files {summary['files']}: read {summary['files_read']}, "
            f"no-tables {summary['files_no_tables']}, refused {summary['files_refused']}",
            f"  amounts stored {summary['amounts_stored']}, printed on the nine tables' pages "
            f"{summary['amounts_printed']}, not read {summary['amounts_not_read']}, "
            f"coverage {summary['coverage_percent']:.2f}%",
            f"  identity checks failed {summary['identity_failed']}, passed "
            f"{_number(summary['identity_passed'])}; reading findings "
            f"{summary['reading_findings']}",
            f"  pages {summary['pages']}; ms/page median {_number(summary['median_ms_per_page'], 1)}"
            f", max {_number(summary['max_ms_per_page'], 1)}"
            + (f" ({summary['max_ms_per_page_file']})" if summary["max_ms_per_page_file"] else ""),
        ])
