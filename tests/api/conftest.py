"""Fixtures of the API tests."""

import json

import pytest

from tests.budgets.conftest import yuan_department  # noqa: F401 (fixture)
from tests.budgets.test_versions import versions  # noqa: F401 (fixture)

SLUG = "河北省-唐山市-芦台经济开发区"


def no_floats(text: str):
    """Parse JSON, failing on any float: money is text in this API."""
    def refuse(value):
        raise AssertionError(f"a JSON float in the API: {value}")
    return json.loads(text, parse_float=refuse)


@pytest.fixture
def api(client):
    """GET an API path, assert 200 and return the JSON (money parsed as text only)."""
    def get(path, **params):
        response = client.get(path, params)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        return no_floats(response.content.decode())
    return get
