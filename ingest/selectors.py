"""Reads for the staff review page: a draft's tables as read, its findings, and what it changes
against the published version of the same department and year."""

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


@dataclass
class FigureChange:
    table: str
    code: str
    name: str
    column: str
    before: Decimal | None
    after: Decimal | None

    @property
    def table_label(self) -> str:
        return TABLE_LABELS.get(self.table, self.table)

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS.get(self.column, self.column)

    @property
    def difference(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class Comparison:
    published: Disclosure | None
    added: list[FigureChange] = field(default_factory=list)
    removed: list[FigureChange] = field(default_factory=list)
    changed: list[FigureChange] = field(default_factory=list)

    @property
    def is_same(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _cells(disclosure: Disclosure) -> dict[tuple[str, str, str], tuple[str, Decimal]]:
    return {(f.table, f.code, f.column): (f.name, f.amount)
            for f in disclosure.figures.only("table", "code", "column", "name", "amount")}


def compare_with_published(disclosure: Disclosure) -> Comparison:
    """Figures added, removed and changed against the published version of the same year."""
    published = (Disclosure.objects.published()
                 .filter(department=disclosure.department, year=disclosure.year)
                 .exclude(pk=disclosure.pk).first())
    comparison = Comparison(published=published)
    if published is None:
        return comparison
    new, old = _cells(disclosure), _cells(published)
    order = {kind: i for i, kind in enumerate(TableKind.values)}
    for key in sorted(new.keys() | old.keys(), key=lambda k: (order.get(k[0], 99), k[1], k[2])):
        table, code, column = key
        before, after = old.get(key), new.get(key)
        name = (after or before)[0]
        change = FigureChange(table=table, code=code, name=name, column=column,
                              before=before[1] if before else None,
                              after=after[1] if after else None)
        if before is None:
            comparison.added.append(change)
        elif after is None:
            comparison.removed.append(change)
        elif before[1] != after[1]:
            comparison.changed.append(change)
    return comparison


def document_disclosures(document: SourceDocument) -> QuerySet[Disclosure]:
    return (document.disclosures.select_related("department", "department__region",
                                                "published_by", "superseded_by")
            .order_by("pk"))
