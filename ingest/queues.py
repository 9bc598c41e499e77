"""Handing work to the background queue named by settings.INGEST_QUEUE.

Each task of ingest/tasks.py exists for both queues: `name` on django-tasks (database backend,
`manage.py db_worker`), `name`_celery on Celery. `enqueue` picks the one to use, or runs the
work here and now when the queue is `immediate` (tests, one-off scripts).
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


# name → (django-tasks task, Celery task); ingest/tasks.py registers its tasks when the app is
# ready (IngestConfig.ready), so that this module, which the services use, imports no task.
TASKS: dict[str, tuple] = {}


def register(name: str, django_task, celery_task) -> None:
    TASKS[name] = (django_task, celery_task)


def enqueue(name: str, *args, failed: Callable[[Exception], None]) -> None:
    """Run task `name` of ingest/tasks.py with `args` on the configured queue. A django-tasks
    row is written at once (it commits with the caller's transaction); a Celery message is sent
    after the commit, or the worker could look for rows not yet committed. `failed` is told
    when the queue cannot be reached."""
    django_task, celery_task = TASKS[name]
    queue = settings.INGEST_QUEUE
    if queue == "immediate":
        django_task.call(*args)
        return

    def send() -> None:
        try:
            if queue == "celery":
                celery_task.delay(*args)
            else:
                django_task.enqueue(*args)
        except Exception as exc:
            failed(exc)

    if queue == "celery":
        transaction.on_commit(send)
    else:
        send()


def warm_after_commit(published: list) -> None:
    """Once the publication of these disclosures is committed, have the pages it changed
    rendered into the public cache (budgets/warming.py), so that visitors find them there."""
    if not settings.PUBLIC_CACHE or not published:
        return
    ids = [disclosure.pk for disclosure in published]

    def not_queued(exc: Exception) -> None:  # the pages are computed on the first visit instead
        logger.warning("could not queue warming the pages of disclosures %s: %r", ids, exc)

    transaction.on_commit(lambda: enqueue("warm_public_pages", ids, failed=not_queued),
                          robust=True)
