"""Which regions a staff user may work on: the regions granted to them and everything below.

A superuser may work everywhere. Objects of a region the user may not work on are answered
with 404 (their existence is not disclosed); an upload for such a region with 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from budgets.models import Region, SourceDocument
from ingest.models import IngestJob, RegionGrant


def allowed_region_ids(user) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Region.objects.values_list("pk", flat=True))
    cached = getattr(user, "_allowed_region_ids", None)
    if cached is None:
        cached = set()
        for grant in RegionGrant.objects.filter(user=user).select_related("region"):
            cached.update(grant.region.descendant_ids())
        user._allowed_region_ids = cached
    return cached


def allowed_regions(user) -> QuerySet[Region]:
    return Region.objects.filter(pk__in=allowed_region_ids(user))


def is_bureau_staff(user) -> bool:
    """May use the staff pages at all: a superuser or a user with a region grant."""
    return user.is_authenticated and user.is_active and (
        user.is_superuser or RegionGrant.objects.filter(user=user).exists())


def can_manage_region(user, region: Region | int | None) -> bool:
    if region is None:
        return user.is_authenticated and user.is_superuser
    region_id = region if isinstance(region, int) else region.pk
    return region_id in allowed_region_ids(user)


def jobs_for(user) -> QuerySet[IngestJob]:
    return IngestJob.objects.filter(document__region__in=allowed_region_ids(user))


def job_or_404(user, pk: int) -> IngestJob:
    job = (IngestJob.objects.select_related("document", "document__region", "created_by")
           .filter(pk=pk).first())
    if job is None or not can_manage_region(user, job.document.region_id):
        raise Http404("没有这个读取任务，或您无权查看")
    return job


def document_or_404(user, pk: int) -> SourceDocument:
    document = SourceDocument.objects.filter(pk=pk).first()
    if document is None or not can_manage_region(user, document.region_id):
        raise Http404("没有这个文件，或您无权查看")
    return document


def staff_required(view):
    """Logged in (else redirected to the login page) and granted at least one region (else 403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_bureau_staff(request.user):
            raise PermissionDenied("您的账号没有任何地区的权限，请联系管理员授权")
        return view(request, *args, **kwargs)

    return login_required(wrapped)
