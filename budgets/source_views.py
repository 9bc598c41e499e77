"""Public views of the original document's pages, for published versions only (a draft's or a
superseded version's document is 404 here):

- `…/<year>/source/page-<n>/`     the page image with links back to the tables and to the PDF
- `…/<year>/source/page-<n>.png`  the image (budgets.pdf_pages: rendered once, then a file)
- `…/<year>/source.pdf#page=<n>`  the PDF shown by the browser's own viewer, at that page

The PDF is served inline only when the upload was judged a PDF by its content
(SourceDocument.format, never the file name), as application/pdf with nosniff, so the browser
can only hand it to its PDF viewer; the site's policy (no scripts from elsewhere, no plugins,
no framing) still applies. Every other original stays a sandboxed attachment
(views.department_source).
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from budgets import selectors
from budgets.models import Disclosure, SourceDocument
from budgets.pdf_pages import PageUnavailable, cached_page_png, has_page_images

CACHE_SECONDS = 86400


def _published_pdf(region: str, year: int, code: str | None, pk: int | None,
                   chosen: str = "") -> tuple[Disclosure, SourceDocument]:
    """The published disclosure and its PDF (or, with ?file=<id>, one of the files it joined)."""
    disclosure = selectors.published_disclosure(region=region, code=code, pk=pk, year=year)
    if disclosure is None:
        raise Http404("没有这份已公开的预算")
    document = disclosure.document
    if chosen:
        document = disclosure.sources.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if not has_page_images(document):
        raise Http404("原文不是 PDF，没有页面图像")
    return disclosure, document


@require_GET
def page_image(request: HttpRequest, region: str, year: int, page: int,
               code: str | None = None, pk: int | None = None) -> HttpResponse:
    _, document = _published_pdf(region, year, code, pk, request.GET.get("file", ""))
    try:
        png = cached_page_png(document, page)
    except PageUnavailable as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@require_GET
def source_page(request: HttpRequest, region: str, year: int, page: int,
                code: str | None = None, pk: int | None = None) -> HttpResponse:
    disclosure, document = _published_pdf(region, year, code, pk, request.GET.get("file", ""))
    if document.page_count and page > document.page_count:
        raise Http404("没有这一页")
    ctx = {"disclosure": disclosure, "department": disclosure.department, "document": document,
           "page": page, "file": request.GET.get("file", ""),
           "previous_page": page - 1 if page > 1 else None,
           "next_page": page + 1 if not document.page_count or page < document.page_count
           else None}
    return render(request, "budgets/source_page.html", ctx)


@require_GET
def source_pdf(request: HttpRequest, region: str, year: int, code: str | None = None,
               pk: int | None = None) -> FileResponse:
    _, document = _published_pdf(region, year, code, pk, request.GET.get("file", ""))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("原始文件未保存") from exc
    response = FileResponse(handle, as_attachment=False, filename=document.original_name,
                            content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
