"""Step 2: blocks → recognised disclosure parts (department, then each unit of 第二部分), each with
its nine tables (header rows dropped, pages stitched, columns matched by meaning), narrative
sections, organisation table and project KPI tables. Plain data, no Django."""

import re
from dataclasses import dataclass, field

from ingest.extract import Block, ExtractedDocument, Paragraph, Table

TITLES = [  # most specific first: 财政拨款收支总表 also contains 收支总表
    ("fiscal_summary", r"财政拨款收支总表"),
    ("summary", r"收支总表"),
    ("revenue_by_function", r"收入总表"),
    ("expenditure_by_function", r"支出总表"),
    ("basic_by_economic", r"基本支出表"),
    ("general_budget_by_function", r"一般公共预算财政拨款支出表"),
    ("gov_fund_by_function", r"政府性基金.{0,6}支出表"),
    ("state_capital_by_function", r"国有资本经营.{0,6}支出表"),
    ("sangong", r"三公.{0,3}经费支出表"),
]
ENTITY = re.compile(r"^(\d{3,9})\s*([^\d\s].*)$")
YEAR = re.compile(r"预算年\s*度[:：]?\s*(\d{4})")
EMPTY_NOTE = re.compile(r"^注[:：].*(空表|无).*")
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
    pieces: list[Table] = field(default_factory=list)
    empty_note: str = ""


@dataclass
class Part:
    """A department's or a unit's share of the document."""

    scope: str
    code: str = ""
    name: str = ""
    year: int | None = None
    years_seen: set = field(default_factory=set)
    tables: dict[str, RawTable] = field(default_factory=dict)
    narrative: list[dict] = field(default_factory=list)
    organisation: list[dict] = field(default_factory=list)
    # (title, upper table, indicator table pieces) per …绩效目标表
    project_tables: list[tuple[str, Table, list[Table]]] = field(default_factory=list)
    other_tables: list[Table] = field(default_factory=list)


def table_kind(text: str) -> str | None:
    """Which of the nine tables a title line announces (None for prose and the 目录)."""
    compact = re.sub(r"\s+", "", text)
    if len(compact) > 40 or not compact.endswith("表") or "预算" not in compact:
        return None
    for kind, pattern in TITLES:
        if re.search(pattern, compact):
            return kind
    return None


def section_key(title: str) -> str | None:
    for key, word in SECTION_KEYS:
        if word in title:
            return key
    return None


class Recogniser:
    def __init__(self):
        self.parts: list[Part] = []
        self.table: RawTable | None = None
        self.in_part_two = False
        self.expect_entity = False
        self.section: dict | None = None
        self.project_title = ""
        self.after: str | None = None  # what the previous table was: "project" or "indicators"

    @property
    def part(self) -> Part:
        if not self.parts:
            self.parts.append(Part(scope="department"))
        return self.parts[-1]

    def paragraph(self, block: Paragraph) -> None:
        self.after = None
        text = block.text.strip()
        kind = table_kind(text)
        if kind:
            return self._start_table(kind, text)
        if "第二部分" in text and len(text) < 30:
            self.in_part_two, self.table, self.section = True, None, None
            return
        if (year := YEAR.search(text)) and self.table is not None:
            self.part.year = self.part.year or int(year.group(1))
            self.part.years_seen.add(int(year.group(1)))
            self.expect_entity = False
            return
        if self.expect_entity and self.table is not None and self._entity_line(text):
            return
        if self.table is not None and EMPTY_NOTE.match(re.sub(r"\s+", "", text)):
            self.table.empty_note = re.sub(r"\s+", "", text)
            return
        if re.sub(r"\s+", "", text).startswith("单位：") or text.startswith("单位:"):
            return
        self._prose(text, block.page)

    def _entity_line(self, text: str) -> bool:
        match = ENTITY.match(text)
        if match and not self.table.pieces:
            code, name = match.group(1), re.sub(r"\s+", "", match.group(2))
            part = self.part
            if not part.code:
                part.code, part.name = code, name
            return True
        return False

    def _start_table(self, kind: str, title: str) -> None:
        part = self.parts[-1] if self.parts else None
        if part is None or kind in part.tables or (part.narrative or part.project_tables):
            scope = "unit" if self.in_part_two or "单位预算" in title else "department"
            self.parts.append(Part(scope=scope))
        self.table = RawTable(kind=kind, title=re.sub(r"\s+", "", title))
        self.part.tables[kind] = self.table
        self.section, self.expect_entity = None, True

    def _prose(self, text: str, page) -> None:
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

    def table_block(self, block: Table) -> None:
        from ingest.projects import is_indicator_table

        first_cells = {c for row in block.rows[:3] for c in row}
        after, self.after = self.after, None
        if "项目编码" in first_cells or "项目名称" in first_cells:
            self.part.project_tables.append((self.project_title, block, []))
            self.table, self.after = None, "project"
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
        elif self.table is not None:
            self._caption_rows(block)
            self._note_rows(block)
            if block.rows:
                self.table.pieces.append(block)
        else:
            self.part.other_tables.append(block)

    def _caption_rows(self, block: Table) -> None:
        """Header lines printed as the table's first row(s): `<code><name>`, 预算年度, 单位."""
        while block.rows and "序号" not in block.rows[0] and any(
                YEAR.search(c) or c.startswith("单位：") for c in block.rows[0]):
            row = block.rows.pop(0)
            block.row_pages.pop(0)
            for cell in dict.fromkeys(row):
                if year := YEAR.search(cell):
                    self.part.year = self.part.year or int(year.group(1))
                    self.part.years_seen.add(int(year.group(1)))
                elif (entity := ENTITY.match(cell)) and not self.table.pieces and not self.part.code:
                    self.part.code, self.part.name = entity.group(1), entity.group(2)

    def _note_rows(self, block: Table) -> None:
        """An empty table's note printed inside the grid (spreadsheets do this)."""
        for i in reversed(range(len(block.rows))):
            filled = [c for c in block.rows[i] if c]
            if len(filled) == 1 and EMPTY_NOTE.match(filled[0]):
                self.table.empty_note = filled[0]
                del block.rows[i], block.row_pages[i]

    def run(self, blocks: list[Block]) -> list[Part]:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block)
            else:
                self.table_block(block)
        return [p for p in self.parts if p.tables]


def organisation_rows(block: Table) -> list[dict]:
    header = block.rows[0]
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
    return Recogniser().run(document.blocks)
