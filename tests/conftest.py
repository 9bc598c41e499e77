"""Shared fixtures: a real database with the transcribed sample disclosures loaded."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture
def sample_data(db):
    """The three seed documents, loaded and published (see budgets/sample_data/)."""
    call_command("load_classifications", stdout=io.StringIO())
    call_command("load_sample_data", stdout=io.StringIO())


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_superuser("staff", "staff@example.org", "pw-staff-1")


@pytest.fixture
def caching(settings):
    """Public pages cached (budgets/caching.py), from an empty cache. Through pytest-django's
    `settings`, which restores every change a test makes to it in one order."""
    cache.clear()
    settings.PUBLIC_CACHE = True
    yield
    cache.clear()
