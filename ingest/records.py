"""Step 3: recognised parts → records, in the plain-data shape `budgets.services.disclosures_store`
takes (budgets/sample_data/README.md), with the source page of every row and the money unit
printed for every table.

Columns are matched by what their header cells mean (bottom up, generic words taking their
group's meaning), label columns by what they hold, so drifting headers, merged header rows and
extra columns land in the right place. A column nobody understands is still stored, under its
printed header (`x:…`), and reported. Amounts stay exactly as printed (thousands separators
removed).
"""

import re
from dataclasses import dataclass, field

from budgets.codes import is_classification_code
from budgets.schema import FISCAL_REVENUE_ITEMS as FUNDS
from budgets.schema import TABLE_COLUMNS
from ingest.amounts import is_amount_cell, printed_amount
from ingest.layouts import clean, function_names, label_core, layouts, normalise
from ingest.projects import project_record, projects_from_grids
from ingest.recognise import Part, RawTable

CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
BRACKETED = re.compile(r"^[\[【](\d{3}(?:\d{2}){0,2})[\]】](.*)$")
# `2040601-行政运行`; a character or two of the row above may hang before it (护2130308-…)
HYPHENED = re.compile(r"^\D{0,2}?(\d{3}(?:\d{2}){0,2})[-－—](\D.*)$")
UNIT_LABEL = re.compile(r"(预算单位|单位名称|部门名称|单位代码|部门代码|单位编码|部门编码)")
CODE_LABEL = re.compile(r"(编码|代码|^类$|^款$|^项$)")
NUMBERED = re.compile(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
SEQUENCE = re.compile(r"^(序号|行次|栏次|行号)$")
TWO_SIDED = ("summary", "fiscal_summary")


# Headers -------------------------------------------------------------------------------------
def is_stub_row(row: list[str]) -> bool:
    """A 栏次 row (`栏次 | 1 | 2 | 3`) or one of bare column numbers."""
    filled = [clean(c) for c in row if c]
    if filled and filled[0].replace(" ", "") in ("栏次", "栏"):
        return True
    return len(filled) >= 2 and all(c.isdigit() and len(c) <= 2 for c in filled) and \
        [int(c) for c in filled] == list(range(int(filled[0]), int(filled[0]) + len(filled)))


def is_data_row(row: list[str]) -> bool:
    """A row of figures: a code in the first columns, an amount, or a 合计 label that leads a
    row of amounts or blanks (a header row may start with 合计 too, but goes on in words)."""
    cells = [clean(c) for c in row]
    filled = [c for c in cells if c]
    if not filled:
        return False
    if any(j < 4 and (CODE.match(c) or BRACKETED.match(c) or HYPHENED.match(c))
           for j, c in enumerate(cells)):
        return True
    amounts = [c for c in filled if printed_amount(c) and ("." in c or "," in c or c == "0")]
    if amounts:
        return True
    if layouts().is_total(filled[0]) or re.fullmatch(r"20\d{2}年", filled[0]):
        return all(printed_amount(c) is not None for c in filled[1:])
    return False


def split_header(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]], int]:
    """(header rows, data rows, index of the first data row), 栏次 rows dropped. A 栏次 row
    near the top ends the header whatever stands above it (a header cell may read 合计)."""
    for i, row in enumerate(rows[:8]):
        if is_stub_row(row):
            return rows[:i], rows[i + 1:], i + 1
    for i, row in enumerate(rows):
        if is_data_row(row):
            return [r for r in rows[:i] if not is_stub_row(r)], rows[i:], i
        if is_stub_row(row):
            return rows[:i], rows[i + 1:], i + 1
    return rows, [], len(rows)


def header_paths(header: list[list[str]], width: int) -> list[list[str]]:
    """The header cells above each column, top to bottom. A group label printed once over
    several columns (a merged cell) is carried right over the columns that have sub-labels
    below it."""
    paths = [[] for _ in range(width)]
    for r, row in enumerate(header):
        below = header[r + 1:]
        carried = ""
        for j in range(width):
            cell = clean(row[j]) if j < len(row) else ""
            labelled_below = any(j < len(b) and clean(b[j]) for b in below)
            if cell:
                carried = cell
            elif labelled_below and carried:
                cell = carried
            else:
                carried = carried if labelled_below else ""
            if cell and (not paths[j] or paths[j][-1] != cell):
                paths[j].append(cell)
    return paths


