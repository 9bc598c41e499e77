"""Issue #9: variants of our own Hebei layout where the `<code><name>` | 预算年度：2024 |
单位：万元 line is not printed unruled above each table but as the table's ruled first row:
three bordered cells merged over column groups ("ruled") or one cell across the table's width
("merged"). Every figure, the department's (and unit's) code and name and the budget year must
come back exactly as transcribed, from the DOCX, its LibreOffice PDF and the reportlab PDF."""

import pytest

from budgets.models import Disclosure, DisclosureTable
from budgets.sample_data import SAMPLE_DIR, read_sample
from tests.corpus.layout import FISCAL_CARRYOVER_LINES
from tests.ingest.conftest import (
    CAPTION_VARIANT_FORMATS,
    CAPTION_VARIANT_STEMS,
    CAPTION_VARIANT_STYLES,
    export,
    exported_lines,
    ingest,
    squeeze,
    transcribed_lines,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.parametrize("fmt", CAPTION_VARIANT_FORMATS),
    pytest.mark.parametrize("stem", CAPTION_VARIANT_STEMS),
    pytest.mark.parametrize("style", CAPTION_VARIANT_STYLES),
]


def test_every_figure_comes_back_when_the_header_line_is_the_first_row(
        style, stem, fmt, rendered_caption_variants, media, tmp_path):
    data, _ = read_sample(SAMPLE_DIR / f"{stem}.yaml")
    out, err = ingest(rendered_caption_variants[style][stem][fmt], data, "--publish")
    assert err == ""
    assert "figures" in out
    rows = export("export_lines", tmp_path)
    assert exported_lines(rows) == transcribed_lines(data)
    assert {r["year"] for r in rows} == {str(data["document"]["year"])}
    assert {(r["scope"], r["unit_code"], r["unit_name"]) for r in rows} == {
        (d["scope"], d["code"] if d["scope"] == "unit" else "",
         d["name"] if d["scope"] == "unit" else "") for d in data["disclosures"]}


def test_the_header_row_names_the_department_and_year_and_is_no_table_row(
        style, stem, fmt, rendered_caption_variants, media):
    """Code, name and year are read from the first row; the row itself is not stored as a
    line of any table (each table keeps the rows it prints: those transcribed, and in the
    财政拨款收支总表 the three untranscribed 结转 lines)."""
    data, _ = read_sample(SAMPLE_DIR / f"{stem}.yaml")
    out, err = ingest(rendered_caption_variants[style][stem][fmt], data)
    assert err == ""
    stored = {d.department.code: d for d in Disclosure.objects.select_related("department")}
    assert sorted(stored) == sorted(item["code"] for item in data["disclosures"])
    for item in data["disclosures"]:
        disclosure = stored[item["code"]]
        assert disclosure.year == data["document"]["year"]
        assert squeeze(disclosure.name_as_printed) == squeeze(item["name"])
        tables = {t.table: t.row_count for t in DisclosureTable.objects.filter(
            disclosure=disclosure)}
        assert tables == {key: printed_rows(key, spec) for key, spec in item["tables"].items()}


def printed_rows(key: str, spec: dict) -> int:
    extra = len(FISCAL_CARRYOVER_LINES) if key == "fiscal_summary" and spec["rows"] else 0
    return len(spec["rows"]) + extra
