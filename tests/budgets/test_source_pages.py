"""The public source-page view: the page image of a published version's original PDF (rendered
once, then kept), the page view beside the tables, and the PDF opening at that page; drafts'
documents are never public."""

import io
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from budgets.models import Disclosure
from budgets.pdf_pages import cached_page_path
from tests.ingest.staff_fixtures import sample_file

pytestmark = pytest.mark.django_db

BASE = "/departments/河北省-唐山市-芦台经济开发区/711/2024/"
REGION = "河北省/唐山市/芦台经济开发区"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}
    return tmp_path / "media"


def ingest(tmp_path, kind="pdf", publish=True) -> Disclosure:
    path = sample_file("luotai_711_2024", kind, tmp_path)
    call_command("ingest", str(path), "--region", REGION, *(["--publish"] if publish else []),
                 stdout=io.StringIO())
    return Disclosure.objects.latest("pk")


def test_page_image_is_rendered_once_and_kept(client, media, tmp_path):
    disclosure = ingest(tmp_path)
    assert disclosure.status == "published" and disclosure.document.format == "pdf"
    page = disclosure.tables.get(table="summary").first_page
    response = client.get(f"{BASE}source/page-{page}.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size[0] > 800 and image.size[1] > image.size[0]
    assert default_storage.exists(cached_page_path(disclosure.document, page))
    # the original gone, the kept image still answers: it is not rendered again
    disclosure.document.file.delete(save=False)
    again = client.get(f"{BASE}source/page-{page}.png")
    assert again.status_code == 200 and again.content == response.content
    assert client.get(f"{BASE}source/page-{page + 1}.png").status_code == 404  # not kept


def test_department_page_links_each_table_to_its_page_and_the_pdf(client, media, tmp_path):
    disclosure = ingest(tmp_path)
    page = disclosure.tables.get(table="expenditure_by_function").first_page
    html = client.get(BASE).content.decode()
    base = quote(BASE)
    assert f'href="{base}source/page-{page}/"' in html
    assert f'src="{base}source/page-{page}.png"' in html
    assert f'href="{base}source.pdf#page={page}"' in html
    view = client.get(f"{BASE}source/page-{page}/").content.decode()
    assert f'src="{base}source/page-{page}.png"' in view
    assert f'href="{base}source.pdf#page={page}"' in view


def test_pdf_opens_inline_as_a_pdf(client, media, tmp_path):
    ingest(tmp_path)
    response = client.get(f"{BASE}source.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_drafts_documents_are_never_public(client, media, tmp_path):
    draft = ingest(tmp_path, publish=False)
    assert draft.status == "draft"
    for url in ("source/page-1.png", "source/page-1/", "source.pdf"):
        assert client.get(BASE + url).status_code == 404, url
    assert not default_storage.exists(cached_page_path(draft.document, 1))


def test_a_docx_original_has_no_page_view(client, media, tmp_path):
    ingest(tmp_path, kind="docx")
    for url in ("source/page-1.png", "source/page-1/", "source.pdf"):
        assert client.get(BASE + url).status_code == 404, url
    assert "source/page-" not in client.get(BASE).content.decode()
