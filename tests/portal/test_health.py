"""/healthz answers 200 when the database, cache and queue answer, 503 naming what failed."""

import pytest
from django.test import override_settings

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "queue": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_an_unreachable_redis_cache_answers_503():
    from django.test import Client

    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": UNREACHABLE_REDIS,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    with override_settings(CACHES=caches):
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert body["cache"].startswith("error: ")


@pytest.mark.django_db
def test_an_unreachable_celery_broker_answers_503(client):
    with override_settings(INGEST_QUEUE="celery", CELERY_BROKER_URL=UNREACHABLE_REDIS):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"].startswith("error: ")
    assert response.json()["cache"] == "ok"
