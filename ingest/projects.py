"""Project KPI tables (…绩效目标表): the labelled upper table and the indicator rows."""

import re
from decimal import Decimal

from ingest.amounts import parse_amount, printed_amount
from ingest.extract import Table
from ingest.layouts import clean

PLAN_MONTHS = ("3月底", "6月底", "10月底", "12月底")
INDICATOR_LABELS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def _value_after(rows: list[list[str]], label: str) -> tuple[int, str]:
    """(row index, the first cell right of the label that is not the label repeated)."""
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell.startswith(label) or (label == "财政资金" and "财政资金" in cell):
                following = [c for c in row[j + 1:] if c and c != cell]
                return i, following[0] if following else ""
    return -1, ""


def _plan(rows: list[list[str]]) -> list[str]:
    """The four values under 3月底 … 12月底. A values row carried onto the next page has one
    cell per month (its merged cells read as one) rather than the header's grid."""
    for i, row in enumerate(rows[:-1]):
        if "3月底" in row:
            values = rows[i + 1]
            if len(values) == len(row):
                return [values[row.index(m)] if m in row else "" for m in PLAN_MONTHS]
            return (values[-4:] + [""] * 4)[:4] if len(values) >= 4 else ["", "", "", ""]
    return ["", "", "", ""]


def _purpose(rows: list[list[str]], budget_row: int) -> str:
    if budget_row < 0 or budget_row + 1 >= len(rows):
        return ""
    cells = [c for c in rows[budget_row + 1] if c and not c.startswith("预算规模")]
    return cells[0] if cells else ""


def is_indicator_table(table: Table) -> bool:
    return bool(table.rows) and "一级指标" in table.rows[0]


def indicator_rows(tables: list[Table]) -> tuple[list[list[str]], list]:
    """Indicator rows of every page piece; merged 一级/二级 labels filled down. The first row
    of a later piece with no 三级指标, or with neither 指标值 nor 依据, is the rest of a row cut
    by the page break."""
    rows, pages, previous = [], [], ["", ""]
    for number, table in enumerate(tables):
        header = table.rows[0] if is_indicator_table(table) else list(INDICATOR_LABELS)
        index = [header.index(label) if label in header else None for label in INDICATOR_LABELS]
        start = 1 if is_indicator_table(table) else 0
        for i, (row, page) in enumerate(zip(table.rows[start:], table.row_pages[start:],
                                            strict=False)):
            values = [row[k] if k is not None and k < len(row) else "" for k in index]
            if number and i == 0 and rows and any(values) and \
                    (not values[2] or not (values[4] or values[5])):
                rows[-1] = [a + b for a, b in zip(rows[-1], values, strict=True)]
                continue
            if not any(values[2:]):
                continue
            values[0] = values[0] or previous[0]
            values[1] = values[1] or previous[1]
            previous = values[:2]
            rows.append(values)
            pages.append(page)
    return rows, pages


def project_record(title: str, info: Table, indicator_tables: list[Table], problems: list) -> dict:
    rows = info.rows
    _, code = _value_after(rows, "项目编码")
    _, name = _value_after(rows, "项目名称")
    budget_row, budget = _value_after(rows, "预算数")
    _, fiscal = _value_after(rows, "财政资金")
    _, other = _value_after(rows, "其他资金")
    _, goal = _value_after(rows, "绩效目标")
    indicators, pages = indicator_rows(indicator_tables)
    where = f"{name or title} 绩效目标表"
    return {
        "code": code, "name": name, "budget": parse_amount(budget, problems, where),
        "fiscal_funds": parse_amount(fiscal, problems, where),
        "other_funds": parse_amount(other, problems, where),
        "purpose": _purpose(rows, budget_row), "plan": _plan(rows), "goal": goal,
        "indicators": indicators, "indicator_pages": pages, "page": info.page,
    }


