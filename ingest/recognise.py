"""Step 2: blocks → recognised disclosure parts (a department, or each unit it publishes),
each with its nine tables (page pieces in order, money unit, title), narrative sections,
organisation table and project KPI tables. Plain data, no Django.

What a title, a unit line or a name line looks like is data (`layouts.yaml`); this module
only knows the order in which documents print them: a title, then the lines under it (name,
unit, year), then the grid, perhaps continued on the next pages with or without the title
and header repeated. Spreadsheet producers put those lines inside the grid's first rows;
they are peeled off and read as lines.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.extract import Block, ExtractedDocument, Paragraph, Table
from ingest.layouts import BUDGET_YEAR, TitleMatch, clean, layouts, normalise, years_in
from ingest.projects import is_indicator_table, project_grid_kind

HEBEI_ENTITY = re.compile(r"^(\d{3,9})\s*([^\d\s:：].*)$")
CAPTION_TAIL = re.compile(r"预算年\s*度|(?:金额)?单位[:：]")
TABLE_LABEL = re.compile(r"^((附表|公开|预算|单位预算|部门预算)?\d+表|表\d+|预算表\d+)$")
HEADER_YEAR = re.compile(r"^[(（]?(20\d{2})年(度)?(预算|预算数|部门预算)?[)）]?$")
COVER_YEAR = re.compile(r"\d{4}年度?$")
BUDGET_EXPLANATION = re.compile(r"^(20\d{2}年度?)?(部门|单位)?预算(编制|情况)说明$")
PART_HEADING = re.compile(r"^第[一二三四五六七八九十]部分.{0,28}$")
CJK_START = re.compile(r"^[\u4e00-\u9fff]")
YEAR_ANYWHERE = re.compile(r"(?<![\d.])(20\d{2})\s*[(（]?年")
FIGURE_CELL = re.compile(r"^-?[\d,]+(\.\d+)?$|^\[?\d{3,7}")
NOTE = re.compile(r"^(注|备注|说明)[:：]")
SECTION = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(.{2,40})$")
SECTION_KEYS = [
    ("duties", "职责"), ("overview", "总体情况"), ("operating_costs", "机关运行经费"),
    ("sangong", "三公"), ("special_funds", "专项资金"), ("performance", "整体绩效"),
    ("projects", "项目"), ("procurement", "政府采购"), ("assets", "国有资产"),
    ("glossary", "名词解释"), ("other", "其他"),
]
ORGANISATION_CAPTION = re.compile(r"\n?(部门|单位)?机构设置情况$")
PROJECT_TITLE = re.compile(r"绩效目标表\s*$")
WRAPPED_TITLE_HEAD = re.compile(r"\n?(\d+、[^。；\n]*)$")


@dataclass
class RawTable:
    """One of the nine tables as met: its page pieces, before rows are interpreted."""

    kind: str
    title: str
    priority: int = 1
    unit: str | None = None
    pieces: list[Table] = field(default_factory=list)
    empty_note: str = ""

    @property
    def last_page(self) -> int | None:
        pages = [p for piece in self.pieces for p in piece.row_pages if p is not None]
        return max(pages, default=None)


@dataclass
class Part:
    """A department's or a unit's share of the document."""

    scope: str
    code: str = ""
    name: str = ""
    year: int | None = None
    years_seen: set = field(default_factory=set)
    names_seen: Counter = field(default_factory=Counter)
    tables: dict[str, RawTable] = field(default_factory=dict)
    narrative: list[dict] = field(default_factory=list)
    organisation: list[dict] = field(default_factory=list)
    # (title, upper table, indicator table pieces) per …绩效目标表
    project_tables: list[tuple[str, Table, list[Table]]] = field(default_factory=list)
    other_tables: list[Table] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # The part this one prints again (a file repeating a disclosure): whose name it takes
    # when it prints none of its own.
    copy_of: "Part | None" = None


@dataclass
class Pending:
    """A title met, waiting for its grid: the lines printed between them."""

    match: TitleMatch
    title: str
    page: int | None
    unit: str | None = None
    entity: str = ""
    code: str = ""
    years: list[int] = field(default_factory=list)


def table_kind(text: str) -> str | None:
    """Which of the nine tables a title line announces (None for prose and other tables)."""
    match = layouts().title(text)
    return match.kind if match and match.kind != "other" else None


def section_key(title: str) -> str | None:
    for key, word in SECTION_KEYS:
        if word in title:
            return key
    return None


def is_caption_cell(text: str) -> bool:
    """A line printed inside a grid's first rows: title, 表N label, unit, name or year line."""
    lay, core = layouts(), normalise(text)
    return bool(lay.title(text) or TABLE_LABEL.match(core) or lay.unit_of(text) and len(core) < 40
                or lay.entity_of(text) or BUDGET_YEAR.search(text) or lay.titled_entity(text))


