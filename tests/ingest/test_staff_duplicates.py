"""A duplicate upload tells its uploader the earlier file's name only when that file lies in a
region they may work on; otherwise only that the same file was uploaded in another region
(issue #10: the message leaked another region's file name)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ingest.models import IngestJob
from tests.ingest.staff_fixtures import CANGZHOU, LUOTAI, bureau_user, region, sample_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_queue")]
SECRET_NAME = "芦台群工部-内部审核稿.docx"


def upload_as(user, path, name: str, region_names) -> IngestJob:
    client = Client()
    client.force_login(user)
    client.post(reverse("ingest:upload"), {
        "region": region(region_names).pk,
        "files": [SimpleUploadedFile(name, path.read_bytes())]})
    job = IngestJob.objects.get(document__original_name=name)
    job.page = client.get(job.get_absolute_url()).content.decode()
    return job


@pytest.fixture
def docx(tmp_path):
    return sample_file("luotai_711_2024", "docx", tmp_path)


@pytest.fixture
def luotai_user(django_user_model):
    return bureau_user(django_user_model, "luotai", LUOTAI)


@pytest.fixture
def cangzhou_user(django_user_model):
    return bureau_user(django_user_model, "cangzhou", CANGZHOU)


def test_a_copy_of_another_regions_file_does_not_tell_its_name(luotai_user, cangzhou_user, docx):
    first = upload_as(luotai_user, docx, SECRET_NAME, LUOTAI)
    assert first.status == IngestJob.Status.READY
    second = upload_as(cangzhou_user, docx, "沧州上传.docx", CANGZHOU)
    assert second.status == IngestJob.Status.DUPLICATE
    assert "其他地区已上传的文件完全相同" in second.error
    assert SECRET_NAME not in second.error and "芦台" not in second.error
    assert "其他地区已上传的文件完全相同" in second.page and SECRET_NAME not in second.page
    assert SECRET_NAME not in second.document.error


def test_a_copy_of_a_file_of_ones_own_region_names_it(luotai_user, django_user_model, docx):
    upload_as(luotai_user, docx, SECRET_NAME, LUOTAI)
    again = upload_as(luotai_user, docx, "again.docx", LUOTAI)
    assert again.status == IngestJob.Status.DUPLICATE and SECRET_NAME in again.error
    # A user granted the region above (唐山市 covers 芦台) may see it too.
    tangshan = bureau_user(django_user_model, "tangshan", ["河北省", "唐山市"])
    third = upload_as(tangshan, docx, "唐山上传.docx", LUOTAI)
    assert third.status == IngestJob.Status.DUPLICATE and SECRET_NAME in third.error


def test_a_copy_in_ones_own_region_is_named_before_another_regions(luotai_user, cangzhou_user,
                                                                   django_user_model, docx):
    upload_as(luotai_user, docx, SECRET_NAME, LUOTAI)  # read: the copy found first
    upload_as(cangzhou_user, docx, "沧州第一次.docx", CANGZHOU)
    again = upload_as(cangzhou_user, docx, "沧州第二次.docx", CANGZHOU)
    assert again.status == IngestJob.Status.DUPLICATE
    assert "沧州第一次.docx" in again.error and SECRET_NAME not in again.error


def test_a_superuser_is_told_the_name_whatever_the_region(luotai_user, staff_user, docx):
    upload_as(luotai_user, docx, SECRET_NAME, LUOTAI)
    job = upload_as(staff_user, docx, "管理员上传.docx", CANGZHOU)
    assert job.status == IngestJob.Status.DUPLICATE and SECRET_NAME in job.error
