"""Publishing never goes backwards silently (issue #10): what a publish or discard changes is
shown and confirmed first, and an older draft replaces a newer published version only when the
user says so explicitly — in the service, so that every caller is held to it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import Disclosure, SourceDocument
from budgets.services import disclosures_store
from ingest import services
from ingest.models import AuditEntry
from ingest.review import publish_changes
from tests.ingest.staff_fixtures import LUOTAI, bureau_user, region

pytestmark = pytest.mark.django_db
NAME = "河北唐山芦台经济开发区群工部"
ROWS = [["", "合计", "189.06", "178.31", "10.75"],
        ["201", "一般公共服务支出", "125.00", "114.25", "10.75"],
        ["208", "社会保障和就业支出", "30.00", "30.00", ""],
        ["210", "卫生健康支出", "34.06", "34.06", ""]]


def draft(tag: str, rows=ROWS, *, unit="万元", projects=()) -> Disclosure:
    """A draft of 711's 2024 budget read from its own (made-up) file."""
    document = SourceDocument.objects.create(original_name=f"{tag}.pdf", sha256=tag.ljust(64, "0"),
                                             format="pdf", region=region(LUOTAI),
                                             status=SourceDocument.Status.STORED)
    data = {"document": {"year": 2024, "title": f"{NAME}2024年部门预算", "summary_layout": 2024},
            "disclosures": [{"scope": "department", "code": "711", "name": NAME,
                             "tables": {"expenditure_by_function": {"unit": unit, "rows": rows}},
                             "projects": [{"code": c, "name": n, "budget": b}
                                          for c, n, b in projects]}]}
    [disclosure] = disclosures_store(data=data, region=region(LUOTAI), document=document)
    return disclosure


@pytest.fixture
def user(django_user_model):
    return bureau_user(django_user_model, "luotai", LUOTAI)


@pytest.fixture
def older_and_newer(user):
    """v1 and v2 read as drafts; v2 published: v1 is now older than what the public sees."""
    v1, v2 = draft("v1"), draft("v2", [*ROWS[:3], ["210", "卫生健康支出", "40.00", "40.00", ""]])
    services.document_publish(document=v2.document, user=user)
    return v1, v2


def test_changes_are_keyed_by_table_code_name_column_and_compared_in_yuan(user):
    published = draft("old", projects=[("P1", "群团活动经费", "5"), ("P2", "工会经费", "3")])
    services.document_publish(document=published.document, user=user)
    # 元 instead of 万元: 合计 and 201 are the same amounts; 208 changes, 210 goes, 221 comes.
    rows = [["", "合计", "1890600", "1783100", "107500"],
            ["201", "一般公共服务支出", "1250000", "1142500", "107500"],
            ["208", "社会保障和就业支出", "310000", "310000", ""],
            ["221", "住房保障支出", "10000", "10000", ""]]
    changes = publish_changes(draft("new", rows, unit="元",
                                    projects=[("P1", "群团活动经费", "5"), ("P3", "帮扶救助", "2")]))
    assert changes.published.pk == published.pk and not changes.is_older
    assert [(c.code, c.column, c.before, c.after, c.difference) for c in changes.changed] == [
        ("208", "basic", "30.00 万元", "310000 元", "+10,000.00 元"),
        ("208", "total", "30.00 万元", "310000 元", "+10,000.00 元")]
    assert [(c.code, c.column, c.after) for c in changes.added] == [
        ("221", "basic", "10000 元"), ("221", "total", "10000 元")]
    assert [(c.code, c.column, c.before_yuan) for c in changes.removed] == [
        ("210", "basic", Decimal("340600")), ("210", "total", Decimal("340600"))]
    assert changes.projects_added == ["帮扶救助"] and changes.projects_removed == ["工会经费"]


def test_a_renamed_line_is_one_removed_and_one_added():
    published = draft("old")
    published.status = Disclosure.Status.PUBLISHED
    published.save()
    renamed = [*ROWS[:3], ["210", "卫生健康", "34.06", "34.06", ""]]
    changes = publish_changes(draft("new", renamed))
    assert {(c.name, c.column) for c in changes.added} == {("卫生健康", "total"),
                                                          ("卫生健康", "basic")}
    assert {c.name for c in changes.removed} == {"卫生健康支出"} and not changes.changed


