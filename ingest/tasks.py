"""The background task that reads one uploaded document, for both queues.

`run_job` runs on django-tasks (database backend, `manage.py db_worker`; `make run`);
`run_job_celery` on Celery with Redis (docker-compose). Both only call `services.job_run`.
"""

from django_tasks import task

from ingest import services
from portal.celery import app


@task()
def run_job(job_id: int) -> str:
    return services.job_run(job_id).status


@app.task(name="ingest.run_job")
def run_job_celery(job_id: int) -> str:
    return services.job_run(job_id).status
