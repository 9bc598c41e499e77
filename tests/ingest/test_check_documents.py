"""`manage.py check_documents`: one line per file and the totals, the JSON report, the baseline
guard — and nothing stored. Run on the committed samples/ (read fully today)."""

import io
import json
import shutil
import time

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets.identities import table_check_counts
from budgets.models import Department, Disclosure, Figure, Finding, Region
from budgets.sample_data import SAMPLE_DIR, read_sample
from budgets.services import disclosures_store, region_get_or_create_path
from ingest.corpus_check import FileReport, _store_and_check, row_amounts
from tests.budgets.test_quality_counts import _luotai
from tests.ingest.conftest import COMMITTED, transcribed_lines

pytestmark = pytest.mark.django_db
LUOTAI, GAOXIN = "luotai_711_2024", "gaoxin_106_2024"


def transcribed_count(stem: str) -> int:
    """Printed amounts of the nine tables, from the YAML transcription (the truth)."""
    return len(transcribed_lines(read_sample(SAMPLE_DIR / f"{stem}.yaml")[0]))


@pytest.fixture
def folder(tmp_path):
    """Two samples (PDF and XLSX) in a sub-folder, a text file named .pdf, a .txt to skip."""
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    shutil.copy(COMMITTED / f"{LUOTAI}.pdf", root / f"{LUOTAI}.pdf")
    shutil.copy(COMMITTED / f"{GAOXIN}.xlsx", root / "sub" / f"{GAOXIN}.xlsx")
    (root / "notes.pdf").write_text("not a pdf at all", encoding="utf-8")
    (root / "readme.txt").write_text("skipped", encoding="utf-8")
    return root