def test_the_service_refuses_an_older_draft_without_allow_older(older_and_newer, user):
    v1, v2 = older_and_newer
    assert publish_changes(v1).is_older
    with pytest.raises(ValueError, match="比已公开的第 2 版旧"):
        services.document_publish(document=v1.document, user=user)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == Disclosure.Status.DRAFT and v2.status == Disclosure.Status.PUBLISHED
    assert not AuditEntry.objects.filter(action="published", object_id=str(v1.pk)).exists()


def test_allow_older_publishes_it_and_the_audit_log_says_so(older_and_newer, user):
    v1, v2 = older_and_newer
    services.document_publish(document=v1.document, user=user, allow_older=True)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == Disclosure.Status.PUBLISHED and v2.status == Disclosure.Status.SUPERSEDED
    entry = AuditEntry.objects.get(action="published", object_id=str(v1.pk))
    assert entry.details["older_than_published"] is True
    assert entry.details["replaced_version"] == 2 and entry.details["superseded"] == [v2.pk]
    newer = AuditEntry.objects.get(action="published", object_id=str(v2.pk))
    assert "older_than_published" not in newer.details


def post(client, name: str, document, **data):
    return client.post(reverse(f"ingest:document-{name}", args=[document.pk]), data)


def test_publish_first_shows_what_changes_and_changes_nothing(client, older_and_newer, user):
    client.force_login(user)
    newer = draft("v3", [*ROWS[:2], ["208", "社会保障和就业支出", "31.00", "31.00", ""]])
    response = post(client, "publish", newer.document)
    page = response.content.decode()
    assert response.status_code == 200 and "确认公开" in page
    assert "与已公开的第 2 版相比：新增 0 项，删除 2 项，变动 2 项" in page
    assert "30.00 万元" in page and "31.00 万元" in page
    assert 'name="confirm" value="1"' in page and 'name="allow_older"' not in page
    newer.refresh_from_db()
    assert newer.status == Disclosure.Status.DRAFT
    assert not AuditEntry.objects.filter(object_id=str(newer.pk)).exists()
    assert post(client, "publish", newer.document, confirm="1").status_code == 302
    newer.refresh_from_db()
    assert newer.status == Disclosure.Status.PUBLISHED


def test_an_older_draft_needs_the_extra_checkbox(client, older_and_newer, user):
    v1, v2 = older_and_newer
    client.force_login(user)
    review = client.get(reverse("ingest:document-review", args=[v1.document_id])).content
    assert "版本倒退" in review.decode()
    page = post(client, "publish", v1.document).content.decode()
    assert "第 1 版，比已公开的第 2 版旧" in page and 'name="allow_older"' in page
    refused = post(client, "publish", v1.document, confirm="1")
    assert refused.status_code == 400 and "比已公开的第 2 版旧" in refused.content.decode()
    v1.refresh_from_db()
    assert v1.status == Disclosure.Status.DRAFT
    done = post(client, "publish", v1.document, confirm="1", allow_older="1")
    assert done.status_code == 302
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == Disclosure.Status.PUBLISHED and v2.status == Disclosure.Status.SUPERSEDED
    assert AuditEntry.objects.get(object_id=str(v1.pk), action="published"
                                  ).details["older_than_published"] is True


def test_discard_first_shows_the_summary_then_needs_confirming(client, older_and_newer, user):
    v1, v2 = older_and_newer
    client.force_login(user)
    page = post(client, "discard", v1.document).content.decode()
    assert "确认废弃" in page and "与已公开的第 2 版相比" in page and "不会公开" in page
    v1.refresh_from_db()
    assert v1.status == Disclosure.Status.DRAFT
    assert post(client, "discard", v1.document, confirm="1").status_code == 302
    v1.refresh_from_db()
    assert v1.status == Disclosure.Status.DISCARDED
    assert AuditEntry.objects.filter(action="discarded", object_id=str(v1.pk)).exists()


def test_confirming_when_nothing_is_left_to_decide_says_so(client, older_and_newer, user):
    v1, _ = older_and_newer
    client.force_login(user)
    post(client, "discard", v1.document, confirm="1")
    again = client.post(reverse("ingest:document-publish", args=[v1.document_id]),
                        {"confirm": "1"}, follow=True)
    assert "没有待审核的草稿" in again.content.decode()
    assert again.redirect_chain[-1][0] == reverse("ingest:document-review",
                                                  args=[v1.document_id])
