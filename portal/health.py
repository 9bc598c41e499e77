"""/healthz: 200 when the database, the cache and the ingest queue answer, else 503; a small
JSON body says which part failed (for docker-compose, a load balancer or a monitor)."""

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse

log = logging.getLogger(__name__)
PROBE_KEY = "healthz-probe"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    cache = caches["default"]
    cache.set(PROBE_KEY, "ok", 10)
    if cache.get(PROBE_KEY) != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _queue() -> None:
    # django-tasks keeps its jobs in the database (checked above); Celery needs its broker.
    if settings.INGEST_QUEUE == "celery":
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1,
                             socket_timeout=1).ping()


CHECKS = {"database": _database, "cache": _cache, "queue": _queue}


def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # any failure is a failed check, reported, never a 500
            log.warning("health check %s failed", name, exc_info=True)
            results[name] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in results.values())
    response = JsonResponse({"status": "ok" if healthy else "error", **results},
                            status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
