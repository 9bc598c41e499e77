"""Error pages in Chinese (templates/400.html, 403.html, 404.html, 500.html), as production shows
them (DEBUG off), instead of Django's English defaults."""

import pytest
from django.test import Client
from django.urls import path, reverse

from portal import urls as portal_urls
from tests.ingest.staff_fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug")


# This module doubles as a URLconf: the portal's URLs plus one view that fails. Added, not
# included: the public pages are i18n_patterns, which Django allows only in the root URLconf.
urlpatterns = [path("boom/", boom), *portal_urls.urlpatterns]


@pytest.fixture
def client(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def assert_chinese_404(response, url):
    assert response.status_code == 404, url
    html = response.content.decode()
    assert "页面不存在" in html and "返回首页" in html, url
    assert "Not Found" not in html and "The requested resource" not in html, url
    assert 'lang="zh-Hans"' in html, url


def test_a_missing_page_answers_404_in_chinese(client):
    for url in ("/no-such-page/", "/departments/nowhere/999/2024/"):
        assert_chinese_404(client.get(url), url)


def test_a_missing_staff_object_answers_404_in_chinese(client, staff_user):
    client.force_login(staff_user)
    url = reverse("ingest:job-detail", args=[999999])
    assert_chinese_404(client.get(url), url)


def test_a_forbidden_staff_page_answers_403_in_chinese_with_the_reason(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password=PASSWORD))
    response = client.get(reverse("ingest:dashboard"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "您的账号没有任何地区的权限" in html
    assert "403 Forbidden" not in html and "<h1>Forbidden" not in html


def test_a_forbidden_admin_page_answers_403_in_chinese(client, django_user_model):
    # Django's own refusals carry no reason: the page gives the general one.
    client.force_login(django_user_model.objects.create_user("clerk", password=PASSWORD,
                                                             is_staff=True))
    response = client.get(reverse("admin:ingest_auditentry_add"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert "您的账号无权访问该页面" in response.content.decode()


def test_a_server_error_answers_500_with_a_static_chinese_page(client, settings):
    settings.ROOT_URLCONF = __name__
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错" in html and 'href="/"' in html
    assert "Server Error" not in html and "a bug" not in html


def test_the_500_page_renders_with_no_context_and_no_url_configuration(settings):
    # server_error renders it with an empty context; it must not depend on URL reversal or the
    # static files manifest, either of which may be what failed.
    from django.template.loader import render_to_string

    settings.ROOT_URLCONF = "tests.portal.no_urls_at_all"  # does not exist: reversal would fail
    html = render_to_string("500.html")
    assert "服务器出错" in html


def test_a_bad_request_answers_400_in_chinese(client):
    response = client.get("/compare/?q=%00")
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()
