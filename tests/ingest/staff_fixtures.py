"""Helpers shared by the staff-workflow tests (tests/ingest/test_staff_*.py, tests/e2e/)."""

import copy
import shutil
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from budgets.models import Region
from budgets.sample_data import SAMPLE_DIR, read_sample
from budgets.services import region_get_or_create_path
from ingest import services
from ingest.models import IngestJob, RegionGrant

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"  # rendered by tests/corpus/render.py when present
LUOTAI = ["河北省", "唐山市", "芦台经济开发区"]
CANGZHOU = ["河北省", "沧州市", "沧州经济开发区"]
PASSWORD = "Budget-staff-pw-2024"


def sample(stem: str) -> dict:
    return copy.deepcopy(read_sample(SAMPLE_DIR / f"{stem}.yaml")[0])


def render(data: dict, kind: str, path: Path) -> Path:
    from tests.corpus.render import render_docx, render_pdf_reportlab, render_xlsx

    writer = {"docx": render_docx, "pdf": render_pdf_reportlab, "xlsx": render_xlsx}[kind]
    return writer(data, path)


def sample_file(stem: str, kind: str, folder: Path) -> Path:
    """The sample document as a file: the rendered corpus copy if there is one, else rendered."""
    name = f"{stem}-reportlab.pdf" if kind == "pdf" else f"{stem}.{kind}"
    target = Path(folder) / name
    if (SAMPLES / name).is_file():
        shutil.copy(SAMPLES / name, target)
        return target
    return render(sample(stem), kind, target)


def with_changed_amount(data: dict, table: str, code: str, new: str) -> dict:
    """The document with one printed amount (first column) replaced."""
    for row in data["disclosures"][0]["tables"][table]["rows"]:
        if row[0] == code:
            row[2] = new
            return data
    raise KeyError((table, code))


def region(names: list[str]) -> Region:
    return region_get_or_create_path(names)


def bureau_user(django_user_model, username: str, *region_paths: list[str]):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", PASSWORD)
    for names in region_paths:
        RegionGrant.objects.create(user=user, region=region(names))
    return user


def receive(path: Path, user, region_names: list[str] = LUOTAI) -> IngestJob:
    """The file uploaded by `user` on the upload page, for the region: its ingest job."""
    return services.upload_receive(upload=SimpleUploadedFile(path.name, path.read_bytes()),
                                   region=region(region_names), user=user)
