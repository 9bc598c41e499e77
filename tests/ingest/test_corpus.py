"""Every figure of the three seed documents comes back exactly, from every format, whether the
files are rendered now or the committed samples/ — compared with the transcription."""

from decimal import Decimal

import pytest

from budgets.models import Disclosure, DisclosureTable, Finding, NarrativeSection, SourceDocument
from budgets.sample_data import SAMPLE_DIR, read_sample
from tests.ingest.conftest import (
    COMMITTED,
    FORMATS,
    STEMS,
    export,
    exported_indicators,
    exported_lines,
    ingest,
    squeeze,
    transcribed_indicators,
    transcribed_lines,
)

pytestmark = pytest.mark.django_db
CAPTIONS = r"^(部门|单位)机构设置情况$|^\d+、.*绩效目标表$"


def document(stem, fmt, source, rendered):
    if source == "committed":
        return COMMITTED / FORMATS[fmt].format(stem=stem)
    return rendered[stem][fmt]


@pytest.mark.parametrize("source", ["rendered", "committed"])
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("stem", STEMS)
def test_every_figure_comes_back_exactly(stem, fmt, source, rendered, media, tmp_path):
    data, _ = read_sample(SAMPLE_DIR / f"{stem}.yaml")
    out, err = ingest(document(stem, fmt, source, rendered), data, "--publish")
    assert err == ""
    assert "figures" in out
    rows = export("export_lines", tmp_path)
    assert exported_lines(rows) == transcribed_lines(data)
    assert {r["region"] for r in rows} == {" › ".join(data["document"]["region"])}
    assert {r["year"] for r in rows} == {str(data["document"]["year"])}
    assert {(r["scope"], r["unit_code"], r["unit_name"]) for r in rows} == {
        (d["scope"], d["code"] if d["scope"] == "unit" else "",
         d["name"] if d["scope"] == "unit" else "") for d in data["disclosures"]}
    assert all(r["source_page"].isdigit() for r in rows), "every figure keeps its source page"


@pytest.mark.parametrize("fmt", ["docx", "pdf", "reportlab"])
@pytest.mark.parametrize("stem", STEMS)
def test_every_kpi_indicator_comes_back(stem, fmt, rendered, media, tmp_path):
    """Text is compared without whitespace: a PDF cannot tell a wrapped line from a space."""
    data, _ = read_sample(SAMPLE_DIR / f"{stem}.yaml")
    ingest(rendered[stem][fmt], data, "--publish")
    assert exported_indicators(export("export_indicators", tmp_path)) == \
        transcribed_indicators(data)


@pytest.mark.parametrize("fmt", ["docx", "pdf", "reportlab", "xlsx"])
@pytest.mark.parametrize("stem", STEMS)
def test_the_narrative_comes_back_section_by_section(stem, fmt, rendered, media):
    import re

    data, _ = read_sample(SAMPLE_DIR / f"{stem}.yaml")
    ingest(rendered[stem][fmt], data)
    for item in data["disclosures"]:
        disclosure = Disclosure.objects.get(department__code=item["code"])
        stored = [(s.key, squeeze(s.title), squeeze(s.text))
                  for s in NarrativeSection.objects.filter(disclosure=disclosure)]
        expected = [(s["key"], squeeze(s["title"]), squeeze("\n".join(
            line for line in (s.get("text") or "").split("\n")
            if not re.match(CAPTIONS, line.strip()))))
            for s in item.get("narrative", [])]
        assert stored == expected


@pytest.mark.parametrize("fmt", ["docx", "pdf", "reportlab", "xlsx"])
def test_empty_tables_are_stored_as_empty_with_their_note(fmt, rendered, media):
    data, _ = read_sample(SAMPLE_DIR / "luotai_711_2024.yaml")
    ingest(rendered["luotai_711_2024"][fmt], data)
    tables = {t.table: t for t in DisclosureTable.objects.all()}
    assert len(tables) == 9
    for key in ("gov_fund_by_function", "state_capital_by_function", "sangong"):
        assert tables[key].is_empty
        assert tables[key].empty_note == data["disclosures"][0]["tables"][key]["empty_note"]
    assert tables["expenditure_by_function"].row_count == 17


@pytest.mark.parametrize("fmt", ["docx", "reportlab"])
def test_seed_004_prose_in_yuan_is_reported_as_a_unit_slip(fmt, rendered, media):
    data, _ = read_sample(SAMPLE_DIR / "gaoxin_106_2024.yaml")
    ingest(rendered["gaoxin_106_2024"][fmt], data)
    slips = Finding.objects.filter(rule="narrative_unit_slip")
    assert sorted(f.expected for f in slips) == [Decimal("2800.00"), Decimal("4000.00")]
    assert {f.unit for f in slips} == {"万元"}
    assert any("被征地农民社会保障费4000元" in f.message for f in slips)
    assert not Finding.objects.exclude(rule="narrative_unit_slip").exists()


def test_pdf_figures_point_at_the_page_that_prints_them(rendered, media, tmp_path):
    import pdfplumber

    data, _ = read_sample(SAMPLE_DIR / "luotai_711_2024.yaml")
    path = rendered["luotai_711_2024"]["reportlab"]
    ingest(path, data)
    assert export("export_lines", tmp_path) == []  # nothing is public before publishing
    with pdfplumber.open(path) as pdf:  # the cells printed on each page, by pdfplumber itself
        pages = [{squeeze(cell) for table in page.extract_tables() for row in table
                  for cell in row} for page in pdf.pages]
    document_ = SourceDocument.objects.get()
    assert document_.page_count == len(pages)
    from budgets.models import Figure

    for figure in Figure.objects.all():
        assert figure.printed in pages[figure.page - 1], (figure, figure.page)


@pytest.mark.parametrize("backend", ["pdfplumber", "camelot"])
@pytest.mark.parametrize("fmt", ["pdf", "reportlab"])
def test_the_other_pdf_backends_read_the_same_figures(backend, fmt, rendered, media, tmp_path):
    """pdfium is the default (fastest, bench/ingest.py); the others stay exact too."""
    data, _ = read_sample(SAMPLE_DIR / "luotai_711_2024.yaml")
    ingest(rendered["luotai_711_2024"][fmt], data, "--publish", "--backend", backend)
    assert exported_lines(export("export_lines", tmp_path)) == transcribed_lines(data)
