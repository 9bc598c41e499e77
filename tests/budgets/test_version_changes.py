"""The public diff of a superseded version against the version that replaced it (issue #12):
figures compared in 元 and shown in 万元 with the printed figure on hover; drafts never
compared."""

import pytest

from budgets.models import Disclosure
from budgets.services import disclosure_publish
from budgets.versions import replacing_version, version_changes
from tests.budgets.test_versions import store_711, version_url


@pytest.fixture
def three_versions(sample_data, django_user_model):
    """711 2024: v1 (196.76) superseded by v2 (206.76); v3 (216.76) a draft."""
    user = django_user_model.objects.create_user("li.hua", password="pw-staff-3")
    v2 = disclosure_publish(disclosure=store_711("206.76"), user=user)
    v3 = store_711("216.76")
    v1 = Disclosure.objects.get(department__code="711", year=2024, version=1)
    return v1, v2, v3


def changes_section(page: str) -> str:
    assert 'id="changes"' in page
    return page.split('id="changes"')[1].split("</section>")[0]


def test_a_superseded_version_shows_what_its_replacement_changed(client, three_versions):
    page = client.get(version_url(1)).content.decode()
    section = changes_section(page)
    assert "第 2 版改了什么" in section and f'href="{version_url(2)}"' in section
    assert "变动 1 项，新增 0 项，删除 0 项" in section
    row = section.split("一般公共预算拨款收入")[1].split("</tr>")[0]
    assert 'title="原文：196.76 万元">196.76<' in row
    assert 'title="原文：206.76 万元">206.76<' in row
    assert "+10.00" in row


def test_the_current_version_has_no_diff(client, three_versions):
    page = client.get(version_url(2)).content.decode()
    assert "这是当前公开的版本" in page
    assert 'id="changes"' not in page and "改了什么" not in page


def test_a_draft_never_appears_in_any_diff(client, three_versions):
    v1, v2, v3 = three_versions
    assert replacing_version(v1) == v2 and replacing_version(v2) is None
    for version in (1, 2):
        page = client.get(version_url(version)).content.decode()
        assert "216.76" not in page and "第 3 版" not in page, version
        assert version_url(3) not in page, version


def test_projects_added_and_removed_are_listed(client, three_versions):
    v1, v2, _ = three_versions
    project = v2.projects.order_by("order").first()
    old_name = project.name
    project.name = "新增的帮扶项目"
    project.save(update_fields=["name"])
    changes = version_changes(v1, v2)
    assert changes.projects_added == ["新增的帮扶项目"]
    assert changes.projects_removed == [old_name]
    section = changes_section(client.get(version_url(1)).content.decode())
    assert "新增项目（1）" in section and "<li>新增的帮扶项目</li>" in section
    assert f"<li>{old_name}</li>" in section
