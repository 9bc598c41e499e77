import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def admin_urls():
    for model in admin.site._registry:
        opts = model._meta
        yield model, f"admin:{opts.app_label}_{opts.model_name}"


def test_every_admin_changelist_and_change_page_loads_for_a_staff_user(client, staff_user,
                                                                      sample_data):
    client.force_login(staff_user)
    for model, prefix in admin_urls():
        changelist = client.get(reverse(f"{prefix}_changelist"))
        assert changelist.status_code == 200, prefix
        obj = model.objects.first()
        if obj is None:
            continue
        change = client.get(reverse(f"{prefix}_change", args=[obj.pk]))
        assert change.status_code == 200, prefix


def test_published_figures_are_read_only_in_the_admin(client, staff_user, sample_data):
    from budgets.models import Disclosure

    client.force_login(staff_user)
    disclosure = Disclosure.objects.published().first()
    page = client.get(reverse("admin:budgets_disclosure_change", args=[disclosure.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = client.post(reverse("admin:budgets_disclosure_change", args=[disclosure.pk]),
                           {"year": 1999})
    assert response.status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.year == 2024


def test_admin_search_finds_a_department_by_a_name_variant(client, staff_user, sample_data):
    client.force_login(staff_user)
    page = client.get(reverse("admin:budgets_department_changelist"), {"q": "芦台经济开发区群工部"})
    assert "河北唐山芦台经济开发区群工部" in page.content.decode()


def test_the_admin_needs_a_login(client, db):
    response = client.get(reverse("admin:budgets_figure_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
