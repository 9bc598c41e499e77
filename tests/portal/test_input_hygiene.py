"""Control characters in paths, query strings, forms and cookies (issue #10): NUL makes PostgreSQL
refuse the query, which was a 500 wherever such text reached the database. They answer 400 from
one middleware (portal.middleware.ControlCharacterMiddleware); run on PostgreSQL as on SQLite."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from budgets.models import Disclosure
from tests.ingest.staff_fixtures import LUOTAI, PASSWORD, bureau_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(settings):
    """A client that returns a server error as a 500 response instead of raising it."""
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def published(sample_data) -> Disclosure:
    return Disclosure.objects.published().get(department__code="711", year=2024)


def assert_refused(response, url):
    assert response.status_code == 400, (url, response.status_code)
    html = response.content.decode()
    assert "请求无效" in html, url  # templates/400.html, not Django's English page
    assert "\x00" not in html and "%00" not in html, url  # nothing sent is shown back
    assert "default-src 'self'" in response["Content-Security-Policy"], url


# The URLs measured as 500s on PostgreSQL (issue #10), and their neighbours.
NUL_URLS = [
    "/compare/?q=%00",
    "/compare/search.json?q=%00",
    "/compare/?d=%00",
    "/compare/comparison.csv?d=a%00",
    "/departments/?q=%00",
    "/rankings/?year=2024&q=%00",
    "/departments/a%00/711/2024/",
    "/departments/a%00/711/2024/lines.csv",
    "/departments/a%00/711/2024/tables/summary.csv",
    "/departments/a%00/711/history/",
    "/departments/a%00/711/history.csv",
    "/departments/a%00/711/",
    "/compare/?%00=1",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_in_a_path_or_parameter_answers_400(client, published, url):
    assert_refused(client.get(url), url)


def test_nul_inside_a_real_department_address_answers_400(client, published):
    real = published.get_absolute_url()
    region = published.department.region.slug
    assert client.get(real).status_code == 200
    for url in (real.replace(quote(region), quote(region) + "%00", 1),
                real.replace("/711/", "/7%0011/", 1),
                real + "tables/summary%00.csv",
                real.replace("/711/", "/711%00/", 1) + "v1/"):
        assert url != real
        assert_refused(client.get(url), url)


@pytest.mark.parametrize("char", ["%01", "%08", "%0B", "%1B", "%1F", "%7F"])
def test_other_control_characters_answer_400_too(client, published, char):
    for url in (f"/compare/?q=a{char}b", f"/compare/search.json?q={char}",
                f"/departments/a{char}/711/2024/"):
        assert_refused(client.get(url), url)


def test_tab_and_line_breaks_in_a_typed_value_are_not_refused(client, published):
    # What a person may type or paste (a <textarea> sends CR LF) still reaches the page.
    for value in ("%E8%8A%A6%E5%8F%B0%09", "%E8%8A%A6%E5%8F%B0%0D%0A"):
        response = client.get(f"/compare/?q={value}")
        assert response.status_code == 200, value
        assert "芦台" in response.content.decode()
    # …but never in a path.
    assert_refused(client.get("/departments/a%09/711/2024/"), "tab in path")


def test_a_login_with_nul_in_the_user_name_answers_400_and_logs_nobody_in(client,
                                                                         django_user_model):
    from axes.models import AccessAttempt

    bureau_user(django_user_model, "luotai", LUOTAI)
    url = reverse("login")
    for form in ({"username": "luotai\x00", "password": PASSWORD},
                 {"username": "\x00", "password": "x"},
                 {"username": "luotai", "password": PASSWORD + "\x00"}):
        response = client.post(url, form)
        assert_refused(response, form)
        assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # refused before the login throttle stored it
    assert client.post(url, {"username": "luotai", "password": PASSWORD}).status_code == 302


def test_a_session_cookie_with_nul_is_dropped_not_a_500(client, django_user_model):
    # Pages that read the session looked its key up in the database: a 500 on PostgreSQL.
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"  # sent quoted, as "abcdefgh\000…"
    assert client.get(reverse("login")).status_code == 200
    response = client.get(reverse("ingest:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    bureau_user(django_user_model, "luotai", LUOTAI)
    response = client.post(reverse("login"), {"username": "luotai", "password": PASSWORD})
    assert response.status_code == 302  # a fresh session replaces the damaged cookie
    assert client.get(reverse("ingest:dashboard")).status_code == 200


def test_ordinary_requests_pass_untouched(client, published):
    for url in ("/", "/compare/?q=%E8%8A%A6%E5%8F%B0", "/compare/search.json?q=711",
                published.get_absolute_url(), "/departments/?q=%E7%BE%A4%E5%B7%A5%E9%83%A8"):
        assert client.get(url).status_code == 200, url
