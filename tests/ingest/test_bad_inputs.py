"""Bad input gets one clear line, a non-zero exit, no traceback, and loses nothing: the original
is kept with its error, and what was published before stays as it was."""

import io
import random
import struct
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budgets.models import Disclosure, Figure, SourceDocument
from budgets.sample_data import SAMPLE_DIR, read_sample
from tests.corpus import bad_inputs
from tests.corpus.render import render_pdf_reportlab
from tests.ingest.conftest import ingest, region_arg

pytestmark = pytest.mark.django_db
LUOTAI = "luotai_711_2024"


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, rendered):
    data, _ = read_sample(SAMPLE_DIR / f"{LUOTAI}.yaml")
    out = tmp_path_factory.mktemp("bad")
    source = rendered[LUOTAI]["reportlab"]
    return {
        "text renamed .pdf": (bad_inputs.write_text_as_pdf(out / "text.pdf"), "内容不是 PDF"),
        "encrypted PDF": (bad_inputs.write_encrypted_pdf(source, out / "enc.pdf"), "已加密"),
        "image-only PDF": (bad_inputs.write_image_only_pdf(source, out / "scan.pdf"), "没有文字层"),
        "truncated PDF": (bad_inputs.write_truncated_pdf(source, out / "cut.pdf"), "损坏或不完整"),
        "zip bomb .docx": (bad_inputs.write_zip_bomb_docx(out / "bomb.docx"), "压缩炸弹"),
        "XLSX with formulas": (bad_inputs.write_xlsx_with_formulas(data, out / "f.xlsx"), "公式"),
        "unrelated PDF": (bad_inputs.write_unrelated_pdf(out / "timetable.pdf"), "不是部门预算公开文件"),
        # Issue #10: 3 MB inflating to 283 MB at 94:1, inside the zip-bomb guard; it once took a
        # worker to 5.2 GB for 9 minutes.
        "oversized DOCX part": (write_oversized_part_docx(out / "inflating.docx", 283),
                                "word/document.xml 解压后超过 283 MB，大于单个部件的上限 40 MB"),
        "lying zip directory": (write_lying_directory_docx(out / "lying.docx"), "损坏或不完整"),
    }


MB = 1024 * 1024


def write_oversized_part_docx(path: Path, megabytes: int) -> Path:
    """A DOCX whose word/document.xml inflates to `megabytes` MB at about 94:1: each MB is 10 KB
    of random hex and spaces. The zip directory states the true size."""
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document '
            f'xmlns:w="{bad_inputs.WORD_NS}"><w:body><w:p><w:r><w:t>').encode()
    noise = random.Random(10)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", bad_inputs.CONTENT_TYPES)
        archive.writestr("_rels/.rels", bad_inputs.PACKAGE_RELS)
        with archive.open("word/document.xml", "w") as member:
            member.write(head)
            for _ in range(megabytes):
                text = noise.randbytes(5000).hex().encode()
                member.write(text + b" " * (MB - len(text)))
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def write_lying_directory_docx(path: Path) -> Path:
    """The same kind of DOCX (48 MB of XML), its zip directory rewritten to say document.xml is
    1 KB: past the bomb guard and the part cap by the directory, not by its content."""
    raw = bytearray(write_oversized_part_docx(path, 48).read_bytes())
    name = b"word/document.xml"
    entry = raw.index(b"PK\x01\x02")  # the central directory's entries
    while raw[entry + 46:entry + 46 + len(name)] != name:
        entry = raw.index(b"PK\x01\x02", entry + 4)
    raw[entry + 24:entry + 28] = struct.pack("<I", 1024)  # uncompressed size
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(name.decode()).file_size == 1024
    return path


@pytest.fixture
def published(rendered, media):
    data, _ = read_sample(SAMPLE_DIR / f"{LUOTAI}.yaml")
    ingest(rendered[LUOTAI]["docx"], data, "--publish")
    return data


def published_state():
    return sorted(Figure.objects.published().values_list("table", "code", "column", "amount"))


@pytest.mark.parametrize("case", ["text renamed .pdf", "encrypted PDF", "image-only PDF",
                                  "truncated PDF", "zip bomb .docx", "XLSX with formulas",
                                  "oversized DOCX part", "lying zip directory",
                                  "unrelated PDF"])
def test_bad_input_is_refused_clearly_and_loses_nothing(case, bad_files, published):
    path, reason = bad_files[case]
    before = published_state()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(path), "--region", region_arg(published),
                     stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and reason in lines[0], lines
    assert "Traceback" not in err.getvalue()
    kept = SourceDocument.objects.get(original_name=path.name)
    assert kept.status == "failed" and reason in kept.error
    assert kept.file.read() == path.read_bytes()  # the original is kept as received
    assert not kept.disclosures.exists()
    assert published_state() == before
    assert Disclosure.objects.count() == 1


