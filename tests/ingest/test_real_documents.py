"""Real published PDFs, committed under tests/real/ (see tests/real/README.md).

- The three Putuo files: every figure of every table against the hand-verified truth
  (tests/real/truth/*.truth.json), never against the parser's own output.
- One file per other layout family: the tables transcribed by hand from the rendered pages
  (tests/real/hand/<family>.yaml).
- The two files with no table at all (a Beijing 情况说明 alone, a Guangzhou 绩效目标 form alone)
  are accepted as the narrative/KPI part of a disclosure, not refused.

The figure comparisons are pure (no database); each PDF is read once per session.
"""

import functools
import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from budgets.models import Finding, Region
from budgets.schema import TABLE_COLUMNS
from budgets.services import disclosures_store
from ingest.extract import UnreadableDocument
from ingest.reading import document_data, read_document

REAL = Path(__file__).resolve().parents[1] / "real"
TRUTH_DIR = REAL / "truth"
HAND_DIR = REAL / "hand"

FUNCTION_KINDS = ("revenue_by_function", "expenditure_by_function", "general_budget_by_function",
                  "gov_fund_by_function", "state_capital_by_function")
ROW_KINDS = FUNCTION_KINDS + ("basic_by_economic",)
LINE_KINDS = ("summary", "fiscal_summary")
ALL_KINDS = ROW_KINDS + LINE_KINDS + ("sangong",)

# truth column key → record column key (anything not listed keeps its name)
TRUTH_COLUMN = {"fiscal_appropriation": "fiscal_allocation"}
# fiscal_summary expenditure lines: truth key → record column
FISCAL_LINE_COLUMN = {"total": "total", "general": "general_budget", "gov_fund": "gov_fund",
                      "state_capital": "state_capital"}
# summary lines: truth key → record column ("amount" is the 预算数/合计 column)
SUMMARY_LINE_COLUMN = {"amount": "total", "personnel": "personnel", "public": "public",
                       "project": "project"}
# truth 三公 item key → record row code (column "total")
SANGONG_CODE = {"total": "sangong_total", "outbound": "outbound", "reception": "reception",
                "vehicle_total": "vehicle", "vehicle_purchase": "vehicle_purchase",
                "vehicle_operation": "vehicle_operation", "office_operation": "office_operation"}
NOT_AMOUNT = {"code_l", "code_k", "code_x", "name"}

TRUTH_IDS = {
    "2024_上海市普陀区人民政府万里街道办事处_部门预算": "putuo-2024-wanli-department",
    "2025_上海市普陀区商务委员会_部门预算": "putuo-2025-commerce-department",
    "2025_上海市普陀区商务委员会_单位预算": "putuo-2025-commerce-unit",
}
NO_TABLE_FILES = [
    pytest.param("beijing/2026_北京市审计局_预算_5de056.pdf", "北京市审计局", False,
                 id="BJ-N-shenjiju-narrative-only"),
    # The form prints 部门名称 广州市政务服务和数据管理局 (the file name says 政务服务和数据局).
    pytest.param("guangzhou/2026_广州市政务服务和数据局_预算_报表_3de0a6.pdf",
                 "广州市政务服务和数据管理局", True, id="GZ-P-zhengwu-kpi-only"),
]


# ---------------------------------------------------------------- reading (once per session)

@functools.cache
def _read(relpath: str) -> tuple[dict | None, str]:
    """(document data, "") or (None, the reason it was refused)."""
    try:
        return document_data(read_document(REAL / relpath)), ""
    except UnreadableDocument as exc:
        return None, str(exc)


def data_of(relpath: str) -> dict:
    data, reason = _read(relpath)
    if data is None:
        pytest.fail(f"{relpath}: refused as unreadable: {reason}")
    return data


def main_part(relpath: str) -> dict:
    data = data_of(relpath)
    assert data.get("disclosures"), f"{relpath}: no disclosure part recognised"
    return data["disclosures"][0]


