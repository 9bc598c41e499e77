"""The background tasks, each for both queues (ingest/queues.py picks one): reading one
uploaded document, and rendering the public pages a publication changed into the cache.

`run_job` runs on django-tasks (database backend, `manage.py db_worker`; `make run`);
`run_job_celery` on Celery with Redis (docker-compose). Both only call `services.job_run`,
which first re-queues jobs whose worker died (`services.requeue_stale_jobs`); with Celery, beat
also runs that every 15 s (`requeue_stale_jobs_celery`), with django-tasks
`manage.py requeue_stale_jobs --every 15` does.
"""

from django_tasks import task

from budgets import warming
from ingest import queues, services
from portal.celery import app


@task()
def run_job(job_id: int) -> str:
    return services.job_run(job_id).status


@app.task(name="ingest.run_job")
def run_job_celery(job_id: int) -> str:
    return services.job_run(job_id).status


@task()
def warm_public_pages(disclosure_ids: list[int]) -> int:
    return len(warming.warm_public_pages(disclosure_ids))


@app.task(name="ingest.warm_public_pages")
def warm_public_pages_celery(disclosure_ids: list[int]) -> int:
    return len(warming.warm_public_pages(disclosure_ids))


@app.task(name="ingest.requeue_stale_jobs")
def requeue_stale_jobs_celery() -> int:
    """Run by Celery beat every 15 s (settings.CELERY_BEAT_SCHEDULE): jobs whose worker died."""
    return len(services.requeue_stale_jobs())


queues.register("run_job", run_job, run_job_celery)
queues.register("warm_public_pages", warm_public_pages, warm_public_pages_celery)