# KPI grids printed one project per row or per block of rows (Beijing 预算12表, Guangzhou 项目
# 绩效 files and 表12) and department-wide forms (部门整体绩效目标). The layouts differ only in
# their header words, so the words are data: every label a column or a form line is printed
# with, by what it holds.
GRID_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称", "项目名称（资金使用单位）", "二级项目名称", "支出项目类别（资金使用单位）",
             "项目名称（单位）"),
    "code": ("项目编码", "项目代码"),
    "budget": ("总计", "项目总额", "预算数", "合计", "预算金额", "项目预算", "预算支出总额"),
    "fiscal": ("财政拨款", "财政资金"),
    "other": ("其他资金",),
    "goal": ("绩效目标", "总体绩效目标", "年度绩效目标", "整体绩效目标", "项目绩效目标", "总体目标"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标",),
    "nature": ("指标性质", "绩效指标性质"),
    "value": ("指标值", "年度指标值", "本年绩效指标值", "本年指标值", "目标值"),
    "unit": ("度量单位", "绩效度量单位", "计量单位"),
    "indicators": ("绩效指标",),  # every indicator in one cell, or 一级+二级+三级 run together
    "activity": ("活动",),
    "department": ("部门名称",),
}
# A department-wide form's total: the 合计 under 财政拨款 is not it.
FORM_BUDGET_LABELS = ("预算支出总额", "部门预算总额", "预算总额", "资金总额")
FORM_NAME = "部门整体绩效目标"
LEVEL_KEYS = ("level1", "level2", "level3")
INDICATOR_KEYS = (*LEVEL_KEYS, "indicators")
TOTAL_NAMES = ("合计", "总计")
# 一级指标 printed run together with the 二级 and 三级 in one cell: 产出指标数量指标培训人数.
JOINED_LEVELS = re.compile(r"^(产出指标|效益指标|满意度指标|成本指标)(.+?指标)(.*)$")
CODE_AND_NAME = re.compile(r"^(\d{8}[0-9A-Z]{6,})[-－—](.+)$")  # 11000022T000000444194-…
UNIT_IN_LABEL = re.compile(r"[（(][^（）()]*[）)]$")

_LABEL_KEYS = {label: key for key, labels in GRID_LABELS.items() for label in labels}


def grid_label(text: str) -> str | None:
    """What a header cell or form line stands for (a key of GRID_LABELS), or None. A unit in
    brackets (预算数（单位：万元）), a trailing colon and a leading 其中： do not count."""
    text = clean(text).rstrip("：:")
    text = text.removeprefix("其中：").removeprefix("其中:")
    for candidate in (text, UNIT_IN_LABEL.sub("", text)):
        if candidate in _LABEL_KEYS:
            return _LABEL_KEYS[candidate]
    return None


def _row_keys(row: list[str]) -> set[str]:
    return {key for cell in row if (key := grid_label(cell))}


def _header_row(rows: list[list[str]]) -> int | None:
    """The row that heads a grid of projects: a project-name label printed beside a goal or an
    indicator label."""
    for i, row in enumerate(rows[:4]):
        keys = _row_keys(row)
        if not keys & {"goal", *INDICATOR_KEYS}:
            continue
        # the name label may be run together with a project's text cut by the page break
        if "name" in keys or ("budget" in keys and keys & set(LEVEL_KEYS) and len(keys) >= 4):
            return i
    return None


def _is_department_form(rows: list[list[str]]) -> bool:
    """部门名称 at the left of one of the first rows, and a goal or indicator label below."""
    named = any(grid_label(next((c for c in row if c.strip()), "")) == "department"
                for row in rows[:4])
    return named and any(_row_keys(row) & {"goal", *INDICATOR_KEYS} for row in rows[:20])


def project_grid_kind(table: Table) -> str | None:
    """Which KPI layout a grid is: "project_rows" (a header of project name, amounts, goal and
    indicators, then one project per row or per block of rows), "department_form" (the
    部门整体 form), or None. The Hebei layout (a labelled upper table and a separate
    indicator table) is read by project_record."""
    if not table.rows:
        return None
    if _header_row(table.rows) is not None:
        return "project_rows"
    if _is_department_form(table.rows):
        return "department_form"
    return None


def _columns(rows: list[list[str]], start: int) -> tuple[dict[str, int], int]:
    """Column of every label in the header rows from `start` (the first one printed wins:
    总计 before the 合计 under 财政拨款), and where the data rows begin. A header goes on over
    the rows that add sub-labels (其中：财政资金 | 其他资金) without a project name."""
    end = start + 1
    while end < len(rows) and not any(printed_amount(c) for c in rows[end]) and \
            _row_keys(rows[end]):
        end += 1
    columns: dict[str, int] = {}
    for row in rows[start:end]:
        for j, cell in enumerate(row):
            key = grid_label(cell)
            if key and key not in columns and j not in columns.values():
                columns[key] = j
    if columns.keys() & set(LEVEL_KEYS):
        columns.pop("indicators", None)  # the block's label at the left, not a column
    return columns, end


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _joined(*parts: str) -> str:
    return "".join(p for p in parts if p)