def test_other_files_in_the_same_call_still_go_in(bad_files, rendered, media):
    data, _ = read_sample(SAMPLE_DIR / f"{LUOTAI}.yaml")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("ingest", str(bad_files["truncated PDF"][0]), str(rendered[LUOTAI]["xlsx"]),
                     "--region", region_arg(data), stdout=out, stderr=err)
    assert "711 河北唐山芦台经济开发区群工部 2024年 v1 草稿" in out.getvalue()
    assert Disclosure.objects.get().status == "draft"


def test_the_same_file_again_is_a_no_op_that_says_so(published, rendered):
    before = (Disclosure.objects.count(), Figure.objects.count())
    out, err = ingest(rendered[LUOTAI]["docx"], published, "--publish")
    assert "完全相同" in out and err == ""
    assert (Disclosure.objects.count(), Figure.objects.count()) == before
    assert SourceDocument.objects.filter(status="duplicate").count() == 1


def test_a_document_for_another_year_or_department_is_refused(published, rendered):
    for args, reason in ((["--year", "2023"], "不是所选的 2023 年度"),
                         (["--department", "106"], "不是所选部门 106")):
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command("ingest", str(rendered[LUOTAI]["xlsx"]), "--region",
                         region_arg(published), *args, stdout=io.StringIO(), stderr=err)
        assert reason in err.getvalue()
    assert Disclosure.objects.count() == 1


def test_a_corrected_file_becomes_a_draft_and_the_published_version_stays(published, tmp_path):
    corrected = read_sample(SAMPLE_DIR / f"{LUOTAI}.yaml")[0]
    rows = corrected["disclosures"][0]["tables"]["expenditure_by_function"]["rows"]
    row = next(r for r in rows if r[0] == "2012906")
    row[2:5] = ["2.30", "", "2.30"]  # 工会事务 corrected from 2.20
    out, _ = ingest(render_pdf_reportlab(corrected, tmp_path / "corrected.pdf"), corrected)
    assert "v2 草稿" in out
    draft = Disclosure.objects.get(version=2)
    public = Figure.objects.published().get(table="expenditure_by_function", code="2012906",
                                            column="total")
    assert public.amount == Decimal("2.20") and public.disclosure.version == 1
    assert draft.figures.get(table="expenditure_by_function", code="2012906",
                             column="total").amount == Decimal("2.30")
    # The correction breaks 20129 = Σ 项: a finding, never a refusal.
    assert draft.findings.filter(rule="hierarchy_sum", code="20129").exists()


def test_a_2023_layout_document_is_read_with_its_revenue_items(rendered, media, tmp_path):
    from tests.corpus.variants import layout_2023

    old = layout_2023(read_sample(SAMPLE_DIR / f"{LUOTAI}.yaml")[0])
    ingest(render_pdf_reportlab(old, tmp_path / "2023.pdf"), old)
    disclosure = Disclosure.objects.get()
    assert (disclosure.year, disclosure.summary_layout) == (2023, 2023)
    summary = {f.code: f.amount for f in disclosure.figures.filter(table="summary")}
    expected = {row[0]: Decimal(row[2]) for row in
                old["disclosures"][0]["tables"]["summary"]["rows"] if row[2:] and row[2]}
    assert summary == expected
    assert not disclosure.findings.exists()


def test_a_file_whose_drafts_were_discarded_can_be_read_again(rendered, media):
    from budgets.services import disclosure_discard

    data, _ = read_sample(SAMPLE_DIR / f"{LUOTAI}.yaml")
    ingest(rendered[LUOTAI]["xlsx"], data)
    disclosure_discard(disclosure=Disclosure.objects.get())
    out, _ = ingest(rendered[LUOTAI]["xlsx"], data)
    assert "v2 草稿" in out and "完全相同" not in out


def test_an_original_on_a_storage_without_local_paths_is_read_through_a_copy(rendered, settings):
    """S3-compatible storages have no `.path`; Django's in-memory storage has none either."""
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    data, _ = read_sample(SAMPLE_DIR / f"{LUOTAI}.yaml")
    out, err = ingest(rendered[LUOTAI]["docx"], data, "--publish")
    assert err == "" and "v1 已公开" in out
    document = SourceDocument.objects.get()
    assert not Path(document.file.storage.path(document.file.name)).exists()  # nothing on disk
    assert document.file.read() == rendered[LUOTAI]["docx"].read_bytes()
    assert Figure.objects.published().count() == 204
