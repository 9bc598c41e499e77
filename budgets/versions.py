"""What changed between two versions of a department-year: figures added, removed and changed
(by table, code, name and column, amounts compared in 元) and projects added and removed.

The public version pages show it for a superseded version against the one that replaced it;
staff see it before publishing a draft (ingest/review.py builds on it).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from budgets.models import Disclosure, Figure, TableKind, normalise_name
from budgets.schema import COLUMN_LABELS
from budgets.selectors import WAN, Amount

TABLE_LABELS = dict(TableKind.choices)
TABLE_ORDER = {kind: i for i, kind in enumerate(TableKind.values)}
PUBLIC = (Disclosure.Status.PUBLISHED, Disclosure.Status.SUPERSEDED)


@dataclass
class FigureChange:
    """One cell key whose amount differs (or exists on one side only), in 元 and as printed."""

    table: str
    code: str
    name: str
    column: str
    before_yuan: Decimal | None
    after_yuan: Decimal | None
    before: str | None  # as printed, with its unit: "196.76 万元"
    after: str | None

    @property
    def table_label(self) -> str:
        return TABLE_LABELS.get(self.table, self.table)

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS.get(self.column, self.column)

    @property
    def difference(self) -> str | None:
        """after − before in 元 (exact; the two sides may be printed in different units)."""
        if self.difference_yuan is None:
            return None
        return f"{_fen(self.difference_yuan):+,f} 元".replace("-", "−")

    @property
    def difference_yuan(self) -> Decimal | None:
        if self.before_yuan is None or self.after_yuan is None:
            return None
        return self.after_yuan - self.before_yuan

    # In 万元 with the printed figure on hover (the `money` filter), as the public pages show.
    @property
    def before_wan(self) -> Amount | None:
        return _wan(self.before_yuan, self.before)

    @property
    def after_wan(self) -> Amount | None:
        return _wan(self.after_yuan, self.after)

    @property
    def difference_wan(self) -> Decimal | None:
        diff = self.difference_yuan
        return None if diff is None else diff / WAN


def _wan(yuan: Decimal | None, printed: str | None) -> Amount | None:
    return None if yuan is None else Amount(yuan / WAN, printed or "")


def _fen(amount: Decimal) -> Decimal:
    """At least two decimals (分), more only where the exact value has them."""
    amount = amount.normalize()
    return amount.quantize(Decimal("0.01")) if amount.as_tuple().exponent > -2 else amount


@dataclass
class VersionChanges:
    """What `newer` changes against `older` (None: nothing to compare with)."""

    older: Disclosure | None
    newer: Disclosure
    added: list[FigureChange] = field(default_factory=list)
    removed: list[FigureChange] = field(default_factory=list)
    changed: list[FigureChange] = field(default_factory=list)
    projects_added: list[str] = field(default_factory=list)
    projects_removed: list[str] = field(default_factory=list)

    @classmethod
    def between(cls, older: Disclosure | None, newer: Disclosure, **extra):
        changes = cls(older=older, newer=newer, **extra)
        if older is not None:
            _figure_changes(changes)
            new, old = _projects(newer), _projects(older)
            changes.projects_added = [new[k] for k in new if k not in old]
            changes.projects_removed = [old[k] for k in old if k not in new]
        return changes

    @property
    def is_same(self) -> bool:
        return not (self.added or self.removed or self.changed
                    or self.projects_added or self.projects_removed)

    @property
    def figure_groups(self) -> list[tuple[str, list[FigureChange]]]:
        """The non-empty lists with their headings, changed first."""
        groups = [("变动", self.changed), ("新增", self.added), ("删除", self.removed)]
        return [(label, items) for label, items in groups if items]


def version_changes(older: Disclosure, newer: Disclosure) -> VersionChanges:
    """Figures added, removed and changed (amounts compared in 元) and projects added and
    removed from `older` to `newer`."""
    return VersionChanges.between(older, newer)


# (table, code, name, column) → the amounts of the rows with that key (a code may be printed on
# several rows, one per hidden unit), ordered so the comparison does not depend on row order.
CellKey = tuple[str, str, str, str]


def _cells(disclosure: Disclosure) -> dict[CellKey, list[Figure]]:
    cells: dict[CellKey, list[Figure]] = defaultdict(list)
    for figure in disclosure.figures.only("table", "code", "name", "column", "amount", "unit",
                                          "decimals", "amount_yuan").order_by("row", "pk"):
        cells[(figure.table, figure.code, normalise_name(figure.name), figure.column)].append(
            figure)
    return cells


def _printed(figures: list[Figure] | None) -> str | None:
    if not figures:
        return None
    return " + ".join(f"{f.printed} {f.unit}" for f in figures)


def _yuan(figures: list[Figure] | None) -> Decimal | None:
    return sum((f.amount_yuan for f in figures), Decimal(0)) if figures else None


def _same(old: list[Figure], new: list[Figure]) -> bool:
    return sorted(f.amount_yuan for f in old) == sorted(f.amount_yuan for f in new)


def _figure_changes(changes: VersionChanges) -> None:
    new, old = _cells(changes.newer), _cells(changes.older)
    for key in sorted(new.keys() | old.keys(),
                      key=lambda k: (TABLE_ORDER.get(k[0], 99), k[1], k[2], k[3])):
        before, after = old.get(key), new.get(key)
        if before and after and _same(before, after):
            continue
        change = FigureChange(table=key[0], code=key[1], name=(after or before)[0].name,
                              column=key[3], before_yuan=_yuan(before), after_yuan=_yuan(after),
                              before=_printed(before), after=_printed(after))
        bucket = changes.added if not before else changes.removed if not after else changes.changed
        bucket.append(change)


def _projects(disclosure: Disclosure) -> dict[tuple[str, str], str]:
    return {(p.code, normalise_name(p.name)): p.name
            for p in disclosure.projects.only("code", "name").order_by("order")}


def replacing_version(disclosure: Disclosure) -> Disclosure | None:
    """The public version that replaced a superseded one: the first published when it was
    superseded (so an older version put back counts too), else the next newer public version.
    None for the published version, and never a draft."""
    if disclosure.status != Disclosure.Status.SUPERSEDED:
        return None
    others = (Disclosure.objects.filter(department_id=disclosure.department_id,
                                        year=disclosure.year, status__in=PUBLIC)
              .exclude(pk=disclosure.pk))
    if disclosure.superseded_at is not None:
        replacer = (others.filter(published_at__gte=disclosure.superseded_at)
                    .order_by("published_at", "version").first())
        if replacer is not None:
            return replacer
    return others.filter(version__gt=disclosure.version).order_by("version").first()