def _indicator(row: list[str], columns: dict[str, int]) -> list[str] | None:
    """[一级, 二级, 三级, 描述, 指标值, 依据] of a row, or None when it prints no indicator. The
    value is 指标性质 + 指标值 + 度量单位 as printed (≥3000万元); an 活动 column is the
    description."""
    get = {key: _cell(row, index) for key, index in columns.items()}
    value = _joined(get.get("nature", ""), get.get("value", ""), get.get("unit", ""))
    levels = [get.get(key, "") for key in LEVEL_KEYS]
    text = get.get("indicators", "")
    if text and not any(levels):
        joined = JOINED_LEVELS.match(text) if ("nature" in columns or "value" in columns) else None
        levels = list(joined.groups()) if joined else ["", "", text]
    if not levels[2] and not value or grid_label(levels[2]) or grid_label(text):
        return None  # no indicator, or the header printed again
    return [*levels, get.get("activity", ""), value, ""]


def _new_project(name: str, page, code: str = "") -> dict:
    if not code and (split := CODE_AND_NAME.match(name)):
        code, name = split.groups()
    return {"code": code, "name": name, "budget": "", "fiscal_funds": "", "other_funds": "",
            "purpose": "", "plan": ["", "", "", ""], "goal": "", "indicators": [],
            "indicator_pages": [], "page": page}


def _add_indicator(project: dict, row: list[str], columns: dict[str, int], page) -> None:
    indicator = _indicator(row, columns)
    if indicator is None:
        return
    if project["indicators"]:  # merged 一级/二级 cells printed once for a block of rows
        previous = project["indicators"][-1]
        indicator[0] = indicator[0] or previous[0]
        if indicator[0] == previous[0]:
            indicator[1] = indicator[1] or previous[1]
    project["indicators"].append(indicator)
    project["indicator_pages"].append(page)


class _GridReader:
    """Reads the KPI grids of one part in order, carrying a project list over its pages."""

    def __init__(self, problems: list):
        self.problems = problems
        self.projects: list[dict] = []
        self.runs: list[list[dict]] = []  # the projects of each project_rows table, for subtotals
        self.kind: str | None = None  # what the last grid read was
        self.columns: dict[str, int] = {}
        self.width = 0
        self.last_page = None
        self.form: dict | None = None
        self.current: dict | None = None  # the project rows with no name belong to
        self.form_rows: list[tuple[list[str], object]] = []

    def read(self, grid: Table) -> None:
        kind = project_grid_kind(grid)
        if kind == "project_rows":
            start = _header_row(grid.rows)
            columns, end = _columns(grid.rows, start)
            if self.kind == "project_rows" and self.width == len(grid.rows[start]):
                # a label run together with text cut by the page break: as on the last page
                columns = {**self.columns, **columns}
            self.columns, self.width = columns, len(grid.rows[start])
            if self.kind != "project_rows":
                self.runs.append([])
            self.kind = kind
            self._project_rows(grid, end, continued=False)
        elif kind == "department_form":
            self.kind = kind
            self.form = _new_project(FORM_NAME, grid.page)
            self.projects.append(self.form)
            self.columns, self.width, self.form_rows = {}, 0, []
            self._form_rows(grid)
        elif self._continues(grid):
            if self.kind == "project_rows":
                self._project_rows(grid, 0, continued=True)
            else:
                self._form_rows(grid)
        else:
            self.kind = None
            return
        self.last_page = grid.page

    def _continues(self, grid: Table) -> bool:
        """A grid with no header of its own on the same or the next page, as wide as the header
        (or with one column per label), or a form's next piece that still prints its labels."""
        if self.kind is None or not grid.rows or grid.page is None or self.last_page is None \
                or not 0 <= grid.page - self.last_page <= 1:
            return False
        if self._layout(grid) is not None:
            return True
        return self.kind == "department_form" and not self.columns and \
            any(_row_keys(row) for row in grid.rows)

    def _layout(self, grid: Table) -> dict[str, int] | None:
        width = max(len(row) for row in grid.rows)
        if not self.columns:
            return None
        if width == self.width:
            return self.columns
        if width == len(self.columns):  # the page's grid keeps only the labelled columns
            order = sorted(self.columns, key=self.columns.get)
            return {key: j for j, key in enumerate(order)}
        if self.kind == "project_rows" and self.width - 2 <= width < self.width:
            # the leftmost column(s) not read as grid on this page (names read as lines)
            shift = self.width - width
            return {key: j - shift for key, j in self.columns.items() if j >= shift}
        return None

    # One project per row or block of rows ------------------------------------------------
    def _project_rows(self, grid: Table, start: int, continued: bool) -> None:
        """Rows from `start`. The project receiving rows with no name is self.current: None
        before the first project, or after a row whose name was not read (its indicators
        are left out rather than given to the project above)."""
        columns = self._layout(grid) if continued else self.columns
        run = self.runs[-1]
        if not continued:
            self.current = run[-1] if run else None
        started = False
        for row, page in zip(grid.rows[start:], grid.row_pages[start:], strict=False):
            name = clean(_cell(row, columns.get("name")))
            budget = _cell(row, columns.get("budget"))
            fiscal = _cell(row, columns.get("fiscal"))
            other = _cell(row, columns.get("other"))
            goal = _cell(row, columns.get("goal"))
            amounts = budget or fiscal or other
            if name.rstrip("：:") in TOTAL_NAMES or grid_label(name) == "name":
                continue
            last = self.current
            if name and not amounts and continued and not started and last is not None:
                last["name"] += name  # a name cell cut by the page break
                last["goal"] += goal
            elif name:
                last = _new_project(name, page, clean(_cell(row, columns.get("code"))))
                where = f"{last['name']} 绩效目标表（第{page}页）"
                last.update(budget=parse_amount(budget, self.problems, where),
                            fiscal_funds=parse_amount(fiscal, self.problems, where),
                            other_funds=parse_amount(other, self.problems, where), goal=goal)
                run.append(last)
                self.projects.append(last)
                self.current, started = last, True
            elif amounts and printed_amount(amounts):
                self.problems.append(f"绩效目标表（第{page}页）：预算{amounts}的项目名称未在表格"
                                     f"中读出，该项目未读取")
                self.current, started = None, True
                continue
            elif last is None:
                continue
            elif goal and goal != last["goal"]:
                last["goal"] += goal
            _add_indicator(last, row, columns, page)

    # The department-wide form -----------------------------------------------------------
    def _form_rows(self, grid: Table) -> None:
        form = self.form
        columns = self._layout(grid) if self.columns else None
        for row, page in zip(grid.rows, grid.row_pages, strict=False):
            if columns is None:
                keys = _row_keys(row)
                if keys & set(LEVEL_KEYS) or {"indicators", "value"} <= keys:
                    self.columns = _columns([row], 0)[0]
                    self.width, columns = len(row), self.columns
                    continue
                self.form_rows.append((row, page))
                continue
            _add_indicator(form, row, columns, page)
        self._form_lines()

    def _form_lines(self) -> None:
        """Goal and amounts from the labelled lines read so far."""
        form, rows = self.form, [row for row, _ in self.form_rows]
        where = f"{FORM_NAME}（第{form['page']}页）"
        if not form["goal"]:
            form["goal"] = _labelled_text(rows, "goal")
        for field, labels in (("budget", FORM_BUDGET_LABELS), ("fiscal_funds", GRID_LABELS["fiscal"]),
                              ("other_funds", GRID_LABELS["other"])):
            if not form[field]:
                form[field] = parse_amount(_labelled_amount(rows, labels), self.problems, where)

    def finish(self) -> list[dict]:
        for run in self.runs:
            for project in _subtotals(run):
                self.projects.remove(project)
        return self.projects


