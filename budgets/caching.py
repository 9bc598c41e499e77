"""Caching of public pages and downloads, invalidated exactly when what they show changes.

Every cache key and ETag carries the token of `PublicVersion`, a one-row table. Publishing or
superseding a disclosure, merging or renaming a department writes a new token in the same
transaction (`public_changed`), so the moment the change is committed every process — whatever
its cache backend (Redis shared by all, or local memory per process) — reads the new token and
misses the old entries, which simply expire. Reading the token costs one primary-key lookup.

`PublicCacheMiddleware` stores whole 200 responses of anonymous GET requests (not the staff,
admin or login pages, not responses setting cookies). Streamed downloads (CSV of millions of
rows) are not stored: they get the token as ETag, and a client or CDN holding it is answered
304 without a query.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from budgets.models import Department, DepartmentName, Disclosure, PublicVersion, Region

log = logging.getLogger(__name__)
NOT_CACHED_PREFIXES = ("/staff/", "/admin/", "/accounts/", "/healthz", "/static/", "/media/")
STORED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def public_version() -> str:
    return PublicVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def public_changed() -> None:
    """What the public sees has changed: cached pages must not be served any more."""
    PublicVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


@receiver(post_save, sender=Region)
@receiver(post_save, sender=Department)
@receiver(post_save, sender=DepartmentName)
@receiver(post_delete, sender=Department)
def _names_changed(sender, **kwargs) -> None:
    # Names and regions show on every public page (an admin rename, a merge).
    public_changed()


@receiver(post_save, sender=Disclosure)
@receiver(post_delete, sender=Disclosure)
def _disclosure_changed(sender, instance: Disclosure, **kwargs) -> None:
    if instance.status != Disclosure.Status.DRAFT:  # drafts are never public
        public_changed()


def _cacheable(request: HttpRequest) -> bool:
    return (settings.PUBLIC_CACHE and request.method in ("GET", "HEAD")
            and not request.path.startswith(NOT_CACHED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES)


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
        version = public_version()
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
