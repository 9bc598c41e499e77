"""The Celery application of the docker-compose set-up (INGEST_QUEUE=celery).

    celery -A portal worker --concurrency 2

Its settings are the CELERY_* names of portal/settings.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