@dataclass
class Columns:
    """What each column of a grid holds: label columns (codes, names, units, years) and
    money columns with their keys."""

    labels: list[int] = field(default_factory=list)
    code_columns: list[int] = field(default_factory=list)
    unit_column: int | None = None
    year_column: int | None = None
    money: dict[int, str] = field(default_factory=dict)
    paths: list[list[str]] = field(default_factory=list)


def read_columns(header: list[list[str]], data: list[list[str]], width: int,
                 repeats: bool = False) -> Columns:
    """Label and money columns of a grid. `repeats`: two-sided tables print one money key on
    each side."""
    lay = layouts()
    paths = header_paths(header, width)
    columns = Columns(paths=paths)
    used: set[str] = set()
    for j in range(width):
        path = [normalise(p) for p in paths[j]]
        cells = [clean(r[j]) for r in data if j < len(r) and clean(r[j])]
        texty = sum(1 for c in cells if printed_amount(c) is None)
        codes = sum(1 for c in cells if c.isdigit())
        bottom = path[-1] if path else ""
        if SEQUENCE.match(bottom):
            continue  # 序号: the row's number, neither code nor name nor money
        if path and UNIT_LABEL.search("".join(path)) and not any(is_amount_cell(c) and "." in c
                                                                  for c in cells):
            if CODE_LABEL.search(bottom):  # 单位代码: the unit's code (328001)
                columns.code_columns.append(j)
            elif columns.unit_column is None:
                columns.unit_column = j
            columns.labels.append(j)
            continue
        if bottom == "年度":
            columns.year_column = j
            columns.labels.append(j)
            continue
        # The header decides where it speaks; only a column without one is judged by its cells.
        is_label = lay.is_label_header(path) or lay.column_key(paths[j], repeats) is None \
            if path else bool(cells) and texty > len(cells) / 2
        if path and CODE_LABEL.search(bottom) or (cells and codes == len(cells) and not any(
                "." in c for c in cells) and (not path or lay.is_label_header(path))):
            columns.code_columns.append(j)
            columns.labels.append(j)
            continue
        if is_label:
            columns.labels.append(j)
            continue
        key = lay.column_key(paths[j], repeats) or f"x:{'/'.join(path) or j + 1}"
        if key in used and not repeats:
            key = f"x:{'/'.join(path) or j + 1}"[:64]
        used.add(key)
        columns.money[j] = key
    return columns


# Rows ----------------------------------------------------------------------------------------
@dataclass
class Grid:
    """A table's data rows over all its pages, with the columns of each row's page piece."""

    rows: list[list[str]] = field(default_factory=list)
    pages: list[int | None] = field(default_factory=list)
    columns: list[Columns] = field(default_factory=list)


def stitched(raw: RawTable, problems: list) -> Grid:
    """Data rows of every page piece: repeated headers dropped, a row cut by the page break
    joined back to the row it continues."""
    grid, header, first_columns = Grid(), [], None
    repeats = raw.kind in TWO_SIDED
    for number, piece in enumerate(raw.pieces):
        piece_header, data, start = split_header(piece.rows)
        if number and header:  # a continuation: only rows repeating the header are header
            start = _repeated_rows(piece.rows, header)
            piece_header = [r for r in piece.rows[:start] if not is_stub_row(r)]
            data = piece.rows[start:]
        width = max((len(r) for r in piece.rows), default=0)
        if piece_header or first_columns is None:
            header = piece_header or header
            columns = read_columns(piece_header or header, data, width, repeats)
            first_columns = first_columns or columns
        else:
            columns = first_columns
            if width < len(first_columns.paths):  # merged label cells: money stays right
                data = [_aligned(row, len(first_columns.paths)) for row in data]
            elif width > len(first_columns.paths):
                columns = read_columns(header, data, width, repeats)
        width = max(width, len(columns.paths))
        for i, row in enumerate(data):
            row = row + [""] * (width - len(row))
            page = piece.row_pages[start + i] if start + i < len(piece.row_pages) else piece.page
            if number and i == 0 and grid.rows and _is_fragment(row, columns):
                grid.rows[-1] = [a + b for a, b in zip(grid.rows[-1], row, strict=False)]
                continue
            grid.rows.append(row)
            grid.pages.append(page)
            grid.columns.append(columns)
    return grid


