"""Login throttling per address across user names (password spraying, issue #10), on top of
django-axes' lock of one user name from one address (portal/login_throttle.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.ingest.staff_fixtures import LUOTAI, PASSWORD, bureau_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
SPRAYER, OFFICE = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 4
    return settings


def spray(client, names) -> list:
    return [client.post(LOGIN, {"username": name, "password": "Spring-2024-guess"})
            for name in names]


def test_many_user_names_from_one_address_are_locked_out_while_another_address_logs_in(
        limits, django_user_model):
    bureau_user(django_user_model, "luotai", LUOTAI)
    sprayer = Client(REMOTE_ADDR=SPRAYER)
    names = [f"user{n}" for n in range(limits.AXES_ADDRESS_FAILURE_LIMIT)]
    *before, last = spray(sprayer, names)
    # One try per name stays under the per-user limit: only the address limit can stop this.
    assert [r.status_code for r in before] == [200] * len(before)
    assert last.status_code == 429 and "登录已被暂时锁定" in last.content.decode()
    # From that address even a real user with the right password is refused for now…
    locked = sprayer.post(LOGIN, {"username": "luotai", "password": PASSWORD})
    assert locked.status_code == 429 and "_auth_user_id" not in sprayer.session
    assert spray(sprayer, ["someone-new"])[0].status_code == 429
    # …while the same user logs in from another address.
    office = Client(REMOTE_ADDR=OFFICE)
    response = office.post(LOGIN, {"username": "luotai", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("ingest:dashboard")


def test_failures_below_the_address_limit_do_not_lock_the_address(limits, django_user_model):
    bureau_user(django_user_model, "luotai", LUOTAI)
    office = Client(REMOTE_ADDR=OFFICE)
    spray(office, ["colleague-a", "colleague-b", "colleague-c"])  # limit - 1 mistakes in all
    response = office.post(LOGIN, {"username": "luotai", "password": PASSWORD})
    assert response.status_code == 302


def test_the_address_limit_can_be_turned_off(limits, django_user_model):
    limits.AXES_ADDRESS_FAILURE_LIMIT = 0
    bureau_user(django_user_model, "luotai", LUOTAI)
    sprayer = Client(REMOTE_ADDR=SPRAYER)
    assert {r.status_code for r in spray(sprayer, [f"user{n}" for n in range(6)])} == {200}
    assert sprayer.post(LOGIN, {"username": "luotai", "password": PASSWORD}).status_code == 302


def test_the_per_user_lock_still_holds(limits, django_user_model):
    limits.AXES_ADDRESS_FAILURE_LIMIT = 100
    bureau_user(django_user_model, "luotai", LUOTAI)
    client = Client(REMOTE_ADDR=OFFICE)
    statuses = [r.status_code for r in spray(client, ["luotai"] * limits.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    assert client.post(LOGIN, {"username": "luotai", "password": PASSWORD}).status_code == 429


def test_the_default_address_limit_stops_the_measured_spray_of_twenty_names(settings):
    # Issue #10 measured 20 user names from one address going through; the default is set from
    # the environment (AXES_ADDRESS_FAILURE_LIMIT) and sits above the per-user limit, as several
    # staff may share one office address.
    assert settings.AXES_FAILURE_LIMIT < settings.AXES_ADDRESS_FAILURE_LIMIT < 20
    assert settings.AXES_HANDLER == "portal.login_throttle.AddressThrottlingHandler"
