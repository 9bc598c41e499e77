"""CSV exports of figures ("lines") and KPI indicators, shared by the public downloads and the
ingest app's `export_lines` / `export_indicators` commands.

    rows = line_rows(Figure.objects.filter(...))
    write_csv(rows, LINE_COLUMNS, stream)              # a text or binary stream
    return csv_response("711-2024.csv", LINE_COLUMNS, rows)  # in a view

A figure's `amount` is written as printed (its decimals, its `unit`), `amount_yuan` is its exact
value in 元. Files are UTF-8 with a BOM (so Excel reads the Chinese), and every text cell that a spreadsheet
would take for a formula (= + - @, tab, CR) is prefixed with a single quote. Plain numbers such
as -3.50 are left alone, so they stay numeric.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from budgets.models import TableKind
from budgets.schema import TABLE_COLUMNS
from budgets.selectors import region_paths

LINE_COLUMNS = [
    "region", "department_code", "department_name", "year", "scope", "unit_code", "unit_name",
    "table", "code", "name", "column", "amount", "unit", "amount_yuan", "source_page",
    "code_inferred",
]
INDICATOR_COLUMNS = [
    "region", "department_code", "department_name", "year", "scope", "unit_code",
    "project_code", "project_name", "budget", "level1", "level2", "level3", "description",
    "value", "basis", "source_page",
]

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
CHUNK = 2000

# Tables in document order, columns in printed order, rows as printed.
TABLE_ORDER = Case(*(When(table=t, then=Value(i)) for i, t in enumerate(TableKind.values)),
                   default=Value(99), output_field=IntegerField())
_ALL_COLUMNS = list(dict.fromkeys(c for columns in TABLE_COLUMNS.values() for c in columns))
COLUMN_ORDER = Case(*(When(column=c, then=Value(i)) for i, c in enumerate(_ALL_COLUMNS)),
                    default=Value(99), output_field=IntegerField())
LINE_ORDER = ("disclosure__department__region__slug", "disclosure__department__code",
              "disclosure__year", "disclosure_id", TABLE_ORDER, "row", COLUMN_ORDER)
INDICATOR_ORDER = ("project__disclosure__department__region__slug",
                   "project__disclosure__department__code", "project__disclosure__year",
                   "project__disclosure_id", "project__order", "order")


def safe_cell(value) -> str:
    """A cell as text, neutralised if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def _yuan(amount: Decimal) -> str:
    """An exact value in 元 without the stored column's padding: 1182200, 124825494.31."""
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _owner_fields(department, paths: dict[int, str]) -> list[str]:
    """region, department_code, department_name, scope, unit_code, unit_name of a disclosure."""
    region = paths.get(department.region_id, "")
    if department.parent_id:
        parent = department.parent
        return [region, parent.code, parent.name, "unit", department.code, department.name]
    return [region, department.code, department.name, "department", "", ""]


# What a line needs, read as plain tuples: building a model instance per figure was most of the
# time of a large export.
LINE_FIELDS = (
    "disclosure__department__region_id", "disclosure__department__parent_id",
    "disclosure__department__code", "disclosure__department__name",
    "disclosure__department__parent__code", "disclosure__department__parent__name",
    "disclosure__year", "table", "code", "name", "column", "amount", "decimals", "unit",
    "amount_yuan", "page", "code_inferred",
)


def line_rows(figures: QuerySet) -> Iterator[list]:
    """One list per figure, in LINE_COLUMNS order. Keeps the queryset's order if it has one
    (order_by), else sorts by department, year, table (document order), row and column."""
    if not figures.query.order_by:
        figures = figures.order_by(*LINE_ORDER)
    paths = region_paths()
    for (region_id, parent_id, code, name, parent_code, parent_name, year, table, line_code,
         line_name, column, amount, decimals, unit, yuan, page, inferred) in (
            figures.values_list(*LINE_FIELDS).iterator(chunk_size=CHUNK)):
        region = paths.get(region_id, "")
        owner = ([region, parent_code, parent_name, year, "unit", code, name] if parent_id
                 else [region, code, name, year, "department", "", ""])
        yield [*owner, table, line_code, line_name, column, f"{amount:.{decimals}f}", unit,
               _yuan(yuan), page if page is not None else "", "1" if inferred else ""]


def indicator_rows(indicators: QuerySet) -> Iterator[list]:
    """One list per KPI indicator, in INDICATOR_COLUMNS order."""
    indicators = indicators.select_related("project__disclosure__department__parent")
    if not indicators.query.order_by:
        indicators = indicators.order_by(*INDICATOR_ORDER)
    paths = region_paths()
    for i in indicators.iterator(chunk_size=CHUNK):
        p, d = i.project, i.project.disclosure
        region, dept_code, dept_name, scope, unit_code, _ = _owner_fields(d.department, paths)
        yield [region, dept_code, dept_name, d.year, scope, unit_code, p.code, p.name,
               _money(p.budget), i.level1, i.level2, i.level3, i.description, i.value, i.basis,
               i.page if i.page is not None else ""]


def _is_binary(stream) -> bool:
    return isinstance(stream, io.RawIOBase | io.BufferedIOBase) or "b" in getattr(
        stream, "mode", "")


def write_csv(rows: Iterable[Sequence], columns: Sequence[str], stream) -> int:
    """Write a header and the rows as UTF-8 CSV with a BOM; returns the number of rows.

    `stream` may be a text stream (a file opened with encoding="utf-8", newline="", or a
    management command's self.stdout) or a binary one (encoded here).
    """
    binary = _is_binary(stream)
    count = -1
    for chunk in _stream_csv(columns, rows):
        stream.write(chunk.encode("utf-8") if binary else chunk)
        count += 1
    return count


class _Echo:
    """A file-like object whose write returns what it was given (for streaming)."""

    def write(self, value: str) -> str:
        return value


def _stream_csv(columns: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def _batched(chunks: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """Rows joined into blocks of about `size` bytes: one write to the socket per block, not
    per row (memory stays flat: one block at a time)."""
    block, length = [], 0
    for chunk in chunks:
        block.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(block).encode("utf-8")
            block, length = [], 0
    if block:
        yield "".join(block).encode("utf-8")


def csv_response(filename: str, columns: Sequence[str], rows: Iterable[Sequence]):
    """A streamed CSV download (UTF-8 with BOM, attachment), rows read while sending."""
    response = StreamingHttpResponse(
        _batched(_stream_csv(columns, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