def check(*args) -> str:
    out = io.StringIO()
    call_command("check_documents", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_one_line_per_file_then_totals(folder):
    out = check(folder)
    lines = out.splitlines()
    file_lines = [line for line in lines if str(folder) in line and not line.startswith(" ")]
    assert len(file_lines) == 3, out
    assert "readme.txt" not in out
    by_file = {name: next(line for line in file_lines if name in line)
               for name in (f"{LUOTAI}.pdf", f"{GAOXIN}.xlsx", "notes.pdf")}
    luotai = by_file[f"{LUOTAI}.pdf"]
    assert luotai.startswith("读取")
    assert "河北唐山芦台经济开发区群工部" in luotai and "2024" in luotai and " 711 " in luotai
    assert "S R E F G B GF SC 3" in luotai
    assert f" {transcribed_count(LUOTAI)} " in luotai
    assert by_file[f"{GAOXIN}.xlsx"].startswith("读取")
    assert by_file["notes.pdf"].startswith("拒绝") and "内容不是 PDF" in by_file["notes.pdf"]
    stored = transcribed_count(LUOTAI) + transcribed_count(GAOXIN)
    assert "files 3: read 2, no-tables 0, refused 1" in out
    assert f"amounts stored {stored}, printed on the nine tables' pages {stored}, not read 0, " \
           "coverage 100.00%" in out
    assert "ms/page median" in out


def test_json_report(folder, tmp_path):
    target = tmp_path / "out" / "report.json"
    check(folder, "--json", target)
    report = json.loads(target.read_text(encoding="utf-8"))
    files = {r["file"].rsplit("/", 1)[-1]: r for r in report["files"]}
    assert list(files) == [f"{LUOTAI}.pdf", "notes.pdf", f"{GAOXIN}.xlsx"]  # sorted paths
    luotai, gaoxin, notes = files[f"{LUOTAI}.pdf"], files[f"{GAOXIN}.xlsx"], files["notes.pdf"]
    assert (luotai["status"], luotai["code"], luotai["year"], luotai["scopes"]) == \
        ("read", "711", 2024, ["department"])
    assert luotai["departments"] == ["河北唐山芦台经济开发区群工部"] and luotai["units"] == []
    assert len(luotai["tables"]["河北唐山芦台经济开发区群工部"]) == 9
    assert luotai["figures_stored"] == luotai["amounts_printed"] == transcribed_count(LUOTAI)
    assert luotai["amounts_not_read"] == 0
    assert luotai["pages"] == 18 and luotai["ms_per_page"] > 0
    assert luotai["identity_failed"] == 0 and luotai["identity_passed"] > 0
    assert luotai["identity_passed"] == luotai["identity_checks"]
    assert gaoxin["status"] == "read" and gaoxin["code"] == "106"
    assert gaoxin["figures_stored"] == transcribed_count(GAOXIN)
    assert notes["status"] == "refused" and "内容不是 PDF" in notes["reason"]
    totals = report["totals"]
    assert (totals["files"], totals["files_read"], totals["files_refused"]) == (3, 2, 1)
    assert totals["amounts_stored"] == transcribed_count(LUOTAI) + transcribed_count(GAOXIN)
    assert totals["coverage_percent"] == 100.0
    assert totals["median_ms_per_page"] > 0


def test_units_and_unit_tables_are_reported(tmp_path):
    shutil.copy(COMMITTED / "cangzhou_313_2024.pdf", tmp_path / "c.pdf")
    check(tmp_path, "--json", tmp_path / "r.json")
    (report,) = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["files"]
    assert report["scopes"] == ["department", "unit"]
    assert report["units"] == ["中共河北沧州经济开发区工委组织人事部本级"]
    assert [len(kinds) for kinds in report["tables"].values()] == [9, 9]
    assert report["figures_stored"] == report["amounts_printed"] == \
        transcribed_count("cangzhou_313_2024")


def test_nothing_is_stored(folder):
    models = (Disclosure, Figure, Finding, Region, Department)
    before = [m.objects.count() for m in models]
    check(folder)
    assert [m.objects.count() for m in models] == before


def test_checks_run_and_passed_are_those_counted_when_the_records_were_checked():
    """Records with a table identity, a prose restatement and a reading problem failing: the
    counts stored at validation give what a second run of the table checks would."""
    data = _luotai()
    report = FileReport(file="luotai")
    _store_and_check(report, data, time.perf_counter())
    assert not Disclosure.objects.exists()
    [kept] = disclosures_store(data=data, region=region_get_or_create_path(["河北省"]))
    runs, failed = table_check_counts(kept)
    assert failed > 0 and kept.findings.filter(rule__startswith="narrative").exists()
    assert (report.identity_checks, report.identity_passed) == (runs, runs - failed)
    assert report.identity_failed == kept.findings.exclude(rule="reading").count()
    assert report.reading_findings == 1


def test_baseline_below_passes_equal_passes_above_fails(folder, tmp_path):
    recorded = tmp_path / "baseline.json"
    check(folder, "--write-baseline", recorded)
    baseline = json.loads(recorded.read_text(encoding="utf-8"))
    stored = transcribed_count(LUOTAI) + transcribed_count(GAOXIN)
    assert baseline == {"files_read": 2, "amounts_stored": stored, "coverage_percent": 100.0}

    assert "OK" in check(folder, "--baseline", recorded)  # equal: passes

    for key, higher in (("files_read", 3), ("amounts_stored", stored + 1),
                        ("coverage_percent", 100.01)):
        above = tmp_path / f"above-{key}.json"
        above.write_text(json.dumps({**baseline, key: higher}), encoding="utf-8")
        with pytest.raises(CommandError, match=key) as failure:
            check(folder, "--baseline", above)
        assert failure.value.returncode == 1

    lower = tmp_path / "lower.json"
    lower.write_text(json.dumps({"files_read": 1, "amounts_stored": 10, "coverage_percent": 50}))
    check(folder, "--baseline", lower)


def test_unreadable_baseline_is_a_clear_error(folder, tmp_path):
    with pytest.raises(CommandError, match="baseline"):
        check(folder, "--baseline", tmp_path / "missing.json")


def test_size_limit_is_honoured_unless_lifted(folder, settings):
    settings.INGEST_MAX_UPLOAD_BYTES = 1000
    out = check(folder / f"{LUOTAI}.pdf")
    assert "files 1: read 0, no-tables 0, refused 1" in out and "超过上限" in out
    out = check(folder / f"{LUOTAI}.pdf", "--no-size-limit")
    assert "files 1: read 1, no-tables 0, refused 0" in out


def test_prose_only_document_is_no_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("2024年部门预算情况说明")
    document.add_paragraph("一、部门职责。本部门收入预算合计 196.76 万元。")
    document.save(tmp_path / "prose.docx")
    out = check(tmp_path)
    assert out.splitlines()[1].startswith("无表")
    assert "files 1: read 0, no-tables 1, refused 0" in out


def test_records_without_the_nine_tables_are_no_tables(folder, monkeypatch):
    """A 情况说明 read as narrative only: stored, checked and timed, but not a file read."""
    import ingest.reading

    prose_only = {"document": {"year": 2024, "title": "", "summary_layout": 2024},
                  "disclosures": [{"scope": "department", "code": "", "name": "某某局",
                                   "tables": {}, "reading_problems": []}]}
    monkeypatch.setattr(ingest.reading, "document_data", lambda extracted: prose_only)
    out = check(folder / f"{LUOTAI}.pdf")
    assert out.splitlines()[1].startswith("无表") and "某某局" in out
    assert "files 1: read 0, no-tables 1, refused 0" in out


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        check(tmp_path / "nothing-here")


@pytest.mark.parametrize(("row", "count"), [
    (["1", "一、一般公共预算拨款收入", "196.76", "一、一般公共服务支出", "133.02"], 2),  # 序号 left
    (["栏次", "1", "2", "3", "4"], 0),
    (["", "1", "2", "3", "4", "5"], 0),                                       # 栏次 without the word
    (["201", "13", "01", "1,234.50", "0.00", "", "12"], 3),                  # split code, no name
    (["2040601", "12,482.549431", "-27.07"], 2),                              # code, no name
    (["2040601-行政运行", "12,482.549431", "12,333.173431"], 2),               # joined code-name
    (["2010501", "行政运行", "2,357.92", "合计", "1.2.3", "8.00"], 2),
    (["", "", "", ""], 0),
])
def test_row_amounts(row, count):
    assert row_amounts(row) == count
