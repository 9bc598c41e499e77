"""Staff pages: upload, follow the reading, review a draft beside its source pages, publish.

Every view needs a logged-in user with a region grant; objects of other regions are 404.
"""

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets.models import Disclosure, Region, SourceDocument
from budgets.pdf_pages import PageUnavailable, document_page_png
from ingest import permissions, review, selectors, services
from ingest.forms import UploadForm
from ingest.models import IngestJob
from ingest.permissions import staff_required

RECENT_JOBS = 50
ORIGINAL_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    jobs = (permissions.jobs_for(request.user)
            .select_related("document", "document__region", "created_by")[:RECENT_JOBS])
    drafts = (Disclosure.objects.filter(status=Disclosure.Status.DRAFT,
                                        department__region__in=permissions.allowed_region_ids(
                                            request.user))
              .select_related("department", "document").order_by("-created_at")[:RECENT_JOBS])
    ctx = {"jobs": jobs, "drafts": drafts,
           "regions": permissions.allowed_regions(request.user).order_by("slug")}
    return render(request, "ingest/dashboard.html", ctx)


def _check_posted_region(request: HttpRequest) -> None:
    """An upload for a region the user has no grant for is refused outright (403)."""
    value = request.POST.get("region", "")
    if value.isdigit() and Region.objects.filter(pk=int(value)).exists() \
            and not permissions.can_manage_region(request.user, int(value)):
        raise PermissionDenied("您没有这个地区的上传权限")


@require_http_methods(["GET", "POST"])
@staff_required
def upload(request: HttpRequest) -> HttpResponse:
    regions = permissions.allowed_regions(request.user).order_by("slug")
    if request.method == "POST":
        _check_posted_region(request)
    form = UploadForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        jobs = [
            services.upload_receive(upload=item, region=data["region"], user=request.user,
                                    expected_year=data["expected_year"],
                                    expected_code=data["expected_code"])
            for item in data["files"]
        ]
        if len(jobs) == 1:
            return redirect(jobs[0])
        messages.success(request, f"已上传 {len(jobs)} 个文件，正在后台读取")
        return redirect("ingest:dashboard")
    ctx = {"form": form, "max_bytes": settings.INGEST_MAX_UPLOAD_BYTES}
    return render(request, "ingest/upload.html", ctx, status=400 if form.errors else 200)


@require_GET
@staff_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.job_or_404(request.user, pk)
    return render(request, "ingest/job_detail.html", {"job": job, "document": job.document})


def job_state(job: IngestJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "page": job.page,
        "pages": job.pages,
        "percent": job.percent,
        "text": job.progress_text,
        "error": job.error,
        "finished": not job.is_active,
        "can_retry": job.can_retry,
        "review_url": reverse("ingest:document-review", args=[job.document_id])
        if job.status == IngestJob.Status.READY else None,
    }


@require_GET
@staff_required
def job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = permissions.job_or_404(request.user, pk)
    response = JsonResponse(job_state(job))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = permissions.job_or_404(request.user, pk)
    try:
        services.job_retry(job=job, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已重新加入后台队列")
    return redirect(job)


@require_GET
@staff_required
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    document = permissions.document_or_404(request.user, pk)
    items = []
    for disclosure in selectors.document_disclosures(document):
        tables, findings = selectors.review_tables(disclosure)
        items.append({
            "disclosure": disclosure, "tables": tables, "findings": findings,
            "comparison": review.publish_changes(disclosure)
            if disclosure.status == Disclosure.Status.DRAFT else None,
        })
    ctx = {
        "document": document,
        "job": IngestJob.objects.filter(document=document).first(),
        "items": items,
        "has_pages": document.format == "pdf",
        "has_drafts": any(i["disclosure"].status == Disclosure.Status.DRAFT for i in items),
    }
    return render(request, "ingest/review.html", ctx)


def _drafts(document: SourceDocument) -> list[Disclosure]:
    return [d for d in selectors.document_disclosures(document)
            if d.status == Disclosure.Status.DRAFT]


def _confirm_page(request: HttpRequest, document: SourceDocument, action: str,
                  status: int = 200) -> HttpResponse:
    """The first POST: what the decision changes, with the form that confirms it."""
    drafts = _drafts(document)
    if not drafts:
        messages.error(request, "这份文件没有待审核的草稿")
        return redirect("ingest:document-review", pk=document.pk)
    changes = [review.publish_changes(d) for d in drafts]
    mismatch = any(c.region_mismatch for c in changes)
    ctx = {
        "document": document, "action": action, "changes": changes,
        "any_older": any(c.is_older for c in changes),
        "any_mismatch": mismatch,
        # a mismatch is overridden by a superuser with a reason, by nobody else
        "blocked": action == "publish" and mismatch and not request.user.is_superuser,
    }
    return render(request, "ingest/confirm.html", ctx, status=status)


def _document_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish or discard a whole uploaded document: the first POST shows the confirmation
    page, a second one with confirm=1 does it, then back to the review page."""
    document = permissions.document_or_404(request.user, pk)
    if request.POST.get("confirm") != "1":
        return _confirm_page(request, document, action)
    try:
        if action == "publish":
            changed = services.document_publish(
                document=document, user=request.user,
                allow_older=request.POST.get("allow_older") == "1",
                region_override=request.POST.get("override_reason", ""))
        else:
            changed = services.document_discard(document=document, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        if not _drafts(document):  # decided meanwhile, e.g. in another tab
            return redirect("ingest:document-review", pk=document.pk)
        return _confirm_page(request, document, action, status=400)
    done = "已公开：" if action == "publish" else "已废弃："
    messages.success(request, done + "、".join(str(d) for d in changed))
    return redirect("ingest:document-review", pk=document.pk)


@require_POST
@staff_required
def document_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(request, pk, "publish")


@require_POST
@staff_required
def document_discard(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(request, pk, "discard")


def render_page_png(document: SourceDocument, number: int) -> bytes:
    """Page `number` (1-based) of the document's PDF as PNG; Http404 if there is none."""
    try:
        return document_page_png(document, number)
    except PageUnavailable as exc:
        raise Http404(str(exc)) from exc


@require_GET
@staff_required
def document_page_image(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    document = permissions.document_or_404(request.user, pk)
    response = HttpResponse(render_page_png(document, page), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@staff_required
def document_original(request: HttpRequest, pk: int) -> FileResponse:
    """The file as uploaded: always a download, never shown inline (it may be anything)."""
    document = permissions.document_or_404(request.user, pk)
    if not document.file:
        raise Http404("原始文件未保存")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("原始文件未保存") from exc
    content_type = ORIGINAL_TYPES.get(document.format, "application/octet-stream")
    name = document.original_name or PurePath(document.file.name).name
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