def _aligned(row: list[str], width: int) -> list[str]:
    """A row of a page piece whose label cells were merged: its first cell, then blanks, then
    its money cells flush with the header's right edge."""
    return row[:1] + [""] * (width - len(row)) + row[1:]


def _repeated_rows(rows: list[list[str]], header: list[list[str]]) -> int:
    """How many leading rows of a continuation page repeat the header (or are 栏次 rows)."""
    words = {normalise(c) for r in header for c in r if c}
    count = 0
    for row in rows:
        cells = [normalise(c) for c in row if normalise(c)]
        if not (is_stub_row(row) or cells and all(c in words for c in cells)):
            break
        count += 1
    return count


def _is_fragment(row: list[str], columns: Columns) -> bool:
    """The rest of a row cut by a page break: in a table with codes, a row without its code
    (the name's last line, the amounts' last digits); elsewhere a row without any label."""
    if not any(clean(c) for c in row):
        return False
    if columns.unit_column is not None and clean(row[columns.unit_column]):
        return False  # the head of the next unit's block
    code, name, _ = label_code_name(row, columns)
    if columns.code_columns:
        return not code and not layouts().is_total(name)
    return not any(clean(row[j]) for j in columns.labels if j < len(row))


def label_code_name(row: list[str], columns: Columns, economic: bool = False
                    ) -> tuple[str, str, bool]:
    """(code, name, whether the row's code is a classification code as printed) from the label
    cells: code columns (one, or 类|款|项), `2040601-行政运行`, `[2010501]行政运行`."""
    cells = [(j, clean(row[j])) for j in columns.labels
             if j < len(row) and j not in (columns.unit_column, columns.year_column)]
    code_parts = [text for j, text in cells if j in columns.code_columns and text.isdigit()]
    names = [text for j, text in cells if text and (j not in columns.code_columns or
                                                    not text.isdigit())]
    code = ""
    if code_parts and all(p.isdigit() for p in code_parts):
        head, *rest = code_parts
        code = head + "".join(p.zfill(2) for p in rest) if len(head) == 3 else "".join(code_parts)
    joined_names, joined_codes = [], []
    for text in names:
        match = BRACKETED.match(text) or HYPHENED.match(text)
        if match:
            joined_codes.append(match.group(1))
            joined_names.append(match.group(2))
        else:
            joined_names.append(text)
    if joined_codes and not code:
        # Beijing prints 政府 and 部门 economic classes side by side: the 部门 one (3xx) is
        # the class of the basic-expenditure table
        preferred = [c for c in joined_codes if c.startswith("3")] if economic else []
        code = (preferred or joined_codes)[0]
        if economic and preferred:
            joined_names = joined_names[joined_codes.index(code):][:1]
    if not joined_names and code_parts and not code:
        joined_names = code_parts
    return code, "·".join(joined_names), is_classification_code(code)


def one_sided_rows(grid: Grid, kind: str, problems: list, title: str) -> dict:
    lay = layouts()
    keys = _column_keys(grid, kind)
    out = {"rows": [], "pages": [], "columns": keys, "column_labels": _labels(grid)}
    for row, page, columns in zip(grid.rows, grid.pages, grid.columns, strict=False):
        code, name, classified = label_code_name(row, columns, kind == "basic_by_economic")
        unit_name = clean(row[columns.unit_column]) if columns.unit_column is not None else ""
        if kind == "revenue_by_function" and not name:
            name = unit_name
        if not classified:
            if lay.is_total(name) or (not name and not code and unit_name):
                code, name = "", name or unit_name
            elif code and kind == "revenue_by_function":
                pass  # a unit's code (328001)
            elif kind == "revenue_by_function" and (unit_name or name):
                code, name = "unit", name or unit_name
            elif name:
                inferred = lay.spending_line(name) if kind != "basic_by_economic" else None
                code = inferred if inferred and inferred.isdigit() else "line"
                if code == "line":
                    problems.append(f"{title}：行“{name}”没有印出科目编码，按原文名称保存")
            elif not any(clean(row[j]) for j in columns.money):
                continue
        amounts = _amounts(row, columns, keys, problems, f"{title} {code or name}")
        out["rows"].append([code, name, *amounts])
        out["pages"].append(page)
    return out


