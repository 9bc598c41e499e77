"""Queue again the ingest jobs whose worker died (no heartbeat for INGEST_JOB_DEAD_SECONDS), or
fail them after INGEST_JOB_MAX_ATTEMPTS attempts.

    manage.py requeue_stale_jobs            # once
    manage.py requeue_stale_jobs --every 15 # beside `db_worker`, until stopped

Every job already starts with this sweep, and a running one sweeps every few heartbeats; the
loop is for a fleet of django-tasks workers that may all be idle when one of them dies (with
Celery, beat runs `ingest.requeue_stale_jobs` instead).
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from ingest.models import IngestJob
from ingest.services import requeue_stale_jobs


class Command(BaseCommand):
    help = "Queue again ingest jobs whose worker died; fail them after the last attempt."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0,
                            help="sweep every N seconds until stopped (default: once)")

    def handle(self, *args, every, **options):
        while True:
            for job in requeue_stale_jobs():
                job.refresh_from_db()
                word = "queued again" if job.status == IngestJob.Status.QUEUED else job.status
                self.stdout.write(f"job {job.pk} ({job.document.original_name}): {word}, "
                                  f"attempts {job.attempts}")
            if not every:
                return
            close_old_connections()  # a long-lived loop: do not hold a broken connection
            time.sleep(every)
