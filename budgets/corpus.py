"""A synthetic national corpus for load tests: `manage.py generate_corpus`.

Disclosure number i is always the same disclosure (its department, year and every figure come
from random generators seeded by (seed, i)), so a run for 50,000 extends one for 5,000, and a
second run with the same seed adds nothing: what exists (a department-year with any version) is
skipped.

Layout, by index: a province holds 111 budget levels (本级, 10 cities, each 本级 + 10 counties);
each level holds 10 departments of 4 bodies (the department and 3 units); each body publishes
one disclosure per year. About 15% of departments print no code (identified by name).

Every amount is a whole number of hundreds of 元, so a table printed in 万元 with two decimals
is exact and every identity `budgets.identities` checks holds with no rounding at all. Bulk
inserts validate nothing: how many of those checks each disclosure had
(`Disclosure.identity_checks`) comes from running them on its rows in memory, before storing.
"""

from __future__ import annotations

import json
import random
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from django.db import connection, transaction
from django.utils import timezone

from budgets.identities import Cells, run_table_checks
from budgets.models import (
    Department,
    Disclosure,
    DisclosureTable,
    Figure,
    Project,
    Region,
    TableKind,
    Unit,
    normalise_name,
    record_publication,
)
from budgets.schema import REVENUE_ITEM_LABELS, SANGONG_ROWS, column_label

T = TableKind
LEVELS_PER_PROVINCE = 111
DEPARTMENTS_PER_LEVEL = 10
BODIES_PER_DEPARTMENT = 4  # the department and three units
BODIES_PER_LEVEL = DEPARTMENTS_PER_LEVEL * BODIES_PER_DEPARTMENT
NAME_ONLY_SHARE = 0.15
YUAN_SHARE = 0.3  # documents printed in 元; the rest in 万元

PROVINCES = ["山西省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
             "湖北省", "湖南省", "广东省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省"]
PLACE_FIRST = "临青安平东西南北清长永新兴宁华定丰泰明金"
PLACE_SECOND = "江山阳川河原城州峰林岭溪源台宁海桥口湖水"
DEPARTMENTS = ["教育局", "财政局", "公安局", "民政局", "卫生健康委员会", "人力资源和社会保障局",
               "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局",
               "水利局", "商务局", "文化和旅游局", "市场监督管理局", "统计局", "审计局",
               "应急管理局", "退役军人事务局", "医疗保障局", "发展和改革委员会", "科学技术局",
               "司法局", "林业局", "体育局", "档案馆", "总工会", "妇女联合会"]
UNITS = ["机关服务中心", "信息中心", "综合行政执法大队", "事务服务中心", "培训中心",
         "宣传教育中心", "档案室", "监测站"]
PROJECTS = ["信息化系统运行维护", "业务专项工作经费", "办公楼维修改造", "专项业务培训",
            "基层设施建设补助", "政策宣传", "课题研究", "设备购置", "应急物资储备",
            "专项督查检查"]


def place_names(rng: random.Random, suffix: str) -> list[str]:
    names = [a + b + suffix for a in PLACE_FIRST for b in PLACE_SECOND]
    rng.shuffle(names)
    return names


@cache
def classification_tree() -> tuple[dict, dict, dict]:
    """{类: {款: [项]}} of functional codes with all three levels, {类: [款]} of economic
    codes, and every code's name — from the reference list."""
    path = Path(__file__).resolve().parent / "data" / "classifications.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    year = data[max(data)]
    names = {**{str(k): v for k, v in year["function"].items()},
             **{str(k): v for k, v in year["economic"].items()}}
    functions: dict = {}
    for code in names:
        if len(code) == 7 and code[:5] in names and code[:3] in names:
            functions.setdefault(code[:3], {}).setdefault(code[:5], []).append(code)
    economic: dict = {}
    for code in year["economic"]:
        code = str(code)
        if len(code) == 5:
            economic.setdefault(code[:3], []).append(code)
    return functions, economic, names


# --- where disclosure i belongs --------------------------------------------------------------

@dataclass(frozen=True)
class Body:
    """A department (unit == 0) or one of its units, by position in the corpus."""

    level: int  # budget level index
    department: int  # 0..9 within the level
    unit: int  # 0 = the department itself


