"""Full-text search of published disclosures: department names, lines (Figure names), project
names and KPI text, one function over two database backends.

    results = search_published("被征地")   # SearchResults(departments, lines, projects, indicators)

Every whitespace-separated term must match (as a substring: Chinese has no word breaks).

- PostgreSQL: `ILIKE '%term%'`, served by the GIN trigram indexes of migration 0007 for terms
  of three characters or more (pg_trgm makes trigrams of Chinese too); matches are ordered by
  pg_trgm word similarity. A one- or two-character term has no trigram, so it is a plain
  `icontains` scan.
- SQLite: the FTS5 trigram table `budgets_search` (kept by triggers) for terms of three
  characters or more, `icontains` for shorter ones or where FTS5 trigram is missing.

Substring semantics on both, so both backends find the same rows; only the order differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from budgets.models import Disclosure, Figure, Indicator, Project, TableKind
from budgets.templatetags.budget_format import disclosure_path

T = TableKind
MAX_TERMS = 6
MAX_TERM_LENGTH = 30
TRIGRAM = 3  # shortest term a trigram index can serve
FTS_TABLE = "budgets_search"
# rowid = id * 4 + kind in the FTS table (see migration 0007)
FTS_KIND = {"department": 0, "figure": 1, "project": 2, "indicator": 3}
LIMIT = 50
# Where a line is shown on its department page: the 类 › 款 › 项 trees have row ids by code,
# the other tables only as printed (#printed-<table>-<row>).
TREE_ANCHORS = {T.EXPENDITURE_BY_FUNCTION: "fn", T.BASIC_BY_ECONOMIC: "ec"}
# When one line is printed in several tables, link to the first of these.
TABLE_PREFERENCE = list(dict.fromkeys([T.EXPENDITURE_BY_FUNCTION, T.BASIC_BY_ECONOMIC, *TableKind.values]))


def terms(query: str) -> list[str]:
    return [t[:MAX_TERM_LENGTH] for t in query.split()[:MAX_TERMS]]


@cache
def _sqlite_fts_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        return cursor.fetchone() is not None


def backend() -> str:
    """'trigram' (PostgreSQL), 'fts5' (SQLite with FTS5 trigram) or 'like'."""
    if connection.vendor == "postgresql":
        return "trigram"
    if connection.vendor == "sqlite" and _sqlite_fts_available():
        return "fts5"
    return "like"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _term_condition(kind: str, fields: list[str], term: str, prefix: str = "") -> Q:
    """Rows of `kind` whose text holds `term`; `prefix` reaches the model from another."""
    if backend() == "fts5" and len(term) >= TRIGRAM:
        ids = RawSQL(f"SELECT rowid / 4 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                     f"AND rowid % 4 = {FTS_KIND[kind]}", (_fts_phrase(term),))
        return Q(**{f"{prefix}pk__in": ids})
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{prefix}{name}__icontains": term})
    return condition


def matching(queryset: QuerySet, kind: str, fields: list[str], query: str,
             prefix: str = "") -> QuerySet:
    """`queryset` narrowed to rows whose `fields` (of the `kind` model, reached through
    `prefix`) hold every term, best matches first."""
    words = terms(query)
    for term in words:
        queryset = queryset.filter(_term_condition(kind, fields, term, prefix))
    first = prefix + fields[0]
    if backend() == "trigram" and any(len(t) >= TRIGRAM for t in words):
        from django.contrib.postgres.search import TrigramWordSimilarity

        return queryset.annotate(similarity=TrigramWordSimilarity(" ".join(words), first)) \
            .order_by("-similarity", Length(first), "pk")
    return queryset.order_by(Length(first), "pk")


# --- results ---------------------------------------------------------------------------------

@dataclass
class Hit:
    """One search result as the page lists it: what matched, whose it is, where to read it."""

    kind: str
    title: str
    disclosure: Disclosure
    url: str
    code: str = ""
    detail: str = ""


@dataclass
class SearchResults:
    query: str
    departments: list[Hit] = field(default_factory=list)
    lines: list[Hit] = field(default_factory=list)
    projects: list[Hit] = field(default_factory=list)
    indicators: list[Hit] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.departments) + len(self.lines) + len(self.projects) + len(self.indicators)


def line_anchor(table: str, code: str, row: int) -> str:
    prefix = TREE_ANCHORS.get(table)
    return f"{prefix}-{code}" if prefix and code else f"printed-{table}-{row}"


def _department_hits(query: str) -> list[Hit]:
    departments = Disclosure.objects.published().select_related("department__region")
    found = matching(departments, "department", ["name"], query, prefix="department__")[:LIMIT]
    return [Hit("department", d.department.name, d, disclosure_path(d), d.department.code)
            for d in found]


def _line_hits(query: str) -> list[Hit]:
    """One hit per printed line (code and name) of a disclosure, linked to the table that
    shows it best."""
    figures = matching(Figure.objects.published(), "figure", ["name"], query) \
        .select_related("disclosure__department__region")[:LIMIT * 20]
    best: dict[tuple, Figure] = {}
    rank = {t: i for i, t in enumerate(TABLE_PREFERENCE)}
    for f in figures:
        key = (f.disclosure_id, f.code, f.name)
        if key not in best or rank[f.table] < rank[best[key].table]:
            best[key] = f
    return [
        Hit("line", f.name, f.disclosure,
            f"{disclosure_path(f.disclosure)}#{line_anchor(f.table, f.code, f.row)}",
            f.code, T(f.table).label)
        for f in list(best.values())[:LIMIT]
    ]


def _project_hits(query: str) -> list[Hit]:
    projects = Project.objects.filter(disclosure__status=Disclosure.Status.PUBLISHED) \
        .select_related("disclosure__department__region")
    return [Hit("project", p.name, p.disclosure,
                f"{disclosure_path(p.disclosure)}#project-{p.order}", p.code, p.purpose[:80])
            for p in matching(projects, "project", ["name"], query)[:LIMIT]]


def _indicator_hits(query: str) -> list[Hit]:
    indicators = Indicator.objects.filter(
        project__disclosure__status=Disclosure.Status.PUBLISHED,
    ).select_related("project__disclosure__department__region")
    found = matching(indicators, "indicator", ["level3", "description"], query)[:LIMIT]
    return [Hit("indicator", i.level3, i.project.disclosure,
                f"{disclosure_path(i.project.disclosure)}#project-{i.project.order}",
                detail=f"{i.project.name} · {i.description}".strip(" ·"))
            for i in found]


def search_published(query: str) -> SearchResults:
    """Published departments, lines, projects and KPI indicators matching `query`."""
    query = " ".join(terms(query))
    if not query:
        return SearchResults(query="")
    return SearchResults(query=query, departments=_department_hits(query),
                         lines=_line_hits(query), projects=_project_hits(query),
                         indicators=_indicator_hits(query))