def table_of(relpath: str, kind: str) -> dict:
    tables = main_part(relpath).get("tables") or {}
    assert kind in tables, f"{relpath}: table {kind} not recognised (found {sorted(tables)})"
    return tables[kind]


# ---------------------------------------------------------------- comparison helpers

def squeeze(text) -> str:
    """Names compared without whitespace, after NFKC (full-width brackets, Kangxi radicals)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def bare_name(text) -> str:
    """A row name without a leading bracketed code ([2010501]行政运行, Guangzhou)."""
    return re.sub(r"^\[\d+\]", "", squeeze(text))


def columns_of(kind: str, table: dict) -> list[str]:
    return list(table.get("columns") or TABLE_COLUMNS[kind])


def cells_of(kind: str, table: dict, row: list) -> dict[str, str]:
    """{column key: amount string as recorded, "" for blank} of one record row."""
    values = list(row[2:])
    return {column: str(values[i] if i < len(values) and values[i] is not None else "")
            for i, column in enumerate(columns_of(kind, table))}


def row_label(index: int, code: str, name: str) -> str:
    return f"row {index + 1} ({code or '合计'} {name})"


def report(where: str, problems: list[str]) -> None:
    assert not problems, f"{where}: {len(problems)} difference(s)\n  " + "\n  ".join(
        problems[:40]) + ("\n  …" if len(problems) > 40 else "")


def compare_cells(label: str, expected: dict[str, str], got: dict[str, str],
                  columns) -> list[str]:
    """One line per column whose recorded amount differs from the expected one ("" = blank)."""
    problems = []
    for column in columns:
        want, have = expected.get(column, ""), got.get(column, "")
        if want != have:
            problems.append(f"{label} column {column}: expected {want or '(blank)'!s}, "
                            f"read {have or '(blank)'!s}")
    return problems


# ---------------------------------------------------------------- truth files (Putuo)

def _truth_files() -> list[Path]:
    return sorted(TRUTH_DIR.glob("*.truth.json"))


@functools.cache
def truth_of(name: str) -> dict:
    return json.loads((TRUTH_DIR / name).read_text(encoding="utf-8"))


def truth_id(path: Path) -> str:
    return TRUTH_IDS.get(path.name.removesuffix(".truth.json"), path.stem)


TRUTH_PARAMS = [pytest.param(path.name, id=truth_id(path)) for path in _truth_files()]
TRUTH_TABLE_PARAMS = [pytest.param(path.name, kind, id=f"{truth_id(path)}-{kind}")
                      for path in _truth_files() for kind in ALL_KINDS]


@pytest.mark.parametrize("name", TRUTH_PARAMS)
def test_truth_identity(name):
    truth = truth_of(name)
    data, part = data_of(truth["file"]), main_part(truth["file"])
    where = truth["file"]
    assert squeeze(part["name"]) == squeeze(truth["department_name"]), \
        f"{where}: department name {part['name']!r}, printed {truth['department_name']!r}"
    assert int(data["document"]["year"]) == truth["year"], \
        f"{where}: year {data['document']['year']}, printed {truth['year']}"
    assert part["scope"] == truth["scope"], \
        f"{where}: scope {part['scope']!r}, the titles say {truth['scope']!r}"


@pytest.mark.parametrize("name", TRUTH_PARAMS)
def test_truth_units(name):
    """The unit printed on each table: 元, and 万元 for the 三公 table of these 元 files."""
    truth = truth_of(name)
    tables = main_part(truth["file"]).get("tables") or {}
    problems = []
    for kind, meta in truth["tables"].items():
        if kind not in tables:
            problems.append(f"{kind}: table not recognised")
        elif tables[kind].get("unit", "万元") != meta["unit_printed"]:
            problems.append(f"{kind}: unit {tables[kind].get('unit', '(absent → 万元)')}, "
                            f"printed {meta['unit_printed']}")
    report(truth["file"], problems)


@pytest.mark.parametrize(("name", "kind"), TRUTH_TABLE_PARAMS)
def test_truth_figures(name, kind):
    truth = truth_of(name)
    where = f"{truth['file']} › {kind}"
    table = table_of(truth["file"], kind)
    if kind in ROW_KINDS:
        problems = compare_truth_rows(kind, truth, table)
    elif kind in LINE_KINDS:
        problems = compare_truth_lines(kind, truth, table)
    else:
        problems = compare_truth_sangong(truth, table)
    report(where, problems)


def compare_truth_rows(kind: str, truth: dict, table: dict) -> list[str]:
    """Function/economic tables: the truth rows and the record rows, matched in order."""
    rows, expected_rows = table.get("rows") or [], truth[kind]
    if not expected_rows:
        return compare_empty(kind, truth, table)
    truth_columns = [TRUTH_COLUMN.get(key, key) for key in truth["tables"][kind]["header_map"]
                     if key not in NOT_AMOUNT]
    columns = list(dict.fromkeys(truth_columns + columns_of(kind, table)))
    problems = []
    if len(rows) != len(expected_rows):
        problems.append(f"{len(rows)} rows read, {len(expected_rows)} printed")
    for index, (want, row) in enumerate(zip(expected_rows, rows, strict=False)):
        label = row_label(index, want["code"], want["name"])
        if row[0] != want["code"]:
            problems.append(f"{label}: code read {row[0]!r}")
        if bare_name(row[1]) != squeeze(want["name"]):
            problems.append(f"{label}: name read {row[1]!r}")
        expected = {TRUTH_COLUMN.get(key, key): value for key, value in want.items()
                    if key not in ("code", "name", "page", "code_printed")}
        problems += compare_cells(label, expected, cells_of(kind, table, row), columns)
    for index, want in enumerate(expected_rows[len(rows):], start=len(rows)):
        problems.append(f"{row_label(index, want['code'], want['name'])}: missing")
    for index, row in enumerate(rows[len(expected_rows):], start=len(expected_rows)):
        problems.append(f"{row_label(index, row[0], row[1])}: not printed, read {row[2:]}")
    return problems


def compare_empty(kind: str, truth: dict, table: dict) -> list[str]:
    """An empty table (注：…本表为空表): no amounts, and its note kept as empty_note."""
    problems = []
    for index, row in enumerate(table.get("rows") or []):
        amounts = [value for value in cells_of(kind, table, row).values() if value]
        if amounts:
            problems.append(f"{row_label(index, row[0], row[1])}: printed blank, read {amounts}")
    note = squeeze(truth["tables"][kind].get("note", ""))
    body = re.sub(r"^注[:：]", "", note)
    if body and body not in squeeze(table.get("empty_note", "")):
        problems.append(f"empty_note {table.get('empty_note', '')!r} lacks the printed note "
                        f"{truth['tables'][kind].get('note')!r}")
    return problems


def truth_lines(kind: str, truth: dict) -> list[tuple[str, dict[str, str]]]:
    """(printed name, {record column: amount}) of every printed line of S or F."""
    section, lines = truth[kind], []
    for item in section["revenue_lines"] + [section["revenue_total"]]:
        lines.append((item["name"], {"total": item["amount"]} if "amount" in item else {}))
    mapping = FISCAL_LINE_COLUMN if kind == "fiscal_summary" else SUMMARY_LINE_COLUMN
    for item in section["expenditure_lines"] + [section["expenditure_total"]]:
        lines.append((item["name"], {mapping[key]: value for key, value in item.items()
                                     if key in mapping}))
    return lines


def compare_truth_lines(kind: str, truth: dict, table: dict) -> list[str]:
    """收支总表 / 财政拨款收支总表: printed name (whitespace removed) → amounts."""
    read: dict[str, list[dict[str, str]]] = {}
    for row in table.get("rows") or []:
        read.setdefault(bare_name(row[1]), []).append(cells_of(kind, table, row))
    columns = columns_of(kind, table)
    problems, printed = [], set()
    for name, expected in truth_lines(kind, truth):
        key = squeeze(name)
        printed.add(key)
        found = read.get(key) or []
        if not found:
            problems.append(f"line {name}: missing")
            continue
        got = found.pop(0)
        problems += compare_cells(f"line {name}", expected,
                                  got, list(dict.fromkeys(list(expected) + columns)))
    for key, rest in read.items():
        for cells in rest:
            amounts = {column: value for column, value in cells.items() if value}
            if amounts:
                problems.append(f"line {key}: not printed (or printed once), read {amounts}")
    return problems


def compare_truth_sangong(truth: dict, table: dict) -> list[str]:
    """三公 items as rows with the contract's codes, amount in column "total"."""
    kind = "sangong"
    read: dict[str, list[dict[str, str]]] = {}
    for row in table.get("rows") or []:
        read.setdefault(row[0], []).append(cells_of(kind, table, row))
    items = truth["sangong"]["items"]
    problems = []
    for key, code in SANGONG_CODE.items():
        want = items[key]["amount"] if key in items else ""
        found = read.get(code) or []
        have = found[0].get("total", "") if found else ""
        if key in items and not found:
            problems.append(f"{code} ({items[key]['label']}): missing, printed {want}")
        elif want != have:
            problems.append(f"{code}: expected {want or '(blank)'}, read {have or '(blank)'}")
        if len(found) > 1:
            problems.append(f"{code}: {len(found)} rows read, one printed")
    return problems


