"""The test corpus: the transcribed seed documents rendered afresh into every format."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from budgets.sample_data import read_sample, sample_files
from budgets.schema import TABLE_COLUMNS
from tests.ingest.staff_fixtures import LUOTAI, bureau_user

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "samples"
STEMS = [path.stem for path in sample_files()]
FORMATS = {"docx": "{stem}.docx", "pdf": "{stem}.pdf", "reportlab": "{stem}-reportlab.pdf",
           "xlsx": "{stem}.xlsx"}


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """{stem: {format: path}} rendered now by tests/corpus (LibreOffice for the PDF)."""
    from tests.corpus.render import render_all

    out = tmp_path_factory.mktemp("corpus")
    return {stem: {fmt: path for fmt, (path, _) in
                   render_all(read_sample(path)[0], out, stem).items()}
            for stem, path in ((p.stem, p) for p in sample_files())}


@pytest.fixture
def immediate_queue(settings, tmp_path):
    """Staff uploads read in the request, originals kept in the test's own folder."""
    settings.INGEST_QUEUE = "immediate"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def region_arg(data: dict) -> str:
    return "/".join(data["document"]["region"])


def ingest(path, data: dict, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", str(path), "--region", region_arg(data), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def export(command: str, tmp_path, *args) -> list[dict]:
    target = tmp_path / f"{command}.csv"
    call_command(command, "--output", str(target), *args, stderr=io.StringIO())
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def squeeze(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def owner(data: dict, disclosure: dict) -> tuple[str, str]:
    """(scope, unit_code) as the CSV writes them."""
    return disclosure["scope"], disclosure["code"] if disclosure["scope"] == "unit" else ""


def transcribed_lines(data: dict) -> dict[tuple, tuple[str, str]]:
    """Every printed amount of the transcription: (scope, unit, table, code, column) → (amount, name)."""
    lines = {}
    for disclosure in data["disclosures"]:
        for table, spec in disclosure["tables"].items():
            for code, name, *amounts in spec.get("rows", []):
                for column, amount in zip(TABLE_COLUMNS[table], amounts, strict=False):
                    if amount not in ("", None):
                        key = (*owner(data, disclosure), table, str(code), column)
                        lines[key] = (amount, squeeze(name))
    return lines


def exported_lines(rows: list[dict]) -> dict[tuple, tuple[str, str]]:
    return {(r["scope"], r["unit_code"], r["table"], r["code"], r["column"]):
            (r["amount"], squeeze(r["name"])) for r in rows}


def transcribed_indicators(data: dict) -> list[tuple]:
    rows = []
    for disclosure in data["disclosures"]:
        for project in disclosure.get("projects", []):
            for indicator in project.get("indicators", []):
                rows.append((*owner(data, disclosure), squeeze(project["code"]),
                             squeeze(project["name"]), project["budget"],
                             *(squeeze(v) for v in (list(indicator) + [""] * 6)[:6])))
    return sorted(rows)


def exported_indicators(rows: list[dict]) -> list[tuple]:
    keys = ("level1", "level2", "level3", "description", "value", "basis")
    return sorted((r["scope"], r["unit_code"], squeeze(r["project_code"]),
                   squeeze(r["project_name"]), r["budget"], *(squeeze(r[k]) for k in keys))
                  for r in rows)


CAPTION_VARIANT_STYLES = ("ruled", "merged")  # tests.corpus.layout.CAPTION_STYLES but the seeds'
CAPTION_VARIANT_STEMS = ["luotai_711_2024", "cangzhou_313_2024"]  # a department alone; with a unit
CAPTION_VARIANT_FORMATS = ("docx", "pdf", "reportlab")


@pytest.fixture(scope="session")
def rendered_caption_variants(tmp_path_factory):
    """{style: {stem: {format: path}}} in the variants of issue #9: the `<code><name>` |
    预算年度 | 单位 line is the ruled first row of each table, as three cells merged over column
    groups ("ruled") or one cell across the width ("merged"). DOCX, its LibreOffice PDF and the
    reportlab PDF; the XLSX has no such variant."""
    from budgets.sample_data import SAMPLE_DIR
    from tests.corpus.render import render_all

    rendered: dict = {}
    for style in CAPTION_VARIANT_STYLES:
        out = tmp_path_factory.mktemp(f"corpus-caption-{style}")
        for stem in CAPTION_VARIANT_STEMS:
            data, _ = read_sample(SAMPLE_DIR / f"{stem}.yaml")
            files = render_all(data, out, stem, caption=style)
            rendered.setdefault(style, {})[stem] = {
                fmt: files[fmt][0] for fmt in CAPTION_VARIANT_FORMATS}
    return rendered


@pytest.fixture
def luotai(django_user_model):
    """A bureau user granted 芦台经济开发区."""
    return bureau_user(django_user_model, "luotai", LUOTAI)
