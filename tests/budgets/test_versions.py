"""Public version history (issue #10): every published and superseded version of a
department-year at its own URL, listed on the history page with when and by whom; drafts and
discarded versions are never public."""

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from budgets.models import Disclosure
from budgets.sample_data import SAMPLE_DIR, read_sample
from budgets.services import (
    disclosure_discard,
    disclosure_publish,
    disclosures_store,
    region_get_or_create_path,
)

LUOTAI = ["河北省", "唐山市", "芦台经济开发区"]
SLUG = "河北省-唐山市-芦台经济开发区"


def store_711(amount: str) -> Disclosure:
    """A new draft of 711's 2024 budget with 一般公共预算拨款收入 printed as `amount`."""
    data = read_sample(SAMPLE_DIR / "luotai_711_2024.yaml")[0]
    for row in data["disclosures"][0]["tables"]["summary"]["rows"]:
        if row[0] == "general_budget":
            row[2] = amount
    [draft, *_] = disclosures_store(data=data, region=region_get_or_create_path(LUOTAI))
    return draft


def version_url(version: int, code: str = "711", year: int = 2024) -> str:
    return reverse("budgets:department-version",
                   kwargs={"region": SLUG, "code": code, "year": year, "version": version})


@pytest.fixture
def versions(sample_data, django_user_model):
    """711 2024: v1 (the sample, 196.76) superseded by v2 (206.76), v3 a draft, v4 discarded."""
    user = django_user_model.objects.create_user("wang.xiaoming", password="pw-staff-2")
    v2 = disclosure_publish(disclosure=store_711("206.76"), user=user)
    v3 = store_711("216.76")
    v4 = disclosure_discard(disclosure=store_711("226.76"))
    v1 = Disclosure.objects.get(department__code="711", year=2024, version=1)
    return v1, v2, v3, v4


def test_each_public_version_opens_at_its_own_url_with_its_tables(client, versions):
    v1, v2, _, _ = versions
    old = client.get(version_url(1))
    assert old.status_code == 200
    page = old.content.decode()
    assert "第 1 版" in page and "已被替换的历史版本" in page and "196.76" in page
    assert "206.76" not in page.split("九张表原表")[1]  # the tables are v1's own
    assert f'href="{v2.get_absolute_url()}"' in page  # the version the public sees now
    current = client.get(version_url(2)).content.decode()
    assert "这是当前公开的版本" in current and "206.76" in current


def test_drafts_discarded_and_unknown_versions_are_404(client, versions):
    _, _, v3, v4 = versions
    assert (v3.version, v3.status, v4.version, v4.status) == (3, "draft", 4, "discarded")
    for version in (3, 4, 5):
        assert client.get(version_url(version)).status_code == 404, version
    assert client.get(version_url(1, code="999")).status_code == 404
    assert client.get(version_url(1, year=2023)).status_code == 404


def test_the_history_lists_every_public_version_without_staff_names(client, versions):
    v1, v2, _, _ = versions
    page = client.get(reverse("budgets:department-history",
                              kwargs={"region": SLUG, "code": "711"})).content.decode()
    versions_part = page.split('id="versions"')[1]
    assert f'href="{version_url(1)}"' in versions_part and f'href="{version_url(2)}"' in versions_part
    assert version_url(3) not in page and version_url(4) not in page
    assert "已被替换" in versions_part and "已公开" in versions_part
    assert "财政部门工作人员" in versions_part
    assert "wang.xiaoming" not in page  # login names are not public
    assert localtime(v2.published_at).strftime("%Y-%m-%d %H:%M") in versions_part


def history_page(client) -> str:
    return client.get(reverse("budgets:department-history",
                              kwargs={"region": SLUG, "code": "711"})).content.decode()


def test_an_older_version_put_back_is_flagged(client, versions):
    v1, v2, _, _ = versions
    assert "当前公开的是较早的版本" not in history_page(client)
    # What ingest.services.document_publish(allow_older=True) leaves (tested in
    # tests/ingest/test_staff_publish_guard.py); only the public flag is checked here.
    Disclosure.objects.filter(pk=v2.pk).update(status=Disclosure.Status.SUPERSEDED)
    Disclosure.objects.filter(pk=v1.pk).update(status=Disclosure.Status.PUBLISHED)
    assert "当前公开的是较早的版本" in history_page(client)


def test_a_department_without_a_code_has_version_urls_by_id(client, yuan_department):
    url = reverse("budgets:department-version", kwargs={
        "region": yuan_department.department.region.slug, "pk": yuan_department.department.pk,
        "year": 2024, "version": 1})
    response = client.get(url)
    assert response.status_code == 200 and "11,447.99" in response.content.decode()


def test_the_department_page_links_each_other_public_version(client, versions):
    v1, v2, _, _ = versions
    page = client.get(v2.get_absolute_url()).content.decode()
    assert f'<a href="{version_url(1)}">第 1 版</a>' in page
    assert f'href="{version_url(3)}"' not in page and f'href="{version_url(4)}"' not in page
