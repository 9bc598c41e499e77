"""Page images of original PDFs: the pure rendering shared by the staff review
(ingest.views.render_page_png) and the public source-page view (budgets.source_views).

The public images are rendered on first request and kept as files in default storage
(`source_pages/<document id>/<page>.png`), not rendered at publish: publishing a 200-page
document would then render 200 pages nobody may open, inside the publish request; the first
visitor of a page waits ~0.2 s once, everyone after reads the file. Only documents of public
versions ever reach the public function (the views look them up through published versions),
so a draft's pages are never written there.
"""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PAGE_SCALE = 1.5  # 72 dpi × 1.5: an A4 page is 893 px wide, readable beside the table
# PDFium may not be called from two threads at once (runserver and gunicorn threads).
PDFIUM_LOCK = threading.Lock()
CACHE_FOLDER = "source_pages"


class PageUnavailable(Exception):
    """No image for this page: not a PDF, no file kept, not openable, or no such page."""


def render_pdf_page(data: bytes, number: int, scale: float = PAGE_SCALE) -> bytes:
    """Page `number` (1-based) of a PDF's bytes as PNG."""
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PageUnavailable("PDF 无法打开") from exc
        try:
            if not 1 <= number <= len(pdf):
                raise PageUnavailable("没有这一页")
            image = pdf[number - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def has_page_images(document) -> bool:
    return document is not None and document.format == "pdf" and bool(document.file)


def document_page_png(document, number: int) -> bytes:
    """Page `number` of a SourceDocument's PDF as PNG, rendered now."""
    if not has_page_images(document):
        raise PageUnavailable("只有 PDF 文件有页面图像")
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise PageUnavailable("原始文件未保存") from exc
    return render_pdf_page(data, number)


def cached_page_path(document, number: int) -> str:
    return f"{CACHE_FOLDER}/{document.pk}/{number}.png"


def cached_page_png(document, number: int) -> bytes:
    """The page's PNG from the cache, rendered and stored on first request."""
    path = cached_page_path(document, number)
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as handle:
            return handle.read()
    png = document_page_png(document, number)
    if not default_storage.exists(path):  # a concurrent first request may have stored it
        default_storage.save(path, ContentFile(png))
    return png
