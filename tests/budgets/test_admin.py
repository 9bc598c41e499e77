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


def merge_action(client, departments):
    return client.post(reverse("admin:budgets_department_changelist"), {
        "action": "merge_departments", "_selected_action": [d.pk for d in departments],
    }, follow=True)


def test_the_merge_action_merges_the_selected_departments_into_the_oldest(client, staff_user):
    from django.contrib.admin.models import LogEntry

    from budgets.models import Department
    from tests.budgets.test_units import document, expenditure, store

    rows = expenditure("万元", [["", "合计", "1.00", "1.00", ""]])
    old = store(document(rows, code="328", name="普陀区商务委", year=2024))[0].department
    new = store(document(rows, name="上海市普陀区商务委员会", year=2025))[0].department
    client.force_login(staff_user)
    page = merge_action(client, [new, old])
    assert page.status_code == 200
    assert "已将" in page.content.decode()
    assert list(Department.objects.all()) == [old]
    assert sorted(old.disclosures.values_list("year", flat=True)) == [2024, 2025]
    entry = LogEntry.objects.get(object_id=str(old.pk))
    assert "上海市普陀区商务委员会" in entry.change_message


def test_the_merge_action_reports_a_refusal(client, staff_user):
    from budgets.models import Department
    from budgets.services import disclosure_publish
    from tests.budgets.test_units import document, expenditure, store

    rows = expenditure("万元", [["", "合计", "1.00", "1.00", ""]])
    for code, name in (("328", "普陀区商务委"), ("", "上海市普陀区商务委员会")):
        disclosure_publish(disclosure=store(document(rows, code=code, name=name))[0])
    client.force_login(staff_user)
    page = merge_action(client, Department.objects.all())
    assert "都有已公开的2025年预算" in page.content.decode()
    assert Department.objects.count() == 2


def test_only_superusers_see_the_merge_action(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("clerk", password="pw-clerk-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="_department"))
    client.force_login(user)
    page = client.get(reverse("admin:budgets_department_changelist"))
    assert page.status_code == 200
    assert "merge_departments" not in page.content.decode()