def is_caption_row(row: list[str]) -> bool:
    filled = [c for c in row if c]
    if not filled or not any(is_caption_cell(c) for c in filled):
        return False
    return all(is_caption_cell(c) or HEBEI_ENTITY.match(c) or layouts().is_body_name(c)
               for c in filled)


def trimmed(block: Table) -> tuple[list[str], Table, list[str]]:
    """A grid without its empty rows and columns, with the caption lines of its first rows and
    the note lines of its last rows taken out (spreadsheet producers print them in the grid)."""
    pairs = [(row, page) for row, page in zip(block.rows, block.row_pages, strict=False)
             if any(row)]
    # Empty columns at the left edge are the producer's margin; inner and right columns stay,
    # empty or not, so continuation pages keep the header's positions.
    width = max((len(r) for r, _ in pairs), default=0)
    left = next((j for j in range(width) if any(j < len(r) and r[j] for r, _ in pairs)), 0)
    pairs = [(r[left:] + [""] * (width - len(r)), p) for r, p in pairs]
    head, tail = [], []
    while pairs and is_caption_row(pairs[0][0]):
        head += [c for c in dict.fromkeys(pairs.pop(0)[0]) if c]
    while pairs and len([c for c in pairs[-1][0] if c]) == 1 and \
            NOTE.match(clean(next(c for c in pairs[-1][0] if c))):
        tail.insert(0, next(c for c in pairs.pop()[0] if c))
    table = Table([r for r, _ in pairs], block.page, [p for _, p in pairs])
    return head, table, tail