def _labelled_text(rows: list[list[str]], key: str) -> str:
    for row in rows:
        for j, cell in enumerate(row):
            if grid_label(cell) == key:
                following = [c.strip() for c in row[j + 1:] if c.strip() and grid_label(c) != key]
                if following:
                    return following[0]
    return ""


def _labelled_amount(rows: list[list[str]], labels: tuple[str, ...]) -> str:
    """The first amount right of the label in its row, or else below it in its column."""
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if clean(cell).rstrip("：:") not in labels:
                continue
            right = [c for c in row[j + 1:] if printed_amount(c)]
            if right:
                return right[0]
            below = [r[j] for r in rows[i + 1:i + 4] if j < len(r) and printed_amount(r[j])]
            if below:
                return below[0]
    return ""


def _subtotals(run: list[dict]) -> list[dict]:
    """Rows of a 资金使用单位 (广州市生态环境局 12,887.86) among the projects: no goal and no
    indicator, and the amount is the sum of the projects that follow, up to the next such row,
    give or take the rounding of each (half a cent each)."""
    found = []
    for i, project in enumerate(run):
        if project["goal"] or project["indicators"] or not project["budget"]:
            continue
        total, j = Decimal(0), i + 1
        while j < len(run) and (run[j]["goal"] or run[j]["indicators"]):
            total += Decimal(run[j]["budget"] or "0")
            j += 1
        budget = Decimal(project["budget"])
        step = Decimal(1).scaleb(budget.as_tuple().exponent)
        if j > i + 1 and abs(total - budget) <= step * max(1, Decimal(j - i - 1) / 2):
            found.append(project)
    return found


def projects_from_grids(grids: list[Table], problems: list) -> list[dict]:
    """Every project of the KPI grids among one part's grids, in the shape of project_record.
    A grid with no header of its own on the next page continues the last project list; a row
    with no project name continues the project above; a 合计 row is not a project; the
    部门整体 form is one project named 部门整体绩效目标."""
    reader = _GridReader(problems)
    for grid in grids:
        reader.read(grid)
    return reader.finish()
