"""Caching of public pages and downloads, invalidated exactly when what they show changes.

Every cache key and ETag carries a version token. The pages of one department (`DEPARTMENT_PAGES`:
its year pages with their sources, downloads and versions, its history, quality, embed and share
pages) carry that department's `Department.public_token`; every other page (home, directory,
rankings, comparisons, downloads, search, quality overview, API) carries the global token of
`PublicVersion`, a one-row table. The signals below write new tokens in the transaction that
makes the change, so the moment it is committed every process — whatever its cache backend
(Redis shared by all, or local memory per process) — reads the new token and misses the old
entries, which simply expire. Reading a token costs one indexed lookup.

A department's pages show its own disclosures, its units' (the unit list) and its parent's (a
unit's page links to it), with their names and regions. So publishing, superseding or deleting
a disclosure, or renaming, merging or deleting a department, renews the tokens of that
department, its parent and its units; renaming a region renews those of every department in
it and below. Each of these also renews the global token, since the aggregate pages show every
department. In budget season, then, a publication empties the aggregate pages and the pages of
one department and its units, not every department's pages (budgets/warming.py renders them
again after the commit).

`PublicCacheMiddleware` stores whole 200 responses of anonymous GET requests (not the staff,
admin or login pages, not responses setting cookies). Streamed downloads (CSV of millions of
rows) are not stored: they get the token as ETag, and a client or CDN holding it is answered
304 without a further query.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve

from budgets.models import (
    Department,
    DepartmentName,
    Disclosure,
    PublicVersion,
    Region,
    department_lookup,
    new_token,
)

log = logging.getLogger(__name__)
NOT_CACHED_PREFIXES = ("/staff/", "/admin/", "/accounts/", "/healthz", "/static/", "/media/")
STORED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
# URL names (budgets namespace) of the pages that show one department or unit and nothing of
# any other but its parent's and its units' names and links (budgets/urls.py, compare_urls.py,
# open_urls.py).
DEPARTMENT_PAGES = frozenset({
    "department-latest", "department-detail", "department-source", "department-source-pdf",
    "department-source-page", "department-source-page-image", "department-version",
    "department-lines-csv", "department-indicators-csv", "department-table-csv",
    "department-table-shown", "department-version-table-shown",
    "department-history", "department-history-csv",
    "disclosure-quality", "disclosure-image", "embed-chart",
})


def public_version() -> str:
    return PublicVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def public_changed() -> None:
    """What the public sees has changed: cached pages must not be served any more."""
    PublicVersion.objects.update_or_create(pk=1, defaults={"token": new_token()})


def everything_changed() -> None:
    """Any public page may have changed: after a bulk load, which sends no signals."""
    Department.objects.update(public_token=new_token())
    public_changed()


def department_pages_changed(department: Department) -> None:
    """What the pages of `department` show has changed: they, and the pages of its parent and
    of its units, which show it (the unit list, the link to the parent), are stale."""
    family = Q(pk=department.pk) | Q(parent_id=department.pk)
    if department.parent_id:
        family |= Q(pk=department.parent_id)
    Department.objects.filter(family).update(public_token=new_token())


@receiver(post_save, sender=Region)
def _region_changed(sender, instance: Region, created: bool, **kwargs) -> None:
    if not created:  # a region's name shows on the pages of every department in and below it
        Department.objects.filter(region_id__in=instance.descendant_ids()) \
            .update(public_token=new_token())
    public_changed()


@receiver(post_save, sender=Department)
@receiver(post_delete, sender=Department)
def _department_changed(sender, instance: Department, created: bool = False, **kwargs) -> None:
    if not created:  # a new department is on no page yet, and its token is new
        department_pages_changed(instance)  # a rename, a code added, a merge
    public_changed()  # names show on the directory, the rankings …


@receiver(post_save, sender=DepartmentName)
def _name_variant_changed(sender, **kwargs) -> None:
    public_changed()  # the directory's search finds variants; department pages do not show them


@receiver(post_save, sender=Disclosure)
@receiver(post_delete, sender=Disclosure)
def _disclosure_changed(sender, instance: Disclosure, **kwargs) -> None:
    # Drafts are never public. Publishing saves the new version; the one it supersedes (a
    # queryset update, no signal) belongs to the same department.
    if instance.status != Disclosure.Status.DRAFT:
        department_pages_changed(instance.department)
        public_changed()


def _cacheable(request: HttpRequest) -> bool:
    return (settings.PUBLIC_CACHE and request.method in ("GET", "HEAD")
            and not request.path.startswith(NOT_CACHED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES)


def _department_token(request: HttpRequest) -> tuple[int, str] | None:
    """(id, token) of the department whose page is asked for; None for any other page."""
    try:  # after LocaleMiddleware, so /en/… resolves as well
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if match.namespace != "budgets" or match.url_name not in DEPARTMENT_PAGES:
        return None
    named = department_lookup(region=match.kwargs["region"], code=match.kwargs.get("code"),
                              pk=match.kwargs.get("pk"), prefix="")
    return Department.objects.filter(named).values_list("pk", "public_token").first()


def page_version(request: HttpRequest) -> str:
    """The token of what the page shows: its department's for a department's page, else the
    global one (also for a department that does not exist: a 404, never stored)."""
    department = _department_token(request)
    if department is None:
        return f"all-{public_version()}"
    pk, token = department
    return f"d{pk}-{token}"


def _etag(version: str) -> str:
    return f'"{settings.PUBLIC_CACHE_RELEASE}-{version}"'


def _key(request: HttpRequest, version: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public:{settings.PUBLIC_CACHE_RELEASE}:{version}:{request.method}:{path}"


def _cache_get(key: str):
    try:
        return caches[settings.PUBLIC_CACHE_ALIAS].get(key)
    except Exception:  # the cache is an optimisation: a Redis outage must not fail the page
        log.warning("public page cache unreachable", exc_info=True)
        return None


def _cache_set(key: str, value) -> None:
    try:
        caches[settings.PUBLIC_CACHE_ALIAS].set(key, value, settings.PUBLIC_CACHE_SECONDS)
    except Exception:
        log.warning("public page cache unreachable", exc_info=True)


def _storable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        version = page_version(request)
        etag = _etag(version)
        if request.headers.get("If-None-Match") == etag:
            return HttpResponseNotModified(headers={"ETag": etag})
        key = _key(request, version)
        cached = _cache_get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
            response["X-Public-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if response.status_code != 200:
                return response
            if _storable(response):
                headers = {h: response[h] for h in STORED_HEADERS if response.has_header(h)}
                _cache_set(key, (response.content, headers))
        response["ETag"] = etag
        response.setdefault("Cache-Control", "no-cache")  # revalidate with the ETag: cheap
        return response


def per_version(fn):
    """Memoise a read of published data (a filter form's choices, built from every figure)
    until the next publication: keyed by the version, so never stale. Only when PUBLIC_CACHE
    is on (tests load different data under the same empty version)."""
    @functools.wraps(fn)
    def wrapper():
        if not settings.PUBLIC_CACHE:
            return fn()
        key = f"memo:{settings.PUBLIC_CACHE_RELEASE}:{fn.__module__}.{fn.__qualname__}:" \
              f"{public_version()}"
        value = _cache_get(key)
        if value is None:
            value = fn()
            _cache_set(key, value)
        return value
    return wrapper