class Recogniser:
    def __init__(self):
        self.parts: list[Part] = []
        self.pending: Pending | None = None
        self.table: RawTable | None = None
        self.section: dict | None = None
        self.project_title = ""
        self.after: str | None = None  # what the previous grid was: "project" or "indicators"
        self.document_names: Counter = Counter()  # covers and running headers
        self.document_years: Counter = Counter()
        self.document_scope: str | None = None
        self.units_printed: Counter = Counter()
        self.label_names: Counter = Counter()  # `部门名称 | X` cells inside grids
        self.cover_names: Counter = Counter()  # a body's name alone on the first pages
        self.last_cover_line = ""
        self.weak_years: Counter = Counter()
        self.line_names: Counter = Counter()

    @property
    def part(self) -> Part:
        if not self.parts:
            self.parts.append(Part(scope="department"))
        return self.parts[-1]

    # Lines -------------------------------------------------------------------------------
    def paragraph(self, text: str, page) -> None:
        lay = layouts()
        text = text.strip()
        if not text:
            return
        self.after = None
        title = lay.title(text)
        if title:
            return self._title(title, text, page)
        if page is not None and page <= 2:
            self._cover_line(text)
        if titled := lay.titled_entity(text):
            name, year, scope = titled
            self.document_names[name] += 1
            if year:
                self.document_years[year] += 1
            self.document_scope = self.document_scope or scope
        unit, entity = lay.unit_of(text), lay.entity_of(text)
        if entity:
            self.line_names[entity] += 1  # whatever it heads: a KPI form, one of the nine
        years = [y for y in years_in(text)] if BUDGET_YEAR.search(text) else []
        target = self.pending
        # `<code> <name>` leads the header line (Hebei), alone or run together with the rest
        # of the line in one merged cell: `711河北…群工部预算年度：2024单位：万元`.
        hebei = HEBEI_ENTITY.match(CAPTION_TAIL.split(clean(text))[0])
        if target is not None and (unit or entity or years or hebei):
            target.unit = target.unit or unit
            target.years += years
            if hebei and not target.code:
                target.code, target.entity = hebei.group(1), hebei.group(2)
            elif entity:
                target.entity = target.entity or entity
            return
        if unit or entity or years:
            if self.table is not None and unit and not self.table.unit:
                self.table.unit = unit
            if unit:
                self.units_printed[unit] += 1
            if entity and self.table is not None:
                self.part.names_seen[entity] += 1
            return
        if NOTE.match(clean(text)) and self._note(text):
            return
        if TABLE_LABEL.match(normalise(text)):
            return
        if PART_HEADING.match(clean(text)):  # 第二部分 …: the narrative section before it ends
            self.section = self.table = None
            return
        self._prose(text, page)

    def _cover_line(self, text: str) -> None:
        """The cover: `2026年度` / `福州市商务局` / `部门预算` on lines of their own."""
        lay = layouts()
        name = COVER_YEAR.sub("", clean(text))
        joined = self.last_cover_line + name  # a long name wraps over two cover lines
        if lay.is_body_name(joined) and not lay.is_body_name(self.last_cover_line) and \
                CJK_START.match(name):
            self.cover_names[joined] += 1
        elif lay.is_body_name(name) and lay.place_words.search(name) and not lay.title(text):
            self.cover_names[name] += 1
        self.last_cover_line = name
        for year in years_in(text):
            self.document_years[year] += 1

    def _title(self, match: TitleMatch, text: str, page) -> None:
        # A heading over the title proper (一、收支预算总表 / 2026年度收支预算总表): the later
        # line wins, as does a 目录 line's successor.
        self.pending = Pending(match, clean(text), page)
        if match.kind == "other":  # a caption in the prose (部门固定资产占用情况表) stays prose
            return self._prose(text, page)
        self.section = None
        for year in years_in(text):
            self.document_years[year] += 1
        if match.scope:
            self.document_scope = self.document_scope or match.scope

    def _note(self, text: str) -> bool:
        """An empty table's note under it (注：本表无数据); other notes are prose."""
        note = clean(text)
        if self.table is not None and self.section is None and layouts().empty_note.search(note):
            self.table.empty_note = self.table.empty_note or note
            return True
        return self.table is not None and self.section is None

    def _prose(self, text: str, page) -> None:
        if BUDGET_EXPLANATION.match(clean(text)):  # 2024年部门预算编制说明: the overview
            self.table = None
            self.section = {"key": "overview", "title": text, "text": "", "page": page}
            self.part.narrative.append(self.section)
            return
        match = SECTION.match(text)
        if match and (key := section_key(match.group(2))):
            self.table = None
            self.section = {"key": key, "title": text, "text": "", "page": page}
            self.part.narrative.append(self.section)
            return
        if PROJECT_TITLE.search(text):
            self.project_title = text  # the caption of the KPI table that follows
            if self.section is not None:  # its first lines, when the title wrapped
                head = WRAPPED_TITLE_HEAD.search(self.section["text"])
                if head:
                    self.project_title = head.group(1) + text
                    self.section["text"] = self.section["text"][: head.start()]
            return
        if self.section is not None:
            joiner = "\n" if self.section["text"] and self._ends_paragraph() else ""
            self.section["text"] += joiner + text

    def _ends_paragraph(self) -> bool:
        return self.section["text"][-1:] in "。：；！？:;!?" or len(self.section["text"]) < 2

    # Grids -------------------------------------------------------------------------------
    def table_block(self, block: Table) -> None:
        head, block, tail = trimmed(block)
        for text in head:
            self.paragraph(text, block.page)
        self._label_names(block)
        if block.rows:
            first_cells = {clean(c) for row in block.rows[:3] for c in row}
            after, self.after = self.after, None
            if project_grid_kind(block):  # a KPI grid of one project per row (or a form)
                self.table, self.pending, self.after = None, None, None
                self.part.other_tables.append(block)
            elif "项目编码" in first_cells or "项目名称" in first_cells:
                self.part.project_tables.append((self.project_title, block, []))
                self.table, self.pending, self.after = None, None, "project"
            elif (is_indicator_table(block) or after == "indicators") and self.part.project_tables:
                self.part.project_tables[-1][2].append(block)
                self.after = "indicators"
            elif after == "project":  # the upper KPI table continued on the next page
                info = self.part.project_tables[-1][1]
                info.rows += block.rows
                info.row_pages += block.row_pages
                self.after = "project"
            elif {"单位名称", "单位性质"} <= first_cells:
                self.part.organisation.extend(organisation_rows(block))
                if self.section is not None:  # the table's caption is not prose
                    self.section["text"] = ORGANISATION_CAPTION.sub("", self.section["text"])
            else:
                self._grid(block)
        for text in tail:
            self.paragraph(text, block.page)

    def _grid(self, block: Table) -> None:
        pending, self.pending = self.pending, None
        near = pending is not None and pending.page is not None and block.page is not None and \
            0 <= block.page - pending.page <= 1
        if near and pending.match.kind == "other":
            self.table = None
            self.part.other_tables.append(block)
        elif near:
            self._start_or_continue(pending, block)
        elif self.table is not None and self._continues(block):
            self.table.pieces.append(block)
        else:
            self.table = None
            self.part.other_tables.append(block)

    def _continues(self, block: Table) -> bool:
        """A grid on the same or the next page that starts with rows of figures or with the
        table's own header again (not with another table's header)."""
        last = self.table.last_page
        if last is None or block.page is None or not 0 <= block.page - last <= 1:
            return False
        first = [normalise(c) for c in block.rows[0] if normalise(c)] if block.rows else []
        width = max(len(r) for r in self.table.pieces[0].rows) if self.table.pieces[0].rows else 0
        if not first or any(FIGURE_CELL.match(c) for c in first) or \
                max(len(r) for r in block.rows) == width:
            return True
        header = {normalise(c) for row in self.table.pieces[0].rows[:4] for c in row}
        return sum(c in header for c in first) >= len(first) / 2

    def _start_or_continue(self, pending: Pending, block: Table) -> None:
        kind = pending.match.kind
        if pending.unit:
            self.units_printed[pending.unit] += 1
        part = self._part_for(pending)
        current = self.table
        if current is not None and current.kind == kind and part.tables.get(kind) is current \
                and normalise(current.title) == normalise(pending.title) and self._continues(block):
            current.pieces.append(block)  # the title repeated on a continuation page
            return
        existing = part.tables.get(kind)
        if existing is not None and existing.pieces and pending.match.priority <= existing.priority:
            part.problems.append(f"{pending.title}（第{block.page}页）：文件中已有一张同类表"
                                 f"“{existing.title}”，此表按其他表处理")
            self.table = None
            part.other_tables.append(block)
            return
        self.table = RawTable(kind=kind, title=pending.title, priority=pending.match.priority,
                              unit=pending.unit, pieces=[block])
        part.tables[kind] = self.table
        for year in pending.years + years_in(pending.title):
            part.years_seen.add(year)

    def _part_for(self, pending: Pending) -> Part:
        """The part a table belongs to: a new one when its printed name (or Hebei code)
        differs from the current part's, or when a department part meets unit titles."""
        name = pending.entity
        part = self.parts[-1] if self.parts else None
        scope = pending.match.scope
        copy_of = None
        if part is not None and part.tables:
            differs = (name and part.names_seen and _same_body(name) not in
                       {_same_body(n) for n in part.names_seen}) or \
                (pending.code and part.code and pending.code != part.code) or \
                (scope == "unit" and part.scope == "department" and pending.code
                 and pending.code != part.code)
            if differs:
                part = None
            elif self._printed_again(part, pending):
                part, copy_of = None, part
        if part is None or (not part.tables and part.scope != (scope or part.scope)):
            if part is None or part.tables:
                part = Part(scope=scope or self.document_scope or "department", copy_of=copy_of)
                self.parts.append(part)
            else:
                part.scope = scope or part.scope
        elif not part.tables and scope:
            part.scope = scope
        if name:
            part.names_seen[name] += 1
        if pending.code and not part.code:
            part.code = pending.code
        return part

    def _printed_again(self, part: Part, pending: Pending) -> bool:
        """The title of a table the part has already read, met again after other tables:
        the document starts over (the same disclosure printed twice), it does not continue."""
        existing = part.tables.get(pending.match.kind)
        return existing is not None and existing is not self.table and \
            normalise(existing.title) == normalise(pending.title)

    def _label_names(self, block: Table) -> None:
        """`部门名称 | 北京市司法局` printed as two cells of a grid (Beijing's 13表), and the
        year of header cells such as `2026年预算数`."""
        lay = layouts()
        for row in block.rows[:6]:
            for cell in row:
                if match := HEADER_YEAR.match(clean(cell)):
                    self.document_years[int(match.group(1))] += 1
        for row in block.rows[:6]:
            filled = [c for c in row if clean(c)]
            for label, value in zip(filled, filled[1:], strict=False):
                if lay.entity_label.match(clean(label)) and lay.is_body_name(value):
                    self.label_names[clean(value)] += 1

    def producer_lines(self, lines: list[tuple[int, str]]) -> None:
        """Names and years from the page text in the producer's order (covers, running
        headers, `附件：北京市审计局2026年度部门预算报表`); any `2026年` as a last resort."""
        lay = layouts()
        for _page, line in lines:
            if titled := lay.titled_entity(line):
                name, year, scope = titled
                self.document_names[name] += 1
                if year:
                    self.document_years[year] += 1
            for year in YEAR_ANYWHERE.findall(line):
                self.weak_years[int(year)] += 1

    # Result ------------------------------------------------------------------------------
    def run(self, blocks: list[Block]) -> list[Part]:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block.text, block.page)
            else:
                self.table_block(block)
        parts = [p for p in self.parts if p.tables]
        for part in parts:
            self._resolve(part, first=part is parts[0])
        if not parts:
            parts = self._table_less()
        return parts

    def _resolve(self, part: Part, first: bool) -> None:
        if part.names_seen:
            part.name = part.names_seen.most_common(1)[0][0]
        elif first and (names := self.document_names or self.label_names or self.cover_names):
            part.name = names.most_common(1)[0][0]
        elif part.copy_of is not None:
            part.name, part.code = part.copy_of.name, part.code or part.copy_of.code
        years = Counter(part.years_seen) or self.document_years or self.weak_years
        if years:
            part.year = years.most_common(1)[0][0]
        default = self.units_printed.most_common(1)[0][0] if self.units_printed else None
        for raw in part.tables.values():
            raw.unit = raw.unit or default

    def _table_less(self) -> list[Part]:
        """A 情况说明 or a 绩效目标 file: no table of the nine, but the narrative or the KPI part
        of a disclosure, when the document says whose and which year."""
        content = [p for p in self.parts if p.narrative or p.project_tables or p.other_tables] \
            or self.parts[:1]
        names = self.document_names or self.label_names or self.line_names or self.cover_names
        if not content or not names:
            return []
        part = content[0]
        for other in content[1:]:
            part.narrative += other.narrative
            part.project_tables += other.project_tables
            part.other_tables += other.other_tables
        part.name = names.most_common(1)[0][0]
        years = self.document_years or self.weak_years
        part.year = years.most_common(1)[0][0] if years else None
        part.scope = self.document_scope or "department"
        return [part]


def _same_body(name: str) -> str:
    return re.sub(r"[(（]本级[)）]$", "", clean(name))


def organisation_rows(block: Table) -> list[dict]:
    header = [clean(c) for c in block.rows[0]]
    index = {label: header.index(label) for label in ("单位名称", "单位性质", "单位规格", "经费保障形式")
             if label in header}
    rows = []
    for row in block.rows[1:]:
        get = lambda label, r=row: r[index[label]] if label in index else ""  # noqa: E731
        if get("单位名称"):
            rows.append({"name": get("单位名称"), "nature": get("单位性质"), "rank": get("单位规格"),
                         "funding": get("经费保障形式")})
    return rows


def recognise(document: ExtractedDocument) -> list[Part]:
    recogniser = Recogniser()
    recogniser.producer_lines(document.page_lines)
    return recogniser.run(document.blocks)
