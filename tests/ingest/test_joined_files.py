"""Issue #9: the 情况说明 and the 报表 published as two files join one department-year version, in
either order, and that version holds exactly what the single file holds; each part says which
file (and so which pages) it came from."""

from pathlib import Path
from urllib.parse import quote

import pypdfium2 as pdfium
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from budgets.models import Disclosure, Region
from budgets.services import region_get_or_create_path
from ingest.pipeline import ingest_file

SAMPLE = Path(__file__).parent.parent.parent / "samples" / "luotai_711_2024.pdf"
TABLE_PAGES = range(0, 10)  # the nine tables; the 情况说明 and the KPI forms follow


def pages_of(path: Path, indices, out: Path) -> Path:
    source, part = pdfium.PdfDocument(str(path)), pdfium.PdfDocument.new()
    part.import_pages(source, list(indices))
    part.save(str(out))
    return out


def split_sample(folder: Path) -> dict[str, Path]:
    count = len(pdfium.PdfDocument(str(SAMPLE)))
    rest = [i for i in range(count) if i not in TABLE_PAGES]
    return {"报表": pages_of(SAMPLE, TABLE_PAGES, folder / "报表.pdf"),
            "情况说明": pages_of(SAMPLE, rest, folder / "情况说明.pdf")}


def content(disclosure: Disclosure) -> dict:
    return {
        "figures": sorted(disclosure.figures.values_list("table", "row", "code", "column",
                                                          "amount", "unit")),
        "sections": sorted(disclosure.sections.values_list("key", "text")),
        "projects": sorted(disclosure.projects.values_list("name", "budget")),
        "indicators": sorted(disclosure.projects.values_list("name", "indicators__description",
                                                             "indicators__value")),
        "findings": sorted(disclosure.findings.values_list("rule", "message")),
    }


def region() -> Region:
    return region_get_or_create_path(["河北省", "唐山市", "芦台经济开发区"])


@pytest.mark.django_db
@pytest.mark.parametrize("order", [("报表", "情况说明"), ("情况说明", "报表")])
def test_two_files_join_one_version_equal_to_the_single_file(order, tmp_path, media):
    whole = ingest_file(SAMPLE, region=region()).disclosures[0]
    expected = content(whole)
    whole.status = Disclosure.Status.DISCARDED
    whole.save()

    files = split_sample(tmp_path)
    results = [ingest_file(files[name], region=region()) for name in order]
    assert [r.failed for r in results] == [False, False]
    joined = results[1].disclosures[0]
    assert joined.department == whole.department
    assert content(joined) == expected
    first_file, second_file = (r.document for r in results)
    assert set(joined.sources.all()) == {first_file, second_file}
    by_part = {label: document for label, document in joined.part_sources()}
    assert by_part["预算报表"] == results[order.index("报表")].document
    assert by_part["情况说明"] == results[order.index("情况说明")].document


@pytest.mark.django_db
def test_a_corrected_table_file_keeps_the_narrative_read_from_the_other_file(tmp_path, media):
    files = split_sample(tmp_path)
    ingest_file(files["情况说明"], region=region())
    first = ingest_file(files["报表"], region=region()).disclosures[0]
    corrected = pages_of(SAMPLE, TABLE_PAGES, tmp_path / "报表-更正.pdf")
    with open(corrected, "ab") as handle:  # other bytes, same content: a re-issued file
        handle.write(b"\n% re-issued\n")
    again = ingest_file(corrected, region=region()).disclosures[0]
    assert again.version == first.version + 1
    assert content(again)["sections"] == content(first)["sections"] != []


@pytest.mark.django_db
def test_the_public_page_offers_each_file_of_a_joined_version(tmp_path, media, client):
    files = split_sample(tmp_path)
    ingest_file(files["情况说明"], region=region(), publish=True)
    joined = ingest_file(files["报表"], region=region(), publish=True).disclosures[0]
    page = client.get(joined.get_absolute_url()).content.decode()
    assert "下载原始文件·预算报表（报表.pdf）" in page
    assert "下载原始文件·情况说明（情况说明.pdf）" in page
    source_url = joined.get_absolute_url() + "source/"
    for document in joined.sources.all():
        response = client.get(source_url, {"file": document.pk})
        assert response.status_code == 200
        assert quote(document.original_name) in response["Content-Disposition"]
    other = ingest_file(SAMPLE, region=region()).document  # a file of no published version
    assert client.get(source_url, {"file": other.pk}).status_code == 404


@pytest.mark.django_db
def test_the_review_page_says_which_file_each_part_came_from(tmp_path, media, client):
    files = split_sample(tmp_path)
    first = ingest_file(files["情况说明"], region=region()).document
    second = ingest_file(files["报表"], region=region()).document
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw-123456789"))
    page = client.get(reverse("ingest:document-review", args=[second.pk])).content.decode()
    assert "本版本合并了多份文件" in page
    review = reverse("ingest:document-review", args=[second.pk])
    assert f'预算报表来自<a href="{review}">报表.pdf</a>' in page
    review = reverse("ingest:document-review", args=[first.pk])
    assert f'情况说明来自<a href="{review}">情况说明.pdf</a>' in page
