"""The API against its own OpenAPI document: schemathesis generates requests for every
operation from /api/schema/ and checks each answer (no server error, documented status codes,
content types, headers and bodies matching the schema), through WSGI on the sample data.
Bounded to a few examples per operation so the run stays well under two minutes."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.wsgi import application

EXAMPLES = 15
# The rankings take the ranking page's form (year and region among those published, a code
# valid for the measure): a schema-valid value may still be refused there with a 400.
SEMANTIC_400 = {"/api/rankings/"}


@pytest.fixture
def api_schema(sample_data):
    # Requests go through the WSGI app itself, not Django's test client: keep the app from
    # closing the test's database connection at the end of each request, as the client does.
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


def test_every_operation_answers_as_documented(api_schema, versions):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 18
    calls = []
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            excluded = [positive_data_acceptance] if case.operation.path in SEMANTIC_400 else []
            case.call_and_validate(excluded_checks=excluded)
            calls.append(case.operation.path)

        check()
    assert len(calls) >= 3 * len(operations)  # generated requests did run, for every operation
    assert set(calls) == {operation.path for operation in operations}
