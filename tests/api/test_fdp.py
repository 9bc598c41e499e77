"""Fiscal Data Package export: a valid package (frictionless) whose 元 amounts add up to the
selection's total, as a zip download and from the command line."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from frictionless import Package

from budgets.models import Figure


def unpack(data: bytes, folder):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["budget-lines.csv", "datapackage.json"]
        archive.extractall(folder)
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def valid_rows(folder) -> list[dict]:
    """The package validated by frictionless, and its rows read back through its schema."""
    package = Package(str(folder / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    return package.get_resource("budget-lines").read_rows()


def selection_total(**lookups) -> Decimal:
    figures = Figure.objects.filter(disclosure__status="published", **lookups)
    return figures.aggregate(s=Sum("amount_yuan"))["s"]


@pytest.mark.parametrize("query, lookups", [
    ({}, {}),
    ({"year": 2024, "table": "expenditure_by_function", "column": "total", "code_prefix": "208"},
     {"disclosure__year": 2024, "table": "expenditure_by_function", "column": "total",
      "code__startswith": "208"}),
])
def test_download_is_a_valid_package_summing_to_the_selection(client, sample_data, tmp_path,
                                                             query, lookups):
    response = client.get("/api/fdp.zip", query)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    descriptor = unpack(response.content, tmp_path)
    measure = descriptor["model"]["measures"]["amount"]
    assert (measure["source"], measure["currency"], measure["phase"]) == \
        ("amount_yuan", "CNY", "budget")
    assert descriptor["fiscalPeriod"] == {"start": "2024-01-01", "end": "2024-12-31"}
    rows = valid_rows(tmp_path)
    assert len(rows) == Figure.objects.filter(disclosure__status="published", **lookups).count()
    assert sum(row["amount_yuan"] for row in rows) == selection_total(**lookups)


def test_classification_columns_are_mapped(client, sample_data, tmp_path):
    unpack(client.get("/api/fdp.zip", {"department": "711"}).content, tmp_path)
    rows = valid_rows(tmp_path)
    functional = [r for r in rows if r["table"] == "expenditure_by_function" and r["code"] == "208"]
    assert functional and all(r["functional_code"] == "208" and r["level"] == 1
                              and r["economic_code"] is None for r in functional)
    economic = [r for r in rows if r["table"] == "basic_by_economic" and r["code"] == "30101"]
    assert economic and all(r["economic_code"] == "30101" and r["level"] == 2
                            and r["functional_code"] is None for r in economic)
    totals = [r for r in rows if r["code"] is None]
    assert totals and all(r["level"] is None for r in totals)


def test_drafts_are_not_exported(client, versions, tmp_path):
    v1, v2, v3, v4 = versions
    unpack(client.get("/api/fdp.zip", {"department": "711", "table": "summary",
                                       "code": "general_budget"}).content, tmp_path)
    [row] = valid_rows(tmp_path)
    assert row["amount_yuan"] == Decimal("2067600")  # v2's 206.76 万元, not a draft's


def test_same_selection_same_bytes_and_304(client, sample_data):
    first = client.get("/api/fdp.zip", {"year": 2024})
    assert client.get("/api/fdp.zip", {"year": 2024}).content == first.content
    assert client.get("/api/fdp.zip", {"year": 2024},
                      headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get("/api/fdp.zip", {"table": "nine"}).status_code == 400


def test_management_command_writes_the_same_package(sample_data, tmp_path):
    target = tmp_path / "out.zip"
    out = io.StringIO()
    call_command("export_fdp", "--output", str(target), "--region", "河北省", "--table", "sangong",
                 stdout=out)
    folder = tmp_path / "package"
    folder.mkdir()
    descriptor = unpack(target.read_bytes(), folder)
    assert "region=河北省" in descriptor["description"]
    rows = valid_rows(folder)
    expected = Figure.objects.filter(disclosure__status="published", table="sangong",
                                     disclosure__department__region__slug__startswith="河北省")
    assert rows and len(rows) == expected.count() and out.getvalue().startswith(f"{len(rows)} lines")
    assert sum((r["amount_yuan"] for r in rows), Decimal(0)) == \
        (expected.aggregate(s=Sum("amount_yuan"))["s"] or 0)
