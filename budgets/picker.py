"""The 类 › 款 › 项 subject picker of the rankings page and the directory.

Subjects are the functional (201 › 20129 › 2012901) and economic (301 › 30101) codes of the
reference list (budgets.Classification, the latest year's name of each code) plus any code
published figures print that the list lacks (with its printed name). Each is labelled with its
path, so that the many 行政运行 can be told apart and a name typed into the filter finds it:

    subject_choices()  → [("支出功能分类", [("2120805", "2120805 补助被征地农民支出（城乡…）"), …]), …]
    find_subject("299") → None: no such code, say so instead of ranking under a bare number
"""

from __future__ import annotations

from dataclasses import dataclass

from budgets.caching import per_version
from budgets.codes import classification_level, parent_code
from budgets.models import Classification, PrintedLine, TableKind

KIND = Classification.Kind
# The table whose rows print each kind of code.
KIND_TABLES = {KIND.FUNCTION: TableKind.EXPENDITURE_BY_FUNCTION,
               KIND.ECONOMIC: TableKind.BASIC_BY_ECONOMIC}
CODE_PATTERN = r"^[0-9]{3}([0-9]{2}){0,2}$"
INDENT = "\u3000"


@dataclass(frozen=True)
class Subject:
    kind: str
    code: str
    name: str
    path: tuple[str, ...]  # names of the 类 and 款 above it

    @property
    def level(self) -> int:
        return classification_level(self.code) or 1

    @property
    def label(self) -> str:
        above = f"（{' › '.join(self.path)}）" if self.path else ""
        return f"{INDENT * (self.level - 1)}{self.code} {self.name}{above}"


def _names() -> dict[tuple[str, str], str]:
    """(kind, code) → name: the reference list, newest year last so that it wins, then codes
    only published figures print."""
    names = {(c.kind, c.code): c.name
             for c in Classification.objects.order_by("year").only("kind", "code", "name")}
    for kind, table in KIND_TABLES.items():
        printed = (PrintedLine.objects.filter(table=table, code__regex=CODE_PATTERN)
                   .order_by("code", "name").values_list("code", "name"))
        for code, name in printed:
            names.setdefault((kind, code), name)
    return names


@per_version  # a few thousand lines, labelled with their paths: once per publication
def subjects() -> list[Subject]:
    names = _names()
    found = []
    for (kind, code), name in sorted(names.items()):
        path, parent = [], parent_code(code)
        while parent:
            path.insert(0, names.get((kind, parent), parent))
            parent = parent_code(parent)
        found.append(Subject(kind, code, name, tuple(path)))
    return found


def subject_choices(kinds: tuple[str, ...] = (KIND.FUNCTION, KIND.ECONOMIC)) -> list:
    """Grouped choices for a <select>: one <optgroup> per kind, subjects in code order."""
    every = subjects()
    return [(KIND(kind).label, [(s.code, s.label) for s in every if s.kind == kind])
            for kind in kinds]


def find_subject(code: str) -> Subject | None:
    """The subject of a code, or None when neither the list nor any published table has it."""
    return next((s for s in subjects() if s.code == code), None)
