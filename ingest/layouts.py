"""The layout knowledge of `data/layouts.yaml`, compiled: which of the nine tables a title
announces, what a header or a row label means, where the name, the year and the money unit
are printed. Plain data and functions, no Django; every document passes through the same
tables."""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "layouts.yaml"
NOISE_CHARS = re.compile(r"[\s\"'“”‘’「」『』()（）\[\]【】〔〕<>《》\ufffe\uffff\x00-\x1f]")
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
BUDGET_YEAR = re.compile(r"预算年\s*度\s*[:：]?\s*(20\d{2})")
CJK = re.compile(r"[\u4e00-\u9fff]")
PART_NUMBER = re.compile(r"^第[一二三四五六七八九十\d]+部分")  # 第一部分 …
CLAUSE = re.compile(r"[，。；：:！？,;]")  # a title is followed by words, a sentence by a clause
PROSE = re.compile(r"[，。；！？,;《》]")
TITLE_END = re.compile(r"表([(（][^()（）]{1,12}[)）])?$")


def normalise(text: str) -> str:
    """NFKC (Kangxi radicals → ordinary characters), no whitespace, quotes or brackets."""
    return NOISE_CHARS.sub("", unicodedata.normalize("NFKC", text or ""))


RADICALS = re.compile(r"[\u2e80-\u2fdf\uf900-\ufaff]")


def clean(text: str) -> str:
    """Text as printed, for storing: no whitespace or stray control characters, Kangxi
    radicals as ordinary characters; punctuation stays as printed (full-width ，：（）)."""
    text = RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text or "")
    return re.sub(r"[\s\ufffe\uffff\x00-\x1f]", "", text)


@dataclass(frozen=True)
class TitleMatch:
    kind: str  # one of the nine, or "other" for a table that is not one of them
    scope: str | None  # "department", "unit" or None when the title does not say
    priority: int = 1


