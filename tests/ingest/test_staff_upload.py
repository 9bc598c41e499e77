"""The upload page: good files are read, bad ones refused with a clear reason, and nothing but the
original and the reason is kept for them; published data never change on a refusal."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.models import Disclosure, Figure, SourceDocument
from ingest.models import AuditEntry, IngestJob
from tests.corpus import render as corpus
from tests.ingest.staff_fixtures import CANGZHOU, LUOTAI, bureau_user, region, sample, sample_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_queue")]
UPLOAD = reverse("ingest:upload")


@pytest.fixture
def luotai_user(django_user_model):
    return bureau_user(django_user_model, "luotai", LUOTAI)


@pytest.fixture
def client_luotai(client, luotai_user):
    client.force_login(luotai_user)
    return client


def upload(client, *paths, region_names=LUOTAI, **fields):
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]
    return client.post(UPLOAD, {"region": region(region_names).pk, "files": files, **fields})


def published_state() -> list[tuple]:
    return sorted(Figure.objects.published().values_list("disclosure_id", "table", "code",
                                                          "column", "amount"))


def test_a_docx_upload_is_kept_read_into_a_draft_and_logged(client_luotai, luotai_user, tmp_path):
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    response = upload(client_luotai, path)
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == IngestJob.Status.READY and job.attempts == 1
    document = job.document
    assert document.original_name == path.name and document.uploaded_by == luotai_user
    assert document.status == SourceDocument.Status.STORED and document.format == "docx"
    assert document.file.read() == path.read_bytes()
    assert not document.file.name.endswith(".html")
    draft = Disclosure.objects.get(document=document)
    assert draft.status == Disclosure.Status.DRAFT and draft.department.code == "711"
    assert draft.figures.filter(table="summary", code="general_budget").get().amount == Decimal("196.76")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user, entry.object_id) == ("uploaded", luotai_user, str(document.pk))
    page = client_luotai.get(job.get_absolute_url())
    assert "读取完成，待审核" in page.content.decode()


def test_several_files_at_once_each_get_their_own_job(client_luotai, tmp_path):
    docx = sample_file("luotai_711_2024", "docx", tmp_path)
    xlsx = sample_file("luotai_711_2024", "xlsx", tmp_path)
    response = upload(client_luotai, docx, xlsx)
    assert response.status_code == 302 and response["Location"] == reverse("ingest:dashboard")
    jobs = IngestJob.objects.order_by("pk")
    assert [j.document.original_name for j in jobs] == [docx.name, xlsx.name]
    assert jobs[0].status == IngestJob.Status.READY
    dashboard = client_luotai.get(reverse("ingest:dashboard")).content.decode()
    assert docx.name in dashboard and xlsx.name in dashboard


def test_the_type_is_judged_by_content_not_by_the_extension(client_luotai, tmp_path):
    real = sample_file("luotai_711_2024", "docx", tmp_path)
    disguised = tmp_path / "预算.pdf"
    disguised.write_bytes(real.read_bytes())
    upload(client_luotai, disguised)
    document = IngestJob.objects.get().document
    assert document.status == SourceDocument.Status.STORED and document.format == "docx"
    assert document.file.name.endswith(".docx")


BAD_INPUTS = {  # what is uploaded → words the refusal must contain
    "text renamed .pdf": "不是 PDF、DOCX 或 XLSX",
    "encrypted PDF": "加密",
    "image-only PDF": "没有文字层",
    "truncated PDF": "损坏或不完整",
    "zip bomb .docx": "压缩炸弹",
    "XLSX with formulas": "公式",
    "unrelated PDF": "不是部门预算公开文件",
}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("bad")
    pdf = sample_file("luotai_711_2024", "pdf", folder)
    data = sample("luotai_711_2024")
    return {
        "text renamed .pdf": corpus.write_text_as_pdf(folder / "text.pdf"),
        "encrypted PDF": corpus.write_encrypted_pdf(pdf, folder / "encrypted.pdf"),
        "image-only PDF": corpus.write_image_only_pdf(pdf, folder / "scan.pdf", scale=0.5),
        "truncated PDF": corpus.write_truncated_pdf(pdf, folder / "truncated.pdf"),
        "zip bomb .docx": corpus.write_zip_bomb_docx(folder / "bomb.docx"),
        "XLSX with formulas": corpus.write_xlsx_with_formulas(data, folder / "formulas.xlsx"),
        "unrelated PDF": corpus.write_unrelated_pdf(folder / "timetable.pdf"),
    }


@pytest.mark.parametrize("label", BAD_INPUTS)
def test_a_bad_input_is_refused_with_its_reason_keeping_only_the_original(
        client_luotai, sample_data, bad_files, label):
    path, reason = bad_files[label], BAD_INPUTS[label]
    before = published_state()
    response = upload(client_luotai, path)
    job = IngestJob.objects.get()
    assert response.status_code == 302
    assert job.status == IngestJob.Status.FAILED
    assert reason in job.error, job.error
    assert "Exception" not in job.error  # plain words, not a class name
    page = client_luotai.get(job.get_absolute_url()).content.decode()
    assert "读取失败" in page and reason in page
    document = job.document
    assert document.status == SourceDocument.Status.FAILED and document.error == job.error
    assert document.file.size == path.stat().st_size
    assert not document.disclosures.exists()
    assert not Disclosure.objects.filter(status=Disclosure.Status.DRAFT).exists()
    assert published_state() == before


def test_a_file_over_the_size_limit_is_refused_before_anything_is_kept(client_luotai, settings,
                                                                        tmp_path):
    settings.INGEST_MAX_UPLOAD_BYTES = 1000
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    response = upload(client_luotai, path)
    assert response.status_code == 400
    assert "超过上限" in response.content.decode()
    assert not SourceDocument.objects.exists()


def test_a_document_of_another_year_or_department_than_expected_is_refused(client_luotai,
                                                                            tmp_path):
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    upload(client_luotai, path, expected_year=2025)
    job = IngestJob.objects.get()
    assert job.status == IngestJob.Status.FAILED and "2024 年度预算，不是所选的 2025" in job.error
    other = tmp_path / "other.docx"
    other.write_bytes(path.read_bytes() + b"\0")  # other bytes, same content
    upload(client_luotai, other, expected_code="712")
    job = IngestJob.objects.get(document__original_name="other.docx")
    assert job.status == IngestJob.Status.FAILED and "不是所选部门 712" in job.error
    assert not Disclosure.objects.exists()


def test_the_same_file_uploaded_twice_is_read_once(client_luotai, tmp_path):
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    upload(client_luotai, path)
    upload(client_luotai, path)
    first, second = IngestJob.objects.order_by("pk")
    assert first.status == IngestJob.Status.READY
    assert second.status == IngestJob.Status.DUPLICATE
    assert "完全相同" in second.error and path.name in second.error
    assert second.document.status == SourceDocument.Status.DUPLICATE
    assert Disclosure.objects.count() == 1
    assert "完全相同" in client_luotai.get(second.get_absolute_url()).content.decode()


def test_the_upload_form_offers_only_the_granted_regions(client_luotai):
    region(CANGZHOU)
    page = client_luotai.get(UPLOAD).content.decode()
    assert "芦台经济开发区" in page and "沧州经济开发区" not in page
    assert 'type="file"' in page and "multiple" in page
