"""Issue #9: tables printed without rulings, or with only the three lines of a "three-line"
table, are read from how their words line up; every figure of the nine tables comes back as
transcribed, with the department's code, name and year."""

import pytest

from budgets.sample_data import SAMPLE_DIR, read_sample
from tests.corpus.unruled_pdf import RULINGS, render_unruled_pdf
from tests.ingest.conftest import export, exported_lines, ingest, transcribed_lines

STEMS = ("luotai_711_2024", "gaoxin_106_2024", "cangzhou_313_2024")


@pytest.mark.django_db
@pytest.mark.parametrize("rulings", RULINGS)
@pytest.mark.parametrize("stem", STEMS)
def test_every_figure_comes_back_from_a_table_without_rulings(stem, rulings, media, tmp_path):
    data, _ = read_sample(SAMPLE_DIR / f"{stem}.yaml")
    pdf = render_unruled_pdf(data, tmp_path / f"{stem}-{rulings}.pdf", rulings)
    out, err = ingest(pdf, data, "--publish")
    assert err == "", err
    rows = export("export_lines", tmp_path)
    assert exported_lines(rows) == transcribed_lines(data)
    assert {(r["department_code"], r["year"]) for r in rows} == {
        (data["disclosures"][0]["code"], str(data["document"]["year"]))}