class Layouts:
    def __init__(self, data: dict):
        self.title_noise = [re.compile(p) for p in data["title_noise"]]
        self.scope_words = {k: re.compile(p) for k, p in data["scope_words"].items()}
        self.tables = [(t["kind"], t.get("priority", 1),
                        [re.compile(p) for p in t.get("fullmatch", [])],
                        [re.compile(p) for p in t.get("search", [])]) for t in data["tables"]]
        self.other_table = re.compile(data["other_table"])
        self.money_unit = re.compile(data["money_unit"])
        labels = "|".join(sorted(data["entity_labels"], key=len, reverse=True))
        self.entity_line = re.compile(rf"(?:^|(?<=[\s:：]))({labels})[:：]\s*(.+)")
        self.entity_label = re.compile(rf"^({labels})$")
        self.entity_title = re.compile(data["entity_title"])
        self.body_suffix = re.compile(data["body_suffix"])
        self.place_words = re.compile(data["place_words"])
        self.generic_columns = re.compile(data["generic_columns"])
        self.columns = _pairs(data["columns"])
        self.label_columns = re.compile(data["label_columns"])
        self.group_keys = set(data["group_keys"])
        self.side_groups = re.compile(data["side_groups"])
        self.revenue_lines = _pairs(data["revenue_lines"])
        self.spending_totals = _pairs(data["spending_totals"])
        self.function_classes = [(code, re.compile(p)) for code, p in
                                 data["function_classes"].items()]
        self.sangong_items = _pairs(data["sangong_items"])
        self.year_rows = {k: re.compile(p) for k, p in data["year_rows"].items()}
        self.total_rows = re.compile(data["total_rows"])
        self.empty_note = re.compile(data["empty_note"])

    # Titles -------------------------------------------------------------------------------
    def title(self, text: str) -> TitleMatch | None:
        """Which table a title line announces; None for anything that is not a table title
        (prose, a contents line that runs on, a unit line)."""
        core = normalise(text)
        if not TITLE_END.search(clean(text)) or len(core) > 60 or "。" in core:
            return None
        core, scope = self._strip_title(core)
        for kind, priority, full, search in self.tables:
            if any(p.fullmatch(core) for p in full) or any(p.search(core) for p in search):
                return TitleMatch(kind, scope, priority)
        if self.other_table.search(core):
            return TitleMatch("other", scope)
        return None

    def _strip_title(self, core: str) -> tuple[str, str | None]:
        scope = None
        changed = True
        while changed:
            changed = False
            for pattern in self.title_noise:
                stripped = pattern.sub("", core, count=1)
                if stripped != core and stripped:
                    core, changed = stripped, True
            for name, pattern in self.scope_words.items():
                stripped = pattern.sub("", core, count=1)
                if stripped != core and stripped:
                    core, changed, scope = stripped, True, scope or name
        return core, scope

    # Lines around the tables ----------------------------------------------------------------
    def unit_of(self, text: str) -> str | None:
        match = self.money_unit.search(normalise(text))
        return match.group(1) if match else None

    def entity_of(self, text: str) -> str | None:
        """The name on a `编制部门：…` / `单位名称：…` / `部门：…` line (not `单位：万元`)."""
        for match in self.entity_line.finditer(clean(text) if "\n" in text else text):
            name = re.split(r"\s|(?:金额)?单位[:：]|预算年度|[:：]", match.group(2).strip())[0]
            name = clean(name)
            if len(name) >= 2 and not self.money_unit.fullmatch("单位:" + name) and CJK.search(name):
                return name
        return None

    def titled_entity(self, text: str) -> tuple[str, int | None, str] | None:
        """`无锡市应急管理局2026年度部门预算公开` → (name, year, scope), from covers and running
        headers."""
        text = PART_NUMBER.sub("", clean(text))
        match = self.entity_title.match(text)
        # A sentence that names the body (`现将…2024年部门预算公开如下：`, `…部门预算收入总额
        # 196.76万元`) is prose, not a title: a title ends in words, without figures or clauses.
        if not match or CLAUSE.search(text[match.end():]) or PROSE.search(match["name"]):
            return None
        name = re.sub(r"^.*[:：]", "", match.group("name"))
        name = re.sub(r"\d{4}$", "", name)
        name = re.sub(r"(?<=.{4})(部门|单位)$", "", name)  # `北京市信访办公室部门2026年度部门预算`
        if not self.body_suffix.search(name):
            return None
        year = match.group("year")
        scope = "unit" if match.group("scope") == "单位" else "department"
        return name, int(year) if year else None, scope

    def is_body_name(self, text: str) -> bool:
        text = re.sub(r"[(（]本级[)）]$", "", clean(text))
        return 2 < len(text) <= 40 and bool(self.body_suffix.search(text)) and \
            bool(CJK.search(text)) and not re.search(r"[，。；:：]", text)

    # Headers and rows ----------------------------------------------------------------------
    def column_key(self, path: list[str], two_sided: bool = False) -> str | None:
        """The meaning of a column from its header cells, top to bottom. In two-sided tables
        the side headings (本年收入, 本年支出) say nothing about a column."""
        labels = [normalise(label) for label in path if normalise(label)]
        if not labels:
            return None
        generic_below = False
        for label in reversed(labels):
            if self.generic_columns.match(label) or two_sided and self.side_groups.match(label):
                generic_below = generic_below or bool(self.generic_columns.match(label))
                continue
            key = _first(self.columns, label)
            if key and generic_below and key not in self.group_keys:
                return "total"
            if key:
                return key
            if generic_below:  # 资金性质/合计: an unknown group over a generic word
                return "total"
            if self.label_columns.search(label):
                return None
            return f"x:{'/'.join(labels)}"[:64]
        return "total"

    def is_label_header(self, path: list[str]) -> bool:
        labels = [normalise(label) for label in path if normalise(label)]
        return bool(labels) and bool(self.label_columns.search(labels[-1])) and \
            not any(_first(self.columns, label) for label in labels[-1:])

    def revenue_line(self, name: str) -> str | None:
        return _first(self.revenue_lines, label_core(name))

    def spending_line(self, name: str) -> str | None:
        core = label_core(name)
        key = _first(self.spending_totals, core)
        if key:
            return key
        for code, pattern in self.function_classes:
            if pattern.match(core):
                return code
        return None

    def sangong_item(self, text: str) -> str | None:
        return _first(self.sangong_items, label_core(text))

    def is_total(self, name: str) -> bool:
        return bool(self.total_rows.match(normalise(name)))


def _pairs(items) -> list[tuple[str, re.Pattern]]:
    return [(key, re.compile(pattern)) for key, pattern in items]


def _first(pairs: list[tuple[str, re.Pattern]], text: str) -> str | None:
    for key, pattern in pairs:
        if pattern.search(text):
            return key
    return None


UNNUMBERED = re.compile(r"^((其中)[:：]?|[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|"
                        r"\d+[、.．]|[①-⑳])+")


def label_core(text: str) -> str:
    """A row label without its numbering (一、 （一） 1. 其中：) and without noise."""
    return normalise(UNNUMBERED.sub("", clean(text)))


@cache
def function_names() -> dict[str, str]:
    """款 and 项 codes of the functional classification with their names as published."""
    with open(DATA.parent / "function_names.yaml", encoding="utf-8") as handle:
        return {str(code): name for code, name in yaml.safe_load(handle)["function"].items()}


@cache
def layouts() -> Layouts:
    with open(DATA, encoding="utf-8") as handle:
        return Layouts(yaml.safe_load(handle))


def years_in(text: str) -> list[int]:
    return [int(y) for y in BUDGET_YEAR.findall(text) or YEAR.findall(text)]