def body_of(index: int, years: int) -> tuple[Body, int]:
    """(body, year offset) of disclosure `index`."""
    body, year = divmod(index, years)
    level, slot = divmod(body, BODIES_PER_LEVEL)
    department, unit = divmod(slot, BODIES_PER_DEPARTMENT)
    return Body(level, department, unit), year


@cache
def region_path(seed: int, level: int) -> tuple[str, ...]:
    province, position = divmod(level, LEVELS_PER_PROVINCE)
    province_rng = random.Random(f"{seed}:province:{province}")
    name = PROVINCES[province % len(PROVINCES)]
    if province >= len(PROVINCES):
        name = f"{name[:-1]}{province // len(PROVINCES) + 1}省"
    if position == 0:
        return (name,)
    city, county = divmod(position - 1, 11)
    city_name = place_names(province_rng, "市")[city]
    if county == 0:
        return (name, city_name)
    county_rng = random.Random(f"{seed}:city:{province}:{city}")
    return (name, city_name, place_names(county_rng, "县")[county - 1])


@dataclass(frozen=True)
class BodySpec:
    path: tuple[str, ...]
    code: str
    name: str
    parent_code: str
    parent_name: str


@cache
def body_spec(seed: int, body: Body) -> BodySpec:
    path = region_path(seed, body.level)
    place = path[-1]
    names = random.Random(f"{seed}:level:{body.level}").sample(DEPARTMENTS, DEPARTMENTS_PER_LEVEL)
    department_name = place + names[body.department]
    rng = random.Random(f"{seed}:department:{body.level}:{body.department}")
    name_only = rng.random() < NAME_ONLY_SHARE
    department_code = "" if name_only else f"{101 + body.department * 3}"
    if body.unit == 0:
        return BodySpec(path, department_code, department_name, "", "")
    unit_names = rng.sample(UNITS, BODIES_PER_DEPARTMENT - 1)
    name = department_name + unit_names[body.unit - 1]
    code = "" if name_only else f"{department_code}{body.unit:03d}"
    return BodySpec(path, code, name, department_code, department_name)


# --- the figures of one disclosure ----------------------------------------------------------

