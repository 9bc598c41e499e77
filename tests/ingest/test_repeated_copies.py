"""Issue #10: a file holding the same disclosure many times gives one draft per department (and
unit), not one version per copy; distinct departments in one file give one draft each."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from budgets.models import Disclosure
from budgets.services import disclosures_store, region_get_or_create_path
from ingest.extract import UnreadableDocument
from ingest.reading import document_data, one_record_per_body, read_document

SAMPLES = Path(__file__).parent.parent.parent / "samples"


def joined_pdf(path: Path, *sources: Path) -> Path:
    joined = pdfium.PdfDocument.new()
    for source in sources:
        joined.import_pages(pdfium.PdfDocument(str(source)))
    joined.save(str(path))
    return path


@pytest.mark.django_db
def test_a_disclosure_printed_three_times_is_stored_once(tmp_path):
    single = document_data(read_document(SAMPLES / "luotai_711_2024.pdf"))
    sample = SAMPLES / "luotai_711_2024.pdf"
    tripled = document_data(read_document(joined_pdf(tmp_path / "x3.pdf", *[sample] * 3)))
    assert [(d["scope"], d["code"]) for d in tripled["disclosures"]] == \
        [(d["scope"], d["code"]) for d in single["disclosures"]]
    assert "文件中重复印了同一份预算，只读取一次" in tripled["disclosures"][0]["reading_problems"]
    region = region_get_or_create_path(["河北省", "唐山市", "芦台经济开发区"])
    disclosures_store(data=tripled, region=region)
    assert Disclosure.objects.count() == len(single["disclosures"])
    assert set(Disclosure.objects.values_list("version", flat=True)) == {1}


@pytest.mark.django_db
def test_two_departments_in_one_file_give_one_draft_each(tmp_path):
    both = joined_pdf(tmp_path / "two.pdf", SAMPLES / "luotai_711_2024.pdf",
                      SAMPLES / "gaoxin_106_2024.pdf")
    data = document_data(read_document(both))
    departments = [d["code"] for d in data["disclosures"] if d["scope"] == "department"]
    assert departments == ["711", "106"]


def test_two_different_budgets_under_one_name_refuse_the_file():
    record = {"scope": "department", "code": "", "name": "某某局", "projects": [],
              "narrative": [], "reading_problems": [],
              "tables": {"summary": {"rows": [["x", "收入", "1.00"]]}}}
    other = {**record, "tables": {"summary": {"rows": [["x", "收入", "2.00"]]}}}
    with pytest.raises(UnreadableDocument, match="某某局"):
        one_record_per_body([record, other])
    assert len(one_record_per_body([record, {**record, "reading_problems": []}])) == 1