def basic_column_as_total(grid: Grid) -> None:
    """A spending-by-economic-class table standing in for the 基本支出 table (Shenzhen's
    表8): its 基本支出 column is the basic table's 合计; its own 合计 is kept under its
    printed header."""
    for columns in {id(c): c for c in grid.columns}.values():
        keys = set(columns.money.values())
        if "basic" in keys and "personnel" not in keys:
            columns.money = {j: ("total" if k == "basic" else
                                 f"x:{'/'.join(columns.paths[j])}"[:64] if k == "total" else k)
                             for j, k in columns.money.items()}


def _column_keys(grid: Grid, kind: str) -> list[str]:
    """The table's column keys: the standard ones of its kind first, then any other the
    document prints, in printed order."""
    printed = list(dict.fromkeys(k for columns in grid.columns for k in columns.money.values()))
    standard = [k for k in TABLE_COLUMNS.get(kind, ()) if k in printed]
    return standard + [k for k in printed if k not in standard]


def _labels(grid: Grid) -> dict[str, str]:
    labels = {}
    for columns in grid.columns[:1] + grid.columns[-1:]:
        for j, key in columns.money.items():
            labels.setdefault(key, "/".join(columns.paths[j]))
    return labels


def _amounts(row: list[str], columns: Columns, keys: list[str], problems: list,
             where: str) -> list[str]:
    values = {}
    for j, key in columns.money.items():
        if j >= len(row):
            continue
        value = printed_amount(row[j])
        if value is None:
            problems.append(f"{where}：无法识别的金额“{clean(row[j])}”")
            value = ""
        values[key] = value
    return [values.get(k, "") for k in keys]


def two_sided_rows(grid: Grid, kind: str, problems: list, title: str) -> dict:
    """收支总表 and 财政拨款收支总表: revenue on the left, spending on the right, each side a
    label column and the money columns after it."""
    lay = layouts()
    if not grid.columns:
        return {"rows": [], "pages": [], "columns": ["total"], "column_labels": {}}
    revenue, spending, rev_pages, spend_pages = [], [], [], []
    keys: list[str] = []
    after_carryover = False
    # Where the classes are numbered (一、 （一）), an unnumbered line is a 款 or 项 under one.
    numbered_classes = any(NUMBERED.match(clean(row[label])) for row, columns in
                           zip(grid.rows, grid.columns, strict=False)
                           for label, _ in _sides(columns)[1:2] if label < len(row))
    for row, page, columns in zip(grid.rows, grid.pages, grid.columns, strict=False):
        sides = _sides(columns)
        if len(sides) < 2:
            problems.append(f"{title}：未找到收入和支出两侧的“项目”栏")
            break
        for side, (label, money) in enumerate(sides[:2]):
            name = clean(row[label]) if label < len(row) else ""
            side_columns = Columns(labels=[label], money={j: columns.money[j] for j in money})
            side_keys = list(dict.fromkeys(side_columns.money.values()))
            values = _amounts(row, side_columns, side_keys, problems, f"{title} {name}")
            if not name:
                if any(values):
                    problems.append(f"{title}：第{page}页有金额没有项目名称，未读取")
                continue
            if side == 0:
                code = lay.revenue_line(name)
                if code in FUNDS and after_carryover:
                    code = f"carryover_in_{code}"
                after_carryover = after_carryover or code == "carryover_in"
                target, pages = revenue, rev_pages
            else:
                code = lay.spending_line(name)
                if code and code.isdigit() and numbered_classes and not NUMBERED.match(name):
                    code = None  # an unnumbered 款 or 项 named like a class (其他支出)
                target, pages = spending, spend_pages
            inferred = False
            if code is None and side == 1:
                code = inferred_code(name, [c for c, _n, _v, _i in spending if c.isdigit()])
                inferred = code is not None
            if code is None:
                code = "line"
                if any(values):
                    problems.append(f"{title}：无法识别的项目“{name}”，按原文名称保存")
            keys += [k for k in side_keys if k not in keys]
            target.append((code, name, dict(zip(side_keys, values, strict=False)), inferred))
            pages.append(page)
    keys = sorted(keys, key=lambda k: (k != "total", keys.index(k)))
    rows = [[code, name, *[values.get(k, "") for k in keys]]
            for code, name, values, _ in revenue + spending]
    return {"rows": rows, "pages": rev_pages + spend_pages, "columns": keys or ["total"],
            "column_labels": _labels(grid),
            "inferred": [inferred for *_, inferred in revenue + spending]}


