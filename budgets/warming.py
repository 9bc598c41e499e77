"""Rendering the public pages a publication changed before any visitor asks for them.

A publication renews the cache tokens of its department's pages and of the aggregate pages
(budgets/caching.py), so the next request of each is computed. `warm_public_pages`, run on the
background queue after the commit (ingest/tasks.py), makes those requests itself through the
whole middleware stack, as an anonymous visitor would, so the cache stores what a visitor
gets: the department's page of that year and of its latest year, its parent's page of that
year (a unit: the unit list), the home page, the directory's first page and the default ranking
(every department of the latest year by 支出合计: ~1 s computed at 500,000 disclosures).

The requests come from Django's test client as HTTPS requests for the first name in
ALLOWED_HOSTS that is not a wildcard (the public host, as docker-compose's healthcheck
assumes too): pages carry absolute links built from it (og:url, embed snippets). Warming
helps the web processes only when they share the cache with the worker (Redis, CACHE_URL).
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from budgets import selectors
from budgets.models import Disclosure
from budgets.templatetags.budget_format import disclosure_path, year_url

log = logging.getLogger(__name__)


def public_host() -> str | None:
    """The first host in ALLOWED_HOSTS that names one site (not "*", not ".example.org")."""
    return next((host for host in settings.ALLOWED_HOSTS
                 if host != "*" and not host.startswith(".")), None)


def pages_to_warm(disclosures: Iterable[Disclosure]) -> list[str]:
    """The paths the first visitors after these publications ask for, each once."""
    paths = []
    for disclosure in disclosures:
        latest_year = selectors.department_years(disclosure)[0]
        paths += [disclosure_path(disclosure), year_url(disclosure, latest_year)]
        parent = selectors.parent_disclosure(disclosure)
        if parent is not None:
            paths.append(disclosure_path(parent))
    paths += [reverse("budgets:home"), reverse("budgets:department-list"),
              reverse("budgets:ranking")]
    return list(dict.fromkeys(paths))


def warm_public_pages(disclosure_ids: list[int]) -> dict[str, int]:
    """Request the public pages that publishing these disclosures changed, so that the cache
    holds them; {path: status}. Nothing when PUBLIC_CACHE is off or no host can be named;
    a disclosure superseded meanwhile is left to the publication that replaced it."""
    host = public_host()
    if not settings.PUBLIC_CACHE or host is None:
        return {}
    # The unprefixed (Chinese) pages; the language of a staff request running this is restored.
    with translation.override(settings.LANGUAGE_CODE):
        published = selectors.published_disclosures().filter(pk__in=disclosure_ids)
        client = Client(HTTP_HOST=host, raise_request_exception=False)
        statuses = {path: client.get(path, secure=True).status_code
                    for path in pages_to_warm(published)}
    for path, status in statuses.items():
        if status != 200:
            log.warning("warming %s answered %s", path, status)
    return statuses