@pytest.mark.parametrize("name", TRUTH_PARAMS)
def test_truth_row_pages(name):
    """Every row of the function/economic tables keeps the page it is printed on."""
    truth = truth_of(name)
    problems = []
    for kind in ROW_KINDS:
        table = (main_part(truth["file"]).get("tables") or {}).get(kind)
        if table is None:
            problems.append(f"{kind}: table not recognised")
            continue
        pages = list(table.get("pages") or [])
        for index, want in enumerate(truth[kind]):
            have = pages[index] if index < len(pages) else None
            if have != want["page"]:
                problems.append(f"{kind} {row_label(index, want['code'], want['name'])}: "
                                f"page {have}, printed on {want['page']}")
    report(truth["file"], problems)


# ---------------------------------------------------------------- identity findings (database)

def stored_identity_findings(relpath: str, slug: str) -> list[Finding]:
    region = Region.objects.create(name=f"普陀区 {slug}", slug=slug)
    stored = disclosures_store(data=data_of(relpath), region=region)
    return list(Finding.objects.filter(disclosure__in=stored).exclude(rule="reading"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", TRUTH_PARAMS)
def test_truth_source_findings_are_reported(name):
    """The 2024 万里街道 file has real faults in print (source_findings): the portal reports them
    as identity findings; the two 2025 files have none, so nothing is reported."""
    truth = truth_of(name)
    findings = stored_identity_findings(truth["file"], f"real-{truth_id(TRUTH_DIR / name)}")
    messages = [f"{f.rule} {f.table} {f.code} {f.column}: {f.message}" for f in findings]
    # A source finding whose `checks` is empty explains no identity (the 2024 file's 款 code
    # printed as one digit), so it is not counted.
    checked = [f["id"] for f in truth["source_findings"] if f["checks"]]
    if truth["source_findings"]:
        assert findings, f"{truth['file']}: no identity finding, the document has " \
                         f"{[f['id'] for f in truth['source_findings']]}"
        assert len(findings) >= len(checked), \
            f"{truth['file']}: {len(findings)} identity finding(s) for the source findings " \
            f"{checked}: {messages}"
    else:
        assert not findings, f"{truth['file']}: identity findings on a consistent document: " \
                             f"{messages}"


# ---------------------------------------------------------------- hand transcriptions

@functools.cache
def hand_of(family: str) -> dict:
    return yaml.safe_load((HAND_DIR / f"{family}.yaml").read_text(encoding="utf-8"))


HAND_FAMILIES = sorted(path.stem for path in HAND_DIR.glob("*.yaml"))
HAND_PARAMS = [pytest.param(family, id=family) for family in HAND_FAMILIES]
HAND_TABLE_PARAMS = [pytest.param(family, kind, id=f"{family}-{kind}")
                     for family in HAND_FAMILIES for kind in hand_of(family)["tables"]]


@pytest.mark.parametrize("family", HAND_PARAMS)
def test_hand_identity(family):
    hand = hand_of(family)
    data, part = data_of(hand["file"]), main_part(hand["file"])
    assert squeeze(hand["department_name"]) in squeeze(part["name"]), \
        f"{hand['file']}: department name {part['name']!r}, printed {hand['department_name']!r}"
    assert int(data["document"]["year"]) == hand["year"], \
        f"{hand['file']}: year {data['document']['year']}, printed {hand['year']}"


def hand_matches(kind: str, want: dict, row: list) -> bool:
    """Summary lines match by printed name, 三公 items by code, table rows by code and name
    (the 合计/unit-total row, code "", by code alone)."""
    if kind in LINE_KINDS:
        return bare_name(row[1]) == squeeze(want["name"])
    if kind == "sangong" or not want["code"]:
        return row[0] == want["code"]
    return row[0] == want["code"] and bare_name(row[1]) == squeeze(want["name"])


@pytest.mark.parametrize(("family", "kind"), HAND_TABLE_PARAMS)
def test_hand_table(family, kind):
    """The transcribed rows, found in the printed order (a code may repeat: Beijing prints one
    block per hidden unit), carry exactly the transcribed amounts; blank stays blank."""
    hand = hand_of(family)
    spec = hand["tables"][kind]
    where = f"{hand['file']} › {kind}"
    table = table_of(hand["file"], kind)
    problems = []
    if table.get("unit", "万元") != spec["unit"]:
        problems.append(f"unit {table.get('unit', '(absent → 万元)')}, printed {spec['unit']}")
    rows = table.get("rows") or []
    ordered = kind not in LINE_KINDS and kind != "sangong"
    used: set[int] = set()
    start = 0
    for index, want in enumerate(spec["rows"]):
        label = row_label(index, want["code"], want["name"])
        expected = {key: str(value) for key, value in want.items()
                    if key not in ("code", "name", "page")}
        candidates = range(start, len(rows)) if ordered else range(len(rows))
        found = next((i for i in candidates
                      if i not in used and hand_matches(kind, want, rows[i])), None)
        if found is None:
            if expected:
                problems.append(f"{label} (p{want['page']}): missing")
            continue
        used.add(found)
        if ordered:
            start = found + 1
        problems += compare_cells(f"{label} (p{want['page']})", expected,
                                  cells_of(kind, table, rows[found]), spec["columns"])
    report(where, problems)


# ---------------------------------------------------------------- files with no table at all

@pytest.mark.parametrize(("relpath", "department", "kpi"), NO_TABLE_FILES)
def test_file_without_tables_is_a_disclosure_part(relpath, department, kpi):
    """“A file with no table at all (a 情况说明 or a 绩效目标 file alone) is accepted as the
    narrative or KPI part of its disclosure, not refused.”"""
    data = data_of(relpath)
    assert data.get("disclosures"), f"{relpath}: no disclosure part"
    part = data["disclosures"][0]
    assert squeeze(department) in squeeze(part.get("name")), \
        f"{relpath}: department name {part.get('name')!r}, printed {department!r}"
    assert int(data["document"]["year"]) == 2026, \
        f"{relpath}: year {data['document']['year']}, printed 2026"
    figures = {kind: table.get("rows") for kind, table in (part.get("tables") or {}).items()
               if kind in ALL_KINDS and any(any(cell for cell in row[2:])
                                            for row in table.get("rows") or [])}
    assert not figures, f"{relpath}: prints none of the nine tables, read figures in " \
                        f"{sorted(figures)}"
    if kpi:
        assert part.get("projects"), f"{relpath}: the 绩效目标 form's projects were not read"
