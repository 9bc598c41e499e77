"""Only published disclosures are public: drafts and superseded versions are 404 everywhere,
and the original file is served as an attachment only."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from budgets.models import Disclosure, Figure, SourceDocument
from budgets.services import disclosure_publish
from tests.budgets.test_pages_department import LUTAI_SLUG, store_711, url

DEPARTMENT_URLS = ("budgets:department-detail", "budgets:department-lines-csv",
                   "budgets:department-indicators-csv", "budgets:department-source")


def department_urls(code: str, year: int) -> list[str]:
    kwargs = {"region": LUTAI_SLUG, "code": code, "year": year}
    return [reverse(name, kwargs=kwargs) for name in DEPARTMENT_URLS] + [
        reverse("budgets:department-table-csv", kwargs={**kwargs, "table": "summary"})]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
class TestDraftsAndSuperseded:
    def test_a_draft_is_404_on_every_url(self, sample_data, client):
        store_711(2025, total="999.99", publish=False)
        for address in department_urls("711", 2025):
            assert client.get(address).status_code == 404, address

    def test_a_superseded_version_is_404_once_nothing_replaces_it(self, sample_data, client):
        Disclosure.objects.filter(department__code="711").update(
            status=Disclosure.Status.SUPERSEDED)
        for address in department_urls("711", 2024):
            assert client.get(address).status_code == 404, address

    def test_a_discarded_version_is_404(self, sample_data, client):
        Disclosure.objects.filter(department__code="711").update(
            status=Disclosure.Status.DISCARDED)
        assert client.get(url(LUTAI_SLUG, "711")).status_code == 404

    def test_the_page_shows_the_new_version_and_lists_the_replaced_one(self, sample_data,
                                                                       client):
        new = store_711(2024, total="200.00", basic="180.00", project="20.00",
                        personnel="163.00", public="17.00", publish=False)
        html = client.get(url(LUTAI_SLUG, "711")).content.decode()
        assert "196.76" in html and "200.00" not in html  # the draft is not shown
        disclosure_publish(disclosure=new)
        html = client.get(url(LUTAI_SLUG, "711")).content.decode()
        assert "200.00" in html and "196.76" not in html
        assert "第 2 版 · 已公开" in html and "第 1 版</a> · 已被替换" in html

    def test_unpublished_figures_are_in_no_public_list_or_download(self, sample_data, client):
        draft = store_711(2025, total="999.99", publish=False)
        Figure.objects.filter(disclosure=draft, code="").update(name="草稿专用名称")
        for address in (reverse("budgets:home"), reverse("budgets:department-list"),
                        reverse("budgets:department-list") + "?year=2025",
                        reverse("budgets:lines-csv"), reverse("budgets:lines-csv") + "?year=2025"):
            content = body(client.get(address)).decode("utf-8-sig")
            assert "999.99" not in content and "草稿专用名称" not in content, address
        assert "2025" not in client.get(url(LUTAI_SLUG, "711")).content.decode().split(
            'aria-label="预算年度"')[1].split("</nav>")[0]

    def test_an_unknown_department_is_404(self, sample_data, client):
        assert client.get(url(LUTAI_SLUG, "999")).status_code == 404
        assert client.get(url("no-such-region", "711")).status_code == 404
        assert client.get(reverse("budgets:department-latest", kwargs={
            "region": LUTAI_SLUG, "code": "999"})).status_code == 404


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def attach(name: str, content: bytes) -> SourceDocument:
    disclosure = Disclosure.objects.get(department__code="711")
    document = disclosure.document
    document.original_name = name
    document.file.save(name, ContentFile(content), save=True)
    return document


@pytest.mark.django_db
class TestOriginalFile:
    def source_url(self) -> str:
        return reverse("budgets:department-source",
                       kwargs={"region": LUTAI_SLUG, "code": "711", "year": 2024})

    def test_it_downloads_the_original_as_an_attachment(self, sample_data, media, client):
        attach("芦台群工部2024.pdf", b"%PDF-1.4 test")
        response = client.get(self.source_url())
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert body(response) == b"%PDF-1.4 test"
        page = client.get(url(LUTAI_SLUG, "711")).content.decode()
        assert f'href="{self.source_url()}"' in page and "芦台群工部2024.pdf" in page

    def test_html_is_never_served_inline(self, sample_data, media, client):
        attach("evil.html", b"<script>alert(1)</script>")
        response = client.get(self.source_url())
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_it_is_404_without_a_file(self, sample_data, media, client):
        assert client.get(self.source_url()).status_code == 404
        assert self.source_url() not in client.get(url(LUTAI_SLUG, "711")).content.decode()

    def test_it_is_404_when_the_file_is_missing_from_storage(self, sample_data, media, client):
        document = attach("gone.pdf", b"%PDF")
        document.file.storage.delete(document.file.name)
        assert client.get(self.source_url()).status_code == 404