def inferred_code(name: str, codes_above: list[str]) -> str | None:
    """The 款 or 项 code of a line printed by name only (indentation shows its level), from
    the names published under the nearest class or 款 above it (`data/function_names.yaml`)."""
    core = label_core(name)
    parents = [c for c in reversed(codes_above) if len(c) in (3, 5)]
    for parent in parents[:2]:
        matches = [code for code, printed in function_names().items()
                   if code.startswith(parent) and len(code) == len(parent) + 2
                   and label_core(printed) == core]
        if len(matches) == 1:
            return matches[0]
    return None


def _sides(columns: Columns) -> list[tuple[int, list[int]]]:
    """(label column, its money columns) for each side, left to right."""
    sides = []
    for label in sorted(columns.labels):
        money = [j for j in sorted(columns.money) if j > label and
                 not any(label < other < j for other in columns.labels)]
        if money or not sides:
            sides.append((label, money))
    return sides


def sangong_rows(grid: Grid, year: int | None, problems: list, title: str) -> dict:
    """三公: vertical (items as rows: Guangzhou, Fuzhou, Hebei) or horizontal (items as
    columns: Beijing, Shanghai, Jiangsu, Shenzhen — then turned into rows)."""
    lay = layouts()
    vertical = any(lay.sangong_item(label_code_name(r, c)[1] or "") is not None
                   for r, c in zip(grid.rows, grid.columns, strict=False))
    if vertical:
        out = {"rows": [], "pages": [], "columns": _column_keys(grid, "sangong"),
               "column_labels": _labels(grid)}
        for row, page, columns in zip(grid.rows, grid.pages, grid.columns, strict=False):
            _, name, _ = label_code_name(row, columns)
            code = lay.sangong_item(name)
            if code is None:
                if name:
                    problems.append(f"{title}：无法识别的行“{name}”，按原文名称保存")
                code = "line"
            out["rows"].append([code, name, *_amounts(row, columns, out["columns"], problems,
                                                      f"{title} {name}")])
            out["pages"].append(page)
        return out
    return horizontal_sangong(grid, year, problems, title)


def horizontal_sangong(grid: Grid, year: int | None, problems: list, title: str) -> dict:
    lay = layouts()
    items: dict[str, dict[str, str]] = {}
    pages: dict[str, int | None] = {}
    names: dict[str, str] = {}
    for row, page, columns in zip(grid.rows, grid.pages, grid.columns, strict=False):
        suffix = _year_row_suffix(row, columns, year)
        if suffix is None:
            continue
        for j, _key in columns.money.items():
            path = columns.paths[j]
            fund = next((f for f in FUNDS for p in reversed(path)
                         if lay.column_key([p]) == f), "total")
            item_labels = [p for p in reversed(path)
                           if not lay.generic_columns.match(normalise(p)) and
                           lay.column_key([p]) not in FUNDS]
            item = next((found for found in map(lay.sangong_item, item_labels)
                         if found is not None), "") or "sangong_total"
            column = fund if not suffix else f"x:{suffix}/{fund}"
            value = printed_amount(row[j]) if j < len(row) else ""
            if value is None:
                problems.append(f"{title}：无法识别的金额“{clean(row[j])}”")
                value = ""
            items.setdefault(item, {})[column] = value
            pages.setdefault(item, page)
            names.setdefault(item, "/".join(p for p in path if p))
    keys = list(dict.fromkeys(k for values in items.values() for k in values))
    keys.sort(key=lambda k: (k != "total", k.startswith("x:")))
    rows = [[item, names[item], *[values.get(k, "") for k in keys]] for item, values in items.items()]
    return {"rows": rows, "pages": [pages[item] for item in items], "columns": keys,
            "column_labels": {k: k for k in keys}}


