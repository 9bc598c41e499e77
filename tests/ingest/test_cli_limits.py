"""`manage.py ingest` honours the upload page's size limit (INGEST_MAX_UPLOAD_BYTES) unless told
--no-size-limit (issue #10: the command line had no limit)."""

import io

import pytest
from django.core.management import CommandError, call_command

from budgets.models import Disclosure, SourceDocument
from budgets.services import region_get_or_create_path
from tests.ingest.staff_fixtures import LUOTAI, sample_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
REGION = "/".join(LUOTAI)


def ingest(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *map(str, args), "--region", REGION, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_file_over_the_limit_is_refused_before_it_is_read_or_kept(settings, tmp_path):
    settings.INGEST_MAX_UPLOAD_BYTES = 1000
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 2000)
    small = tmp_path / "small.pdf"
    small.write_bytes(b"%PDF-1.4\n" + b"0" * 10)
    # The big one is refused for its size alone; the small one is still tried (not a PDF).
    with pytest.raises(CommandError, match="2 of 2 files could not be read"):
        ingest(big, small)
    assert not SourceDocument.objects.filter(original_name="big.pdf").exists()
    assert SourceDocument.objects.filter(original_name="small.pdf").exists()


def test_the_refusal_says_why_and_how_to_override(settings, tmp_path):
    settings.INGEST_MAX_UPLOAD_BYTES = 1000
    big = tmp_path / "big.docx"
    big.write_bytes(b"PK" + b"0" * 5000)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(big), "--region", REGION, stdout=io.StringIO(), stderr=err)
    line = err.getvalue()
    assert "big.docx" in line and "超过上限" in line and "--no-size-limit" in line
    assert "INGEST_MAX_UPLOAD_BYTES" in line
    assert not SourceDocument.objects.exists()


def test_no_size_limit_reads_a_file_over_the_limit(settings, tmp_path):
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    settings.INGEST_MAX_UPLOAD_BYTES = path.stat().st_size - 1
    with pytest.raises(CommandError):
        ingest(path)
    assert not SourceDocument.objects.exists()
    out, err = ingest(path, "--no-size-limit")
    assert err == "" and "711" in out
    assert Disclosure.objects.get().department.code == "711"


def test_a_file_at_the_limit_is_read(settings, tmp_path):
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    settings.INGEST_MAX_UPLOAD_BYTES = path.stat().st_size  # the same "larger than" as the form
    out, err = ingest(path)
    assert err == "" and Disclosure.objects.get().department.code == "711"


def test_publishing_from_the_command_line_is_held_when_the_region_does_not_match(tmp_path):
    """Issue #10: the 711 document of 唐山 › 芦台 filed under 沧州 is read, but stays a draft."""
    region_get_or_create_path(LUOTAI)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="could not be read or published"):
        call_command("ingest", str(sample_file("luotai_711_2024", "pdf", tmp_path)), "--publish", "--region",
                     "河北省/沧州市/沧州经济开发区", stdout=out, stderr=err)
    assert "未公开，仍为草稿" in err.getvalue() and "唐山" in err.getvalue()
    assert Disclosure.objects.filter(status="published").count() == 0
    assert Disclosure.objects.filter(status="draft").exists()
