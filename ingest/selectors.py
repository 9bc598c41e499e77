"""Reads for the staff review page: a draft's tables as read and its findings (what it
changes against the published version is in `ingest.review`)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from budgets.models import Disclosure, DisclosureTable, Figure, Finding, SourceDocument, TableKind
from budgets.schema import COLUMN_LABELS, TABLE_COLUMNS

TABLE_LABELS = dict(TableKind.choices)


def row_anchor(disclosure_id: int, table: str, code: str) -> str:
    """The HTML id of a row on the review page, for links from findings."""
    return f"d{disclosure_id}-{table}-{code or 'total'}"


@dataclass
class ReviewRow:
    code: str
    name: str
    page: int | None
    anchor: str
    amounts: list[Decimal | None]
    findings: list[Finding] = field(default_factory=list)


@dataclass
class ReviewTable:
    kind: str
    label: str
    meta: DisclosureTable | None
    columns: list[str]
    rows: list[ReviewRow]

    @property
    def anchor(self) -> str:
        return f"d{self.meta.disclosure_id}-{self.kind}" if self.meta else self.kind

    @property
    def pages(self) -> list[int]:
        if self.meta is None or self.meta.first_page is None:
            return []
        last = self.meta.last_page or self.meta.first_page
        return list(range(self.meta.first_page, last + 1))


@dataclass
class ReviewFinding:
    finding: Finding
    anchor: str  # the row it is about, or its table


def review_tables(disclosure: Disclosure) -> tuple[list[ReviewTable], list[ReviewFinding]]:
    """The nine tables, each with its figures row by row and the findings on each row."""
    metas = {t.table: t for t in disclosure.tables.all()}
    figures: dict[str, dict[tuple, dict[str, Figure]]] = {}
    for figure in disclosure.figures.order_by("table", "row", "pk"):
        key = (figure.row, figure.code, figure.name)
        figures.setdefault(figure.table, {}).setdefault(key, {})[figure.column] = figure
    tables, rows_by_anchor = [], {}
    for kind in TableKind.values:
        by_row = figures.get(kind, {})
        used = [c for c in TABLE_COLUMNS[kind] if any(c in cells for cells in by_row.values())]
        rows = []
        for (_, code, name), cells in sorted(by_row.items(), key=lambda item: item[0][0]):
            anchor = row_anchor(disclosure.pk, kind, code)
            row = ReviewRow(code=code, name=name, anchor=anchor,
                            page=next(iter(cells.values())).page,
                            amounts=[cells[c].amount if c in cells else None for c in used])
            rows.append(row)
            rows_by_anchor.setdefault(anchor, row)
        tables.append(ReviewTable(kind=kind, label=TABLE_LABELS[kind], meta=metas.get(kind),
                                  columns=[COLUMN_LABELS.get(c, c) for c in used], rows=rows))
    findings = []
    for finding in disclosure.findings.all():
        anchor = row_anchor(disclosure.pk, finding.table, finding.code)
        if anchor in rows_by_anchor:
            rows_by_anchor[anchor].findings.append(finding)
        elif finding.table:
            anchor = f"d{disclosure.pk}-{finding.table}"
        else:
            anchor = ""
        findings.append(ReviewFinding(finding=finding, anchor=anchor))
    return tables, findings


def document_disclosures(document: SourceDocument) -> QuerySet[Disclosure]:
    return (document.disclosures.select_related("department", "department__region",
                                                "published_by", "superseded_by")
            .order_by("pk"))
