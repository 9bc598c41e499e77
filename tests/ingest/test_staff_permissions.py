"""Who may do what on the staff pages: login, region grants (covering sub-regions), the admin,
the login rate limit, and the security headers every response carries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from budgets.models import Disclosure, SourceDocument
from ingest.models import AuditEntry, IngestJob, RegionGrant
from tests.ingest.staff_fixtures import (
    CANGZHOU,
    LUOTAI,
    PASSWORD,
    bureau_user,
    region,
    sample_file,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_queue")]


@pytest.fixture
def luotai_job(django_user_model, tmp_path) -> IngestJob:
    """A PDF read for 芦台 by its bureau user, waiting for review."""
    owner = Client()
    owner.force_login(bureau_user(django_user_model, "luotai", LUOTAI))
    path = sample_file("luotai_711_2024", "pdf", tmp_path)
    owner.post(reverse("ingest:upload"), {
        "region": region(LUOTAI).pk, "files": [SimpleUploadedFile(path.name, path.read_bytes())]})
    job = IngestJob.objects.get()
    assert job.status == IngestJob.Status.READY
    return job


def object_urls(job: IngestJob) -> dict[str, tuple[str, str]]:
    doc = job.document_id
    return {
        "progress page": ("get", reverse("ingest:job-detail", args=[job.pk])),
        "progress json": ("get", reverse("ingest:job-progress", args=[job.pk])),
        "retry": ("post", reverse("ingest:job-retry", args=[job.pk])),
        "review": ("get", reverse("ingest:document-review", args=[doc])),
        "publish": ("post", reverse("ingest:document-publish", args=[doc])),
        "discard": ("post", reverse("ingest:document-discard", args=[doc])),
        "page image": ("get", reverse("ingest:document-page", args=[doc, 1])),
        "original": ("get", reverse("ingest:document-original", args=[doc])),
    }


def test_anonymous_visitors_are_sent_to_the_login_page(client, luotai_job):
    urls = {**object_urls(luotai_job), "dashboard": ("get", reverse("ingest:dashboard")),
            "upload": ("get", reverse("ingest:upload"))}
    for label, (method, url) in urls.items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("login") + "?next="), label
    assert Disclosure.objects.get().status == Disclosure.Status.DRAFT


def test_a_user_of_another_region_can_neither_see_nor_touch_the_document(
        client, django_user_model, luotai_job):
    client.force_login(bureau_user(django_user_model, "cangzhou", CANGZHOU))
    for label, (method, url) in object_urls(luotai_job).items():
        response = getattr(client, method)(url)
        assert response.status_code == 404, label
    assert Disclosure.objects.get().status == Disclosure.Status.DRAFT
    assert luotai_job.document.file.name not in client.get(reverse("ingest:dashboard")).content.decode()
    assert not AuditEntry.objects.exclude(action="uploaded").exists()


def test_a_user_of_another_region_cannot_upload_there(client, django_user_model, tmp_path):
    client.force_login(bureau_user(django_user_model, "cangzhou", CANGZHOU))
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    response = client.post(reverse("ingest:upload"), {
        "region": region(LUOTAI).pk, "files": [SimpleUploadedFile(path.name, path.read_bytes())]})
    assert response.status_code == 403
    assert not SourceDocument.objects.exists()


def test_a_logged_in_user_without_any_grant_is_forbidden(client, django_user_model, luotai_job):
    client.force_login(django_user_model.objects.create_user("nobody", password=PASSWORD))
    assert client.get(reverse("ingest:dashboard")).status_code == 403
    assert client.get(reverse("ingest:upload")).status_code == 403
    assert client.get(reverse("ingest:document-review", args=[luotai_job.document_id])
                      ).status_code == 403


def test_a_grant_covers_the_sub_regions(client, django_user_model, luotai_job):
    client.force_login(bureau_user(django_user_model, "tangshan", ["河北省", "唐山市"]))
    for label, (method, url) in object_urls(luotai_job).items():
        if method == "get":
            assert getattr(client, method)(url).status_code == 200, label
    assert client.post(reverse("ingest:document-publish", args=[luotai_job.document_id]),
                       {"confirm": "1"}).status_code == 302
    assert Disclosure.objects.get().status == Disclosure.Status.PUBLISHED


def test_a_superuser_may_work_in_every_region(client, staff_user, luotai_job):
    client.force_login(staff_user)
    assert client.get(reverse("ingest:document-review", args=[luotai_job.document_id])
                      ).status_code == 200


def test_the_original_is_always_a_download_never_shown_inline(client, django_user_model,
                                                               tmp_path):
    user = bureau_user(django_user_model, "luotai", LUOTAI)
    client.force_login(user)
    page = SimpleUploadedFile("budget.html", b"<html><script>alert(1)</script></html>")
    client.post(reverse("ingest:upload"), {"region": region(LUOTAI).pk, "files": [page]})
    job = IngestJob.objects.get()
    assert job.status == IngestJob.Status.FAILED
    assert job.document.file.name.endswith(".bin")
    response = client.get(reverse("ingest:document-original", args=[job.document_id]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_the_login_page_is_in_chinese_and_logs_a_bureau_user_in(client, django_user_model):
    bureau_user(django_user_model, "luotai", LUOTAI)
    page = client.get(reverse("login")).content.decode()
    assert "工作人员登录" in page and "用户名" in page and "密码" in page
    response = client.post(reverse("login"), {"username": "luotai", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("ingest:dashboard")
    assert "工作台" in client.get(reverse("ingest:dashboard")).content.decode()


def test_login_attempts_are_rate_limited(client, django_user_model, settings):
    bureau_user(django_user_model, "luotai", LUOTAI)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "luotai", "password": "wrong"})
        assert response.status_code == 200 and "正确的" in response.content.decode()
    last = client.post(reverse("login"), {"username": "luotai", "password": "wrong"})
    assert last.status_code == 429
    locked = client.post(reverse("login"), {"username": "luotai", "password": PASSWORD})
    assert locked.status_code == 429
    assert "登录已被暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_every_response_carries_the_content_security_policy(client, django_user_model,
                                                            sample_data, luotai_job):
    disclosure = Disclosure.objects.published().first()
    client.force_login(IngestJob.objects.get().created_by)
    for url in ("/", disclosure.get_absolute_url(), reverse("login"), reverse("ingest:dashboard"),
                reverse("ingest:document-review", args=[luotai_job.document_id])):
        csp = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, url
        assert "unsafe-inline" not in csp, url


def test_staff_pages_have_no_inline_script_or_style(client, luotai_job):
    client.force_login(IngestJob.objects.get().created_by)
    pages = [reverse("login"), reverse("ingest:dashboard"), reverse("ingest:upload"),
             luotai_job.get_absolute_url(),
             reverse("ingest:document-review", args=[luotai_job.document_id])]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<style" not in html and " style=" not in html, url
        for tag in html.split("<script")[1:]:
            assert tag.split(">")[0].strip().startswith("src="), url


def test_only_a_superuser_manages_grants_and_reads_the_audit_log_in_the_admin(
        client, staff_user, django_user_model, luotai_job):
    client.force_login(staff_user)
    user_page = client.get(reverse("admin:auth_user_change", args=[luotai_job.created_by_id]))
    assert "可管理的地区" in user_page.content.decode()
    log = client.get(reverse("admin:ingest_auditentry_changelist"))
    assert log.status_code == 200 and "luotai" in log.content.decode()
    entry = AuditEntry.objects.get()
    assert client.post(reverse("admin:ingest_auditentry_change", args=[entry.pk]),
                       {"action": "published"}).status_code == 403
    assert client.get(reverse("admin:ingest_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:ingest_auditentry_delete", args=[entry.pk]),
                       {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get().action == "uploaded"
    grant = RegionGrant.objects.get()
    other = django_user_model.objects.create_user("clerk", password=PASSWORD, is_staff=True)
    client.force_login(other)
    assert client.get(reverse("admin:ingest_regiongrant_change", args=[grant.pk])
                      ).status_code in (302, 403)
    assert client.get(reverse("admin:ingest_auditentry_changelist")).status_code in (302, 403)
