"""Documents must match the region they are filed under (issue #10): place words printed in the
department's name and the document's title are compared with the chosen region, those above
and below it, and the departments already published; a mismatch blocks publishing unless a
superuser overrides it with a reason, which goes to the audit log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.models import Disclosure, SourceDocument
from budgets.services import disclosure_publish, disclosures_store
from ingest import services
from ingest.models import AuditEntry, IngestJob
from ingest.review import place_words, region_mismatch
from tests.ingest.staff_fixtures import CANGZHOU, LUOTAI, bureau_user, region, sample_file

pytestmark = pytest.mark.django_db
TANGSHAN = ["河北省", "唐山市"]
HIGH_TECH = ["河北省", "唐山市", "唐山高新技术产业开发区"]
LUOTAI_NAME = "河北唐山芦台经济开发区群工部"
CANGZHOU_NAME = "中共河北沧州经济开发区工委组织人事部"


@pytest.fixture(autouse=True)
def regions():
    for names in (LUOTAI, CANGZHOU, HIGH_TECH):
        region(names)


def store(names: list[str], name: str, *, code: str = "711", title: str | None = None,
          sha: str = "a") -> Disclosure:
    document = SourceDocument.objects.create(original_name=f"{name}.pdf", format="pdf",
                                             sha256=sha.ljust(64, "0"), region=region(names))
    data = {"document": {"year": 2024, "title": f"{name}2024年部门预算" if title is None else title,
                         "summary_layout": 2024},
            "disclosures": [{"scope": "department", "code": code, "name": name, "tables": {}}]}
    [disclosure] = disclosures_store(data=data, region=region(names), document=document)
    return disclosure


def test_place_words_are_the_name_and_the_name_without_its_suffix():
    assert place_words("河北省") == {"河北省", "河北"}
    assert place_words("唐山市") == {"唐山市", "唐山"}
    assert place_words("芦台经济开发区") == {"芦台经济开发区", "芦台开发区", "芦台"}
    assert place_words("唐山高新技术产业开发区") == {"唐山高新技术产业开发区", "唐山高新区", "唐山"}
    assert place_words("沙县") == {"沙县"}  # 沙 alone would match ordinary words
    assert place_words("基准测试") == {"基准测试"}


def test_the_measured_case_711_luotai_under_cangzhou_is_a_mismatch():
    assert region_mismatch(store(CANGZHOU, LUOTAI_NAME)) == (
        "表头名称“河北唐山芦台经济开发区群工部”中的“唐山”“芦台经济开发区”是其他地区"
        "（河北省 › 唐山市、河北省 › 唐山市 › 芦台经济开发区）的地名，"
        "与所选地区“河北省 › 沧州市 › 沧州经济开发区”不符")


def test_a_document_of_the_region_itself_its_parent_or_its_child_matches():
    assert region_mismatch(store(LUOTAI, LUOTAI_NAME)) == ""
    assert region_mismatch(store(CANGZHOU, CANGZHOU_NAME, code="313")) == ""
    # filed one level up: 芦台 lies below 唐山市
    assert region_mismatch(store(TANGSHAN, LUOTAI_NAME, code="712")) == ""


def test_the_longest_place_word_wins_so_a_sibling_zone_is_seen():
    # 唐山 alone is the parent (fine), but 唐山高新区 is the zone beside 芦台
    message = region_mismatch(store(LUOTAI, "唐山高新区财政局", code=""))
    assert "“唐山高新区”" in message and "唐山高新技术产业开发区" in message


def test_a_place_name_shared_with_the_chosen_region_is_not_a_mismatch():
    shijiazhuang, cangzhou = region(["河北省", "石家庄市", "新华区"]), region(["河北省", "沧州市", "新华区"])
    assert shijiazhuang.pk != cangzhou.pk
    assert region_mismatch(store(["河北省", "沧州市", "新华区"], "新华区财政局", code="")) == ""
    assert region_mismatch(store(["河北省", "沧州市", "新华区"], "沧州市新华区财政局", code="",
                                 sha="b")) == ""
    wrong = region_mismatch(store(["河北省", "石家庄市", "新华区"], "沧州市新华区财政局", code="",
                                  sha="c"))
    assert "“沧州市”" in wrong


def test_the_title_is_checked_too():
    message = region_mismatch(store(CANGZHOU, "群工部", title=f"{LUOTAI_NAME}2024年部门预算"))
    assert message.startswith("文件标题") and "芦台经济开发区" in message


def test_a_name_already_published_in_another_region_is_a_mismatch():
    disclosure_publish(disclosure=store(TANGSHAN, "唐山市财政局", code="101"))
    # 唐山 is 芦台's parent, so only the existing department tells the two apart
    message = region_mismatch(store(LUOTAI, "唐山市财政局", code="101", sha="b"))
    assert "已是“河北省 › 唐山市”的部门“唐山市财政局”" in message


def test_a_name_without_place_words_never_mismatches():
    disclosure_publish(disclosure=store(TANGSHAN, "财政局", code="101", title=""))
    assert region_mismatch(store(LUOTAI, "财政局", code="101", title="", sha="b")) == ""


# --- publishing: blocked, or overridden by a superuser with a reason ---------------------------

def test_the_service_blocks_a_mismatch(django_user_model):
    user = bureau_user(django_user_model, "cangzhou", CANGZHOU)
    draft = store(CANGZHOU, LUOTAI_NAME)
    with pytest.raises(ValueError, match="与所选地区.*不符.*超级管理员"):
        services.document_publish(document=draft.document, user=user)
    with pytest.raises(ValueError, match="只有超级管理员"):
        services.document_publish(document=draft.document, user=user, region_override="我确认")
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.DRAFT


def test_a_superuser_overrides_with_a_reason_into_the_audit_log(staff_user):
    draft = store(CANGZHOU, LUOTAI_NAME)
    with pytest.raises(ValueError):
        services.document_publish(document=draft.document, user=staff_user, region_override=" ")
    services.document_publish(document=draft.document, user=staff_user,
                              region_override="该群工部由沧州代管，已核实")
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.PUBLISHED
    entry = AuditEntry.objects.get(action="published", object_id=str(draft.pk))
    assert entry.details["region_override"] == "该群工部由沧州代管，已核实"
    assert "芦台经济开发区" in entry.details["region_mismatch"]


@pytest.mark.usefixtures("immediate_queue")
def test_the_measured_upload_is_blocked_on_the_review_and_confirm_pages(client, django_user_model,
                                                                        tmp_path):
    """A user granted 沧州 uploads the 711 芦台 document under 沧州经济开发区 and tries to publish."""
    client.force_login(bureau_user(django_user_model, "cangzhou", CANGZHOU))
    path = sample_file("luotai_711_2024", "docx", tmp_path)
    client.post(reverse("ingest:upload"), {
        "region": region(CANGZHOU).pk, "files": [SimpleUploadedFile(path.name, path.read_bytes())]})
    job = IngestJob.objects.get()
    assert job.status == IngestJob.Status.READY, job.error
    review = client.get(reverse("ingest:document-review", args=[job.document_id])).content.decode()
    assert "地区不符" in review and "芦台经济开发区" in review
    publish = reverse("ingest:document-publish", args=[job.document_id])
    confirm = client.post(publish).content.decode()
    assert "不能公开" in confirm and "确认公开</button>" not in confirm
    refused = client.post(publish, {"confirm": "1", "override_reason": "试试"})
    assert refused.status_code == 400 and "只有超级管理员" in refused.content.decode()
    assert not Disclosure.objects.filter(document=job.document).exclude(
        status=Disclosure.Status.DRAFT).exists()


def test_a_superuser_sees_the_reason_field_and_must_fill_it(client, staff_user):
    draft = store(CANGZHOU, LUOTAI_NAME)
    client.force_login(staff_user)
    publish = reverse("ingest:document-publish", args=[draft.document_id])
    page = client.post(publish).content.decode()
    assert 'name="override_reason"' in page and "确认公开" in page
    assert client.post(publish, {"confirm": "1"}).status_code == 400
    assert client.post(publish, {"confirm": "1", "override_reason": "已电话核实"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.PUBLISHED
    assert AuditEntry.objects.get(action="published").details["region_override"] == "已电话核实"