def _year_row_suffix(row: list[str], columns: Columns, year: int | None) -> str | None:
    """"" for the budget year's row (or a table without year rows), the printed label for the
    other rows (2025年, 增减变化金额), None for rows without money."""
    if not any(clean(row[j]) for j in columns.money if j < len(row)):
        return None
    if columns.year_column is None:
        return ""
    label = clean(row[columns.year_column])
    if year and label == f"{year}年" or not label:
        return ""
    return label


# Unit blocks ---------------------------------------------------------------------------------
def unit_blocks(grid: Grid) -> list[tuple[str, Grid]]:
    """A grid whose 预算单位 column names a unit at the head of each block of rows (Shenzhen):
    [(unit name, its rows)], the department's block first. One block when there is no such
    column."""
    blocks: list[tuple[str, Grid]] = []
    for row, page, columns in zip(grid.rows, grid.pages, grid.columns, strict=False):
        unit = clean(row[columns.unit_column]) if columns.unit_column is not None else ""
        if (unit or not blocks) and not (blocks and unit == blocks[-1][0]):
            blocks.append((unit, Grid()))  # a unit named again atop a page goes on
        block = blocks[-1][1]
        block.rows.append(row)
        block.pages.append(page)
        block.columns.append(columns)
    return blocks


# Records -------------------------------------------------------------------------------------
def table_record(raw: RawTable, grid: Grid, year: int | None, problems: list) -> dict:
    if raw.kind in TWO_SIDED:
        record = two_sided_rows(grid, raw.kind, problems, raw.title)
    elif raw.kind == "sangong":
        record = sangong_rows(grid, year, problems, raw.title)
    else:
        if raw.kind == "basic_by_economic":
            basic_column_as_total(grid)
        record = one_sided_rows(grid, raw.kind, problems, raw.title)
    pages = [p for p in grid.pages if p is not None] or \
        [p for piece in raw.pieces for p in piece.row_pages if p is not None]
    record.update(title=raw.title, unit=raw.unit or "万元", empty_note=raw.empty_note,
                  first_page=min(pages, default=None), last_page=max(pages, default=None))
    if raw.unit is None:
        problems.append(f"{raw.title}：未找到金额单位，按万元读取")
    return record


def part_records(part: Part) -> list[dict]:
    """The part's record, then one record for each unit whose rows its tables print in
    blocks (Shenzhen). Each with its reading problems."""
    problems = list(part.problems)
    tables: dict[str, dict] = {}
    units: dict[str, dict] = {}
    for kind, raw in part.tables.items():
        grid = stitched(raw, problems)
        blocks = (unit_blocks(grid) if kind != "revenue_by_function" else []) or [("", grid)]
        if len(blocks) > 1 and not blocks[0][0]:  # rows before the first unit: the department's
            blocks[1] = (blocks[1][0], Grid(blocks[0][1].rows + blocks[1][1].rows,
                                            blocks[0][1].pages + blocks[1][1].pages,
                                            blocks[0][1].columns + blocks[1][1].columns))
            blocks = blocks[1:]
        tables[kind] = table_record(raw, blocks[0][1], part.year, problems)
        for unit, block in blocks[1:]:
            units.setdefault(unit, {})[kind] = table_record(raw, block, part.year, problems)
    record = {
        "scope": part.scope, "code": part.code, "name": part.name or "", "name_variants": [],
        "tables": tables, "narrative": part.narrative, "organisation": part.organisation,
        "projects": [project_record(title, info, indicators, problems)
                     for title, info, indicators in part.project_tables]
        + projects_from_grids(part.other_tables, problems),
        "reading_problems": problems,
    }
    records = [record]
    for unit, unit_tables in units.items():
        records.append({"scope": "unit", "code": "", "name": unit, "name_variants": [],
                        "tables": unit_tables, "narrative": [], "organisation": [],
                        "projects": [], "reading_problems": []})
    return records
