"""The review page (tables beside their source pages, findings, changes against the published
version) and its two decisions: publish (superseding the previous version) and discard."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from budgets.models import Disclosure, Figure
from ingest.models import AuditEntry, IngestJob
from tests.ingest.staff_fixtures import (
    LUOTAI,
    bureau_user,
    region,
    render,
    sample,
    sample_file,
    with_changed_amount,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_queue")]


@pytest.fixture
def staff(client, django_user_model):
    user = bureau_user(django_user_model, "luotai", LUOTAI)
    client.force_login(user)
    client.user = user
    return client


def upload(client, path) -> IngestJob:
    client.post(reverse("ingest:upload"), {
        "region": region(LUOTAI).pk, "files": [SimpleUploadedFile(path.name, path.read_bytes())]})
    job = IngestJob.objects.latest("pk")
    assert job.status == IngestJob.Status.READY, job.error
    return job


def review_url(job) -> str:
    return reverse("ingest:document-review", args=[job.document_id])


@pytest.fixture
def changed_pdf(tmp_path):
    """The 711 document with one amount revised: 一般公共预算拨款收入 196.76 → 206.76."""
    data = with_changed_amount(sample("luotai_711_2024"), "summary", "general_budget", "206.76")
    return render(data, "pdf", tmp_path / "711-revised.pdf")


def test_review_shows_every_table_beside_its_source_page_with_findings_and_changes(
        staff, sample_data, changed_pdf):
    job = upload(staff, changed_pdf)
    draft = Disclosure.objects.get(document=job.document)
    page = staff.get(review_url(job)).content.decode()
    for label in ("部门预算收支总表", "部门预算支出总表", "财政拨款“三公”经费支出表"):
        assert label in page
    summary = draft.tables.get(table="summary")
    image = reverse("ingest:document-page", args=[job.document_id, summary.first_page])
    assert f'src="{image}"' in page
    assert "196.76" in page and "206.76" in page
    assert "变动 1 项" in page and "新增 0 项" in page
    finding = draft.findings.exclude(code="").first()
    assert finding is not None  # the changed amount breaks 收入 = 支出
    assert f'href="#d{draft.pk}-{finding.table}-{finding.code}"' in page
    assert f'id="d{draft.pk}-{finding.table}-{finding.code}"' in page
    assert 'name="publish"' in page and 'name="discard"' in page and "csrfmiddlewaretoken" in page


def test_a_docx_review_says_there_is_no_page_image(staff, tmp_path):
    job = upload(staff, sample_file("luotai_711_2024", "docx", tmp_path))
    page = staff.get(review_url(job)).content.decode()
    assert "DOCX 文件没有页面图像" in page
    assert "/pages/" not in page
    image = staff.get(reverse("ingest:document-page", args=[job.document_id, 1]))
    assert image.status_code == 404


def test_the_page_image_is_a_png_of_that_page(staff, tmp_path):
    job = upload(staff, sample_file("luotai_711_2024", "pdf", tmp_path))
    response = staff.get(reverse("ingest:document-page", args=[job.document_id, 2]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size[0] > 800 and image.size[1] > image.size[0]  # A4 portrait
    past_the_end = job.document.page_count + 1
    assert staff.get(reverse("ingest:document-page", args=[job.document_id, past_the_end])
                     ).status_code == 404


def test_publishing_supersedes_the_previous_version_at_once(staff, client, sample_data,
                                                            changed_pdf):
    old = Disclosure.objects.published().get(department__code="711", year=2024)
    job = upload(staff, changed_pdf)
    response = staff.post(reverse("ingest:document-publish", args=[job.document_id]),
                          {"confirm": "1"})
    assert response.status_code == 302
    new = Disclosure.objects.get(document=job.document)
    old.refresh_from_db()
    assert new.status == Disclosure.Status.PUBLISHED and new.published_by == staff.user
    assert old.status == Disclosure.Status.SUPERSEDED and old.superseded_by == staff.user
    assert Disclosure.objects.published().filter(department__code="711", year=2024).count() == 1
    assert Figure.objects.published().get(disclosure__department__code="711", table="summary",
                                          code="general_budget").amount == Decimal("206.76")
    public = client.get(new.get_absolute_url()).content.decode()
    assert "206.76" in public
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PUBLISHED)
    assert entry.user == staff.user and entry.object_id == str(new.pk)
    assert entry.details["superseded"] == [old.pk]
    again = staff.post(reverse("ingest:document-publish", args=[job.document_id]),
                       {"confirm": "1"}, follow=True)
    assert "没有待审核的草稿" in again.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISHED).count() == 1


def test_discarding_keeps_the_published_version(staff, client, sample_data, changed_pdf):
    job = upload(staff, changed_pdf)
    staff.post(reverse("ingest:document-discard", args=[job.document_id]), {"confirm": "1"})
    draft = Disclosure.objects.get(document=job.document)
    assert draft.status == Disclosure.Status.DISCARDED
    published = Disclosure.objects.published().get(department__code="711", year=2024)
    assert published.document.format == "yaml"
    assert "196.76" in client.get(published.get_absolute_url()).content.decode()
    assert AuditEntry.objects.filter(action="discarded", object_id=str(draft.pk)).exists()


def test_publish_and_discard_accept_only_post(staff, changed_pdf, sample_data):
    job = upload(staff, changed_pdf)
    for name in ("ingest:document-publish", "ingest:document-discard"):
        assert staff.get(reverse(name, args=[job.document_id])).status_code == 405
    assert Disclosure.objects.get(document=job.document).status == Disclosure.Status.DRAFT


def test_publish_needs_the_csrf_token(client, django_user_model, changed_pdf, sample_data,
                                      settings):
    from django.test import Client

    user = bureau_user(django_user_model, "luotai", LUOTAI)
    client.force_login(user)
    job = upload(client, changed_pdf)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(reverse("ingest:document-publish", args=[job.document_id]),
                           {"confirm": "1"})
    assert response.status_code == 403
    assert Disclosure.objects.get(document=job.document).status == Disclosure.Status.DRAFT


def test_review_names_each_finding_figure_with_its_unit(staff, sample_data, changed_pdf):
    """196.76 → 206.76 in 一般公共预算拨款收入: the items now add up to 206.76 while 收入合计 is
    printed 196.76 — the page says which is which, in 万元 (not "应为 206.76，实际 196.76")."""
    job = upload(staff, changed_pdf)
    page = staff.get(review_url(job)).content.decode()
    assert re.search(r"<dt>明细之和</dt><dd>(<[^>]+>)*206\.76(<[^>]+>)* 万元", page)
    assert re.search(r"<dt>表中合计所印</dt><dd>(<[^>]+>)*196\.76(<[^>]+>)* 万元", page)
    assert "实际 196.76" not in page
