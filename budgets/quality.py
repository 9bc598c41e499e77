"""Data quality of published disclosures, for the public 数据质量 pages.

Three kinds of finding are stored (budgets.models.Finding): the table identities
(`budgets.identities`), the prose restating table figures (`budgets.narrative`, rules
"narrative_…") and what reading could not take in (rule "reading"). Findings record only
failures; how many table checks were made is stored with the version when it is validated
(`Disclosure.identity_checks`). A version stored before that was counted is counted once, on
first view, and the count stored: a version's figures never change (a correction is a new
version, a new pk).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from budgets.identities import table_check_counts
from budgets.models import Disclosure, Finding, Region
from budgets.selectors import disclosure_findings, published_disclosures, region_paths

READING = "reading"
PROSE_PREFIX = "narrative"

# Sort keys of the overview (?sort=…; a leading "-" sorts descending).
SORTS = {
    "failed": lambda row: row.failed,
    "share": lambda row: (row.share is None, row.share or 0),
    "checks": lambda row: row.checks,
    "prose": lambda row: row.prose,
    "reading": lambda row: row.reading,
    "year": lambda row: row.year,
    "region": lambda row: row.region,
    "department": lambda row: row.department,
}
DEFAULT_SORT = "-failed"


def checks_run(disclosure: Disclosure) -> int:
    """How many table identities were compared on this version: as stored when it was
    validated, else counted now and stored."""
    if disclosure.identity_checks is None:
        disclosure.identity_checks = table_check_counts(disclosure)[0]
        Disclosure.objects.filter(pk=disclosure.pk).update(
            identity_checks=disclosure.identity_checks)
    return disclosure.identity_checks


def passed_share(checks: int, failed: int) -> Decimal | None:
    """Share of checks passed in percent, one decimal; None when nothing was checked."""
    if not checks:
        return None
    return (Decimal(max(checks - failed, 0)) * 100 / checks).quantize(Decimal("0.1"))


class CheckCounts:
    """Checks passed and their share, for anything with `checks` made and `failed`."""

    checks: int
    failed: int

    @property
    def passed(self) -> int:
        return max(self.checks - self.failed, 0)

    @property
    def share(self) -> Decimal | None:
        return passed_share(self.checks, self.failed)


@dataclass
class DisclosureQuality(CheckCounts):
    """One disclosure's checks: the table identities, prose against tables, reading."""

    disclosure: Disclosure
    checks: int
    identities: list[Finding] = field(default_factory=list)
    prose: list[Finding] = field(default_factory=list)
    reading: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.identities)


def disclosure_quality(disclosure: Disclosure) -> DisclosureQuality:
    """The findings of one disclosure sorted into their three kinds (amounts also in 万元)."""
    quality = DisclosureQuality(disclosure=disclosure, checks=checks_run(disclosure))
    for finding in disclosure_findings(disclosure):
        if finding.rule == READING:
            quality.reading.append(finding)
        elif finding.rule.startswith(PROSE_PREFIX):
            quality.prose.append(finding)
        else:
            quality.identities.append(finding)
    return quality


@dataclass
class OverviewRow(CheckCounts):
    """One published disclosure in the overview: plain values (a country has hundreds of
    thousands); `disclosure` is loaded only for the rows a page shows (`with_disclosures`)."""

    disclosure_id: int
    department: str
    year: int
    region: str
    checks: int
    failed: int
    prose: int
    reading: int
    disclosure: Disclosure | None = None


@dataclass
class GroupRow(CheckCounts):
    """The disclosures of one region and year taken together."""

    region: str
    year: int
    disclosures: int = 0
    checks: int = 0
    failed: int = 0
    prose: int = 0
    reading: int = 0


def _counted(disclosures: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
    prose = Q(findings__rule__startswith=PROSE_PREFIX)
    reading = Q(findings__rule=READING)
    return disclosures.annotate(
        n_reading=Count("findings", filter=reading),
        n_prose=Count("findings", filter=prose),
        n_failed=Count("findings", filter=~prose & ~reading),
    )


def overview_rows(*, region: Region | None = None, year: int | None = None) -> list[OverviewRow]:
    """Every published disclosure (filtered by region with its sub-regions, and year) with
    its checks run, failed, prose mismatches and reading findings."""
    disclosures = Disclosure.objects.published()
    if region is not None:
        disclosures = disclosures.filter(department__region_id__in=region.descendant_ids())
    if year:
        disclosures = disclosures.filter(year=year)
    for uncounted in disclosures.filter(identity_checks__isnull=True):  # stored before counting
        checks_run(uncounted)
    paths = region_paths()
    values = _counted(disclosures).order_by().values_list(
        "pk", "department__name", "year", "department__region_id", "identity_checks",
        "n_failed", "n_prose", "n_reading")
    return [OverviewRow(disclosure_id=pk, department=name, year=y, region=paths[region_id],
                        checks=checks, failed=failed, prose=prose, reading=reading)
            for pk, name, y, region_id, checks, failed, prose, reading in values]


def with_disclosures(rows: list[OverviewRow]) -> list[OverviewRow]:
    """The rows of one page with their disclosures (for the links), in one query."""
    loaded = published_disclosures().in_bulk([row.disclosure_id for row in rows])
    for row in rows:
        row.disclosure = loaded[row.disclosure_id]
    return rows


def sort_rows(rows: list, sort: str) -> tuple[list, str]:
    """Rows sorted by a key of SORTS ("-failed" descending); an unknown key sorts by default."""
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    return sorted(rows, key=SORTS[key], reverse=sort.startswith("-")), sort


def group_rows(rows: list[OverviewRow]) -> list[GroupRow]:
    """Totals per region and year, the most failures first."""
    groups: dict[tuple[str, int], GroupRow] = {}
    for row in rows:
        key = (row.region, row.year)
        group = groups.setdefault(key, GroupRow(region=row.region, year=row.year))
        group.disclosures += 1
        group.checks += row.checks
        group.failed += row.failed
        group.prose += row.prose
        group.reading += row.reading
    return sorted(groups.values(), key=lambda g: (-g.failed, g.region, -g.year))
