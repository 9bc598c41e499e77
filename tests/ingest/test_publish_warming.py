"""After a publication is committed, the public pages it changed are rendered into the cache on
the background queue (budgets/warming.py, ingest/queues.py), so the first visitor gets a hit."""

import pytest
from django.test import Client
from django.urls import reverse

from budgets.models import SourceDocument
from budgets.services import disclosures_store
from ingest import services, tasks
from tests.ingest.staff_fixtures import LUOTAI, bureau_user, region

pytestmark = pytest.mark.django_db
NAME = "河北唐山芦台经济开发区群工部"


@pytest.fixture
def user(django_user_model):
    return bureau_user(django_user_model, "luotai", LUOTAI)


@pytest.fixture
def draft():
    """A draft of 711's 2024 budget read from a (made-up) file."""
    document = SourceDocument.objects.create(original_name="711.pdf", sha256="7" * 64,
                                             format="pdf", region=region(LUOTAI),
                                             status=SourceDocument.Status.STORED)
    rows = [["", "合计", "189.06", "178.31", "10.75"],
            ["201", "一般公共服务支出", "189.06", "178.31", "10.75"]]
    data = {"document": {"year": 2024, "title": f"{NAME}2024年部门预算", "summary_layout": 2024},
            "disclosures": [{"scope": "department", "code": "711", "name": NAME,
                             "tables": {"expenditure_by_function": {"unit": "万元",
                                                                    "rows": rows}}}]}
    [disclosure] = disclosures_store(data=data, region=region(LUOTAI), document=document)
    return disclosure


def assert_cached(client, draft):
    for path in (draft.get_absolute_url(), "/", "/departments/"):
        page = client.get(path)
        assert page["X-Public-Cache"] == "hit", path
        assert "189.06" in page.content.decode()


def test_the_staff_publication_leaves_the_pages_in_the_cache(settings, caching, client, user,
                                                             draft,
                                                             django_capture_on_commit_callbacks):
    settings.INGEST_QUEUE = "immediate"  # the warming runs right after the commit
    staff = Client()
    staff.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("ingest:document-publish", args=[draft.document_id]),
                              {"confirm": "1"})
    assert response.status_code == 302
    assert_cached(client, draft)


def test_the_warming_is_queued_after_the_commit(settings, caching, client, user, draft,
                                                django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.INGEST_QUEUE = "tasks"
    with django_capture_on_commit_callbacks() as callbacks:
        services.document_publish(document=draft.document, user=user)
    assert not DBTaskResult.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    task = DBTaskResult.objects.get()
    assert task.task_path == "ingest.tasks.warm_public_pages"
    assert task.args_kwargs["args"] == [[draft.pk]]
    tasks.warm_public_pages.call(*task.args_kwargs["args"])  # what the worker does
    assert_cached(client, draft)


def test_with_celery_the_warming_goes_through_the_celery_task(settings, caching, client, user,
                                                              draft,
                                                              django_capture_on_commit_callbacks):
    from portal.celery import app

    settings.INGEST_QUEUE = "celery"
    app.conf.task_always_eager = True  # run in this process, through Celery's task machinery
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.document_publish(document=draft.document, user=user)
    finally:
        app.conf.task_always_eager = False
    assert_cached(client, draft)


def test_nothing_is_queued_while_the_public_cache_is_off(settings, user, draft,
                                                         django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.INGEST_QUEUE = "tasks"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.document_publish(document=draft.document, user=user)
    assert not callbacks and not DBTaskResult.objects.exists()