def split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` non-negative whole numbers adding up to `total`."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


@dataclass
class Content:
    """One disclosure's tables: rows of (table, code, name, {column: hundreds of 元})."""

    unit: str
    rows: list[tuple[str, str, str, dict[str, int]]] = field(default_factory=list)
    projects: list[tuple[str, str, int]] = field(default_factory=list)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, table: str, code: str, name: str, amounts: dict[str, int]) -> None:
        self.rows.append((table, code, name, amounts))


def function_rows(rng: random.Random, scale: int) -> list[tuple[str, str, dict[str, int]]]:
    """合计, 类, 款, 项 rows with basic and project spending; parents are sums."""
    functions, _, names = classification_tree()
    rows, total = [], {"total": 0, "basic": 0, "project": 0}
    for cls in sorted(rng.sample(sorted(functions), min(4, len(functions)))):
        cls_rows, cls_sum = [], dict.fromkeys(total, 0)
        for kuan in sorted(rng.sample(sorted(functions[cls]), min(2, len(functions[cls])))):
            items = functions[cls][kuan]
            kuan_rows, kuan_sum = [], dict.fromkeys(total, 0)
            for xiang in sorted(rng.sample(items, min(rng.randint(1, 3), len(items)))):
                basic = rng.randint(0, 20 * scale) * rng.randint(0, 1)
                project = rng.randint(1, 30 * scale)
                amounts = {"total": basic + project, "basic": basic, "project": project}
                kuan_rows.append((xiang, names[xiang], amounts))
                kuan_sum = {k: kuan_sum[k] + amounts[k] for k in kuan_sum}
            cls_rows += [(kuan, names[kuan], kuan_sum), *kuan_rows]
            cls_sum = {k: cls_sum[k] + kuan_sum[k] for k in cls_sum}
        rows += [(cls, names[cls], cls_sum), *cls_rows]
        total = {k: total[k] + cls_sum[k] for k in total}
    return [("", "合计", total), *rows]


def economic_rows(rng: random.Random, basic: int) -> list[tuple[str, str, dict[str, int]]]:
    """基本支出 by economic class: 301 and 303 are 人员经费, 302 is 公用经费."""
    _, economic, names = classification_tree()
    classes = {"301": 0.7, "302": 0.25, "303": 0.05}
    shares = split(rng, basic, 3)
    shares.sort(reverse=True)  # the largest share to 301, as in real budgets
    rows, personnel, public = [], 0, 0
    for (cls, _share), amount in zip(classes.items(), shares, strict=True):
        column = "public" if cls == "302" else "personnel"
        kuans = sorted(rng.sample(economic[cls], min(3, len(economic[cls]))))
        rows.append((cls, names[cls], {"total": amount, column: amount}))
        for kuan, part in zip(kuans, split(rng, amount, len(kuans)), strict=True):
            rows.append((kuan, names[kuan], {"total": part, column: part}))
        personnel += amount if column == "personnel" else 0
        public += amount if column == "public" else 0
    return [("", "合计", {"total": basic, "personnel": personnel, "public": public}), *rows]


def sangong_rows(rng: random.Random, scale: int) -> list[tuple[str, str, dict[str, int]]]:
    outbound, purchase, operation, reception = (rng.randint(0, scale // 4) for _ in range(4))
    purchase *= rng.randint(0, 1)
    parts = [("outbound", outbound), ("vehicle", purchase + operation),
             ("vehicle_purchase", purchase), ("vehicle_operation", operation),
             ("reception", reception)]
    total = outbound + purchase + operation + reception
    return [(code, SANGONG_ROWS[code], {"total": v, "general_budget": v})
            for code, v in [("sangong_total", total), *parts]]


def disclosure_content(seed: int, index: int, level: int) -> Content:
    rng = random.Random(f"{seed}:disclosure:{index}")
    scale = 200 * (4 if level % LEVELS_PER_PROVINCE == 0 else 1)  # provinces spend more
    content = Content(unit=Unit.YUAN if rng.random() < YUAN_SHARE else Unit.WAN)
    functions = function_rows(rng, scale)
    total = functions[0][2]
    for code, name, amounts in functions:
        content.add(T.EXPENDITURE_BY_FUNCTION, code, name, amounts)
    # All spending is funded by the general budget: the 一般公共预算 table prints its 类.
    for code, name, amounts in functions:
        if len(code) <= 3:
            content.add(T.GENERAL_BUDGET_BY_FUNCTION, code, name, amounts)
    for code, name, amounts in economic_rows(rng, total["basic"]):
        content.add(T.BASIC_BY_ECONOMIC, code, name, amounts)
    for code, name, amounts in sangong_rows(rng, scale):
        content.add(T.SANGONG, code, name, amounts)
    summary = [("general_budget", REVENUE_ITEM_LABELS["general_budget"], total["total"]),
               ("revenue_total", "本年收入合计", total["total"])]
    summary += [(code, name, amounts["total"]) for code, name, amounts in functions
                if len(code) == 3]
    summary += [("expenditure_total", "本年支出合计", total["total"]),
                ("revenue_grand_total", "收入总计", total["total"]),
                ("expenditure_grand_total", "支出总计", total["total"])]
    for code, name, amount in summary:
        content.add(T.SUMMARY, code, name, {"total": amount})
    content.columns = {
        T.SUMMARY: ("total",),
        T.EXPENDITURE_BY_FUNCTION: ("total", "basic", "project"),
        T.GENERAL_BUDGET_BY_FUNCTION: ("total", "basic", "project"),
        T.BASIC_BY_ECONOMIC: ("total", "personnel", "public"),
        T.SANGONG: ("total", "general_budget"),
    }
    names = rng.sample(PROJECTS, rng.randint(1, 5))
    for order, (name, budget) in enumerate(zip(names, split(rng, total["project"], len(names)),
                                               strict=True)):
        content.projects.append((f"P{index:07d}{order:02d}", name, budget))
    return content


def printed(hundreds: int, unit: str) -> str:
    """Hundreds of 元 as printed with two decimals in `unit` (exact: 万元 keeps 0.01)."""
    if unit == Unit.WAN:
        return f"{hundreds // 100}.{hundreds % 100:02d}"
    return f"{hundreds * 100}.00"


# --- storing -----------------------------------------------------------------------------------

# One disclosure's rows, without its id (a Sink adds it once the disclosure is stored): tuples
# for COPY, and objects the identity checks read as they read stored rows.
FIGURE_FIELDS = ("table", "code", "name", "column", "amount", "unit", "decimals", "amount_yuan",
                 "row", "code_inferred", "page")
TABLE_FIELDS = ("table", "title", "first_page", "last_page", "row_count", "empty_note", "unit",
                "columns")
PROJECT_FIELDS = ("order", "code", "name", "budget", "unit", "budget_yuan", "purpose",
                  "plan_q1", "plan_q2", "plan_q3", "plan_q4", "goal", "page")
FigureRow = namedtuple("FigureRow", FIGURE_FIELDS)
TableRow = namedtuple("TableRow", TABLE_FIELDS)
ProjectRow = namedtuple("ProjectRow", PROJECT_FIELDS)
PAGES = {T.SUMMARY: 3, T.EXPENDITURE_BY_FUNCTION: 5, T.GENERAL_BUDGET_BY_FUNCTION: 7,
         T.BASIC_BY_ECONOMIC: 8, T.SANGONG: 10}


def figure_rows(content: Content) -> Iterator[FigureRow]:
    row_of: dict[str, int] = {}
    for table, code, name, amounts in content.rows:
        row = row_of[table] = row_of.get(table, -1) + 1
        for column in content.columns[table]:
            value = amounts.get(column)
            if value is None:
                continue  # a blank cell is not a figure
            yield FigureRow(table, code, name, column, printed(value, content.unit),
                            content.unit, 2, Decimal(value * 100), row, False, PAGES[table])


# column_label switches the language at every call: once per column is enough here.
stored_label = cache(column_label)


def table_rows(content: Content) -> Iterator[TableRow]:
    counts: dict[str, int] = {}
    for table, *_ in content.rows:
        counts[table] = counts.get(table, 0) + 1
    for table, count in counts.items():
        columns = [{"key": k, "label": stored_label(k)} for k in content.columns[table]]
        yield TableRow(table, T(table).label, PAGES[table], PAGES[table], count, "",
                       content.unit, columns)


def as_copied(tables: list[TableRow]) -> list[TableRow]:
    """The columns as JSON text, as COPY takes them."""
    return [t._replace(columns=json.dumps(t.columns, ensure_ascii=False)) for t in tables]


def project_rows(content: Content) -> Iterator[ProjectRow]:
    for order, (code, name, budget) in enumerate(content.projects):
        yield ProjectRow(order + 1, code, name, printed(budget, content.unit), content.unit,
                         Decimal(budget * 100), "", "", "", "", "", "", 12)


class Sink:
    """Rows of disclosures into a table: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, model, fields: tuple[str, ...]):
        self.model, self.fields = model, ("disclosure_id", *fields)
        self.batches: list[tuple[int, list[tuple]]] = []

    def add(self, disclosure_id: int, rows: list[tuple]) -> None:
        self.batches.append((disclosure_id, rows))

    def rows(self) -> Iterator[tuple]:
        # Each row is given its id as it is written: copies held until then would double the
        # objects the garbage collector walks, which costs more than the identity checks.
        for disclosure_id, rows in self.batches:
            head = (disclosure_id,)
            for row in rows:
                yield head + row

    def flush(self) -> int:
        count = sum(len(rows) for _, rows in self.batches)
        if connection.vendor == "postgresql":
            columns = ", ".join(f'"{self.model._meta.get_field(f).column}"' for f in self.fields)
            with connection.cursor() as cursor, cursor.cursor.copy(
                    f"COPY {self.model._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in self.rows():
                    copy.write_row(row)
        else:
            def value(name, v):
                return json.loads(v) if name == "columns" else v
            self.model.objects.bulk_create(
                (self.model(**{f: value(f, v) for f, v in zip(self.fields, row, strict=True)})
                 for row in self.rows()), batch_size=2000)
        self.batches = []
        return count


@dataclass
class Made:
    """One disclosure about to be stored, with its rows."""

    disclosure: Disclosure
    figures: list[FigureRow]
    tables: list[TableRow]
    projects: list[ProjectRow]


def made(disclosure: Disclosure, content: Content) -> Made:
    """The disclosure's rows, and its count of table identities compared: bulk inserts
    validate nothing, so the checks validation runs are run here, on the rows in memory."""
    rows = Made(disclosure, list(figure_rows(content)), list(table_rows(content)),
                list(project_rows(content)))
    check = run_table_checks(disclosure, Cells(rows.figures, rows.tables), rows.projects)
    disclosure.identity_checks = check.runs
    return rows


class Generator:
    def __init__(self, seed: int, years: list[int]):
        self.seed, self.years = seed, years
        self.regions: dict[tuple[str, ...], Region] = {}
        self.bodies: dict[Body, Department] = {}
        self.now = timezone.now()

    def region(self, path: tuple[str, ...]) -> Region:
        if path not in self.regions:
            parent = self.region(path[:-1]) if len(path) > 1 else None
            self.regions[path], _ = Region.objects.get_or_create(
                parent=parent, name=path[-1], defaults={"slug": "-".join(path)})
        return self.regions[path]

    @staticmethod
    def key(region_id: int, parent_id: int | None, code: str, normalised: str) -> tuple:
        # As the database identifies them: a code within the region, else the name within
        # the region (a department) or within its department (a unit).
        return (region_id, code) if code else (region_id, parent_id, normalised)

    def departments(self, bodies: list[Body]) -> None:
        """Find or create every body's Department (departments before their units)."""
        missing = [b for b in dict.fromkeys(bodies) if b not in self.bodies]
        for unit_pass in (False, True):
            wanted = [b for b in missing if (b.unit > 0) == unit_pass]
            if not wanted:
                continue
            regions = {self.region(body_spec(self.seed, b).path).pk for b in wanted}
            existing = {self.key(d.region_id, d.parent_id, d.code, d.normalised_name): d
                        for d in Department.objects.filter(region_id__in=regions)}
            new = {}
            for body in wanted:
                spec = body_spec(self.seed, body)
                region = self.region(spec.path)
                parent = self.bodies[Body(body.level, body.department, 0)] if unit_pass else None
                key = self.key(region.pk, parent.pk if parent else None, spec.code,
                               normalise_name(spec.name))
                if key in existing:
                    self.bodies[body] = existing[key]
                elif key in new:
                    self.bodies[body] = new[key]
                else:
                    new[key] = self.bodies[body] = Department(
                        region=region, parent=parent, code=spec.code, name=spec.name,
                        normalised_name=normalise_name(spec.name))
            Department.objects.bulk_create(new.values())

    def chunk(self, indexes: range) -> tuple[int, int]:
        """Store disclosures `indexes` not yet present; (disclosures, figures) added."""
        places = [body_of(i, len(self.years)) for i in indexes]
        self.departments([body for body, _ in places])
        wanted = {(self.bodies[body].pk, self.years[y]): i
                  for i, (body, y) in zip(indexes, places, strict=True)}
        present = set(Disclosure.objects.filter(
            department_id__in={pk for pk, _ in wanted}).values_list("department_id", "year"))
        new = [made(Disclosure(department_id=pk, year=year, version=1,
                               status=Disclosure.Status.PUBLISHED, published_at=self.now,
                               title=f"{year}年部门预算", summary_layout=2024),
                    disclosure_content(self.seed, i, body_of(i, len(self.years))[0].level))
               for (pk, year), i in wanted.items() if (pk, year) not in present]
        Disclosure.objects.bulk_create([m.disclosure for m in new])
        figures, tables, projects = (Sink(Figure, FIGURE_FIELDS), Sink(DisclosureTable, TABLE_FIELDS),
                                     Sink(Project, PROJECT_FIELDS))
        for m in new:
            figures.add(m.disclosure.pk, m.figures)
            tables.add(m.disclosure.pk, as_copied(m.tables))
            projects.add(m.disclosure.pk, m.projects)
        count = figures.flush()
        tables.flush()
        projects.flush()
        record_publication([m.disclosure.pk for m in new])
        return len(new), count


def generate(*, disclosures: int, years: list[int], seed: int = 1, chunk: int = 2000,
             progress=None) -> tuple[int, int]:
    """Make disclosures 0..N-1 of the corpus of `seed`; (disclosures, figures) added."""
    generator = Generator(seed, years)
    added = figures = 0
    for start in range(0, disclosures, chunk):
        with transaction.atomic():
            done = generator.chunk(range(start, min(start + chunk, disclosures)))
        added, figures = added + done[0], figures + done[1]
        if progress:
            progress(start + chunk, added, figures)
    if added:
        from budgets.caching import everything_changed

        everything_changed()  # bulk inserts send no signals; existing departments got new years
    return added, figures
