"""Fiscal Data Package export: the lines of any selection (the filters of /api/lines/) as
datapackage.json + budget-lines.csv in a zip.

The CSV is the lines CSV (budgets.exports.line_rows, same columns, same order) plus the
classification columns an FDP consumer maps: `functional_code`/`functional_name` on the
functional tables' 类/款/项 rows, `economic_code`/`economic_name` on the basic-expenditure
table's, and `level` (1 类, 2 款, 3 项). The measure is `amount_yuan`, exact in 元, currency CNY,
phase budget; the fiscal period is the calendar years of the selection (China's fiscal year).

The descriptor follows the FDP model of OpenSpending (`model.measures` / `model.dimensions`,
`fiscalPeriod`) and marks the same columns with FDP 1.0 `columnType`s. Its `profile` is
`tabular-data-package`: the fiscal profile is only published online, and the export is
validated offline (frictionless, in the tests).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Mapping

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.renderers import BaseRenderer, JSONRenderer

from api.base import PublicReadMixin
from api.filters import LineFilter
from budgets.codes import classification_level, is_classification_code
from budgets.exports import LINE_COLUMNS, line_rows, safe_cell
from budgets.models import Figure, TableKind
from budgets.schema import FUNCTION_TABLES

RESOURCE = "budget-lines"
RESOURCE_PATH = f"{RESOURCE}.csv"
FDP_COLUMNS = [*LINE_COLUMNS, "level", "functional_code", "functional_name", "economic_code",
               "economic_name"]
# Zip entries dated once, so the same selection gives the same bytes (and the same ETag).
ZIP_DATE = (2000, 1, 1, 0, 0, 0)

# (type, FDP 1.0 columnType or None, description) of every CSV column.
FIELDS = {
    "region": ("string", "geo:region:label", "地区（预算级次）全称"),
    "department_code": ("string", "administrative-classification:generic:code", "部门编码"),
    "department_name": ("string", "administrative-classification:generic:label", "部门名称"),
    "year": ("integer", "date:fiscal-year", "预算年度"),
    "scope": ("string", None, "department 部门 / unit 所属单位"),
    "unit_code": ("string", None, "单位编码"),
    "unit_name": ("string", None, "单位名称"),
    "table": ("string", None, "九张表之一"),
    "code": ("string", None, "行编码（分类编码或行键）"),
    "name": ("string", None, "行名称（原文）"),
    "column": ("string", None, "栏目"),
    "amount": ("number", None, "金额，按原文单位（unit）"),
    "unit": ("string", None, "原文金额单位"),
    "amount_yuan": ("number", "value", "金额（元），精确值"),
    "source_page": ("integer", None, "原文件页码"),
    "code_inferred": ("boolean", None, "编码由名称推断"),
    "level": ("integer", None, "1 类、2 款、3 项"),
    "functional_code": ("string", "functional-classification:generic:code", "支出功能分类编码"),
    "functional_name": ("string", "functional-classification:generic:label", "支出功能分类名称"),
    "economic_code": ("string", "economic-classification:generic:code", "支出经济分类编码"),
    "economic_name": ("string", "economic-classification:generic:label", "支出经济分类名称"),
}


def classification_cells(table: str, code: str, name: str) -> list:
    """level, functional code and name, economic code and name of one line."""
    if not is_classification_code(code):
        return ["", "", "", "", ""]
    level = classification_level(code)
    if table in FUNCTION_TABLES:
        return [level, code, name, "", ""]
    if table == TableKind.BASIC_BY_ECONOMIC:
        return [level, "", "", code, name]
    return [level, "", "", "", ""]


def fdp_rows(figures) -> Iterable[list]:
    table, code, name = (LINE_COLUMNS.index(c) for c in ("table", "code", "name"))
    for row in line_rows(figures):
        yield [*row, *classification_cells(row[table], row[code], row[name])]


def _field(name: str) -> dict:
    kind, column_type, description = FIELDS[name]
    field = {"name": name, "type": kind, "description": description}
    if column_type:
        field["columnType"] = column_type
    if kind == "boolean":
        field.update(trueValues=["1"], falseValues=["0"])
    return field


def _dimension(kind: str, code: str, label: str) -> dict:
    return {"dimensionType": "classification", "classificationType": kind,
            "attributes": {"code": {"source": code}, "name": {"source": label, "labelfor": "code"}},
            "primaryKey": "code"}


def datapackage(years: set[int], selection: Mapping[str, str]) -> dict:
    """The datapackage.json of an export of these years and this selection (filter → value)."""
    chosen = "，".join(f"{k}={v}" for k, v in sorted(selection.items()) if v) or "全部已公开预算"
    descriptor = {
        "profile": "tabular-data-package",
        "name": "budget-portal-lines",
        "title": "部门预算公开：预算数（Fiscal Data Package）",
        "description": f"已公开部门预算的每个金额（行）。选择：{chosen}。"
                       "金额以元计（amount_yuan，精确值），并附原文金额与单位。"
                       "各行含合计与类/款/项各级、各栏目，汇总时请按 table、column、level 选取。",
        "countryCode": "CN",
        "resources": [{
            "name": RESOURCE, "path": RESOURCE_PATH, "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [_field(name) for name in FDP_COLUMNS],
                       "missingValues": [""]},
        }],
        "model": {
            "measures": {"amount": {"source": "amount_yuan", "currency": "CNY", "factor": 1,
                                    "phase": "budget"}},
            "dimensions": {
                "date": {"dimensionType": "datetime",
                         "attributes": {"year": {"source": "year"}}, "primaryKey": "year"},
                "location": {"dimensionType": "location",
                             "attributes": {"region": {"source": "region"}},
                             "primaryKey": "region"},
                "administrative-classification": _dimension(
                    "administrative", "department_code", "department_name"),
                "functional-classification": _dimension(
                    "functional", "functional_code", "functional_name"),
                "economic-classification": _dimension(
                    "economic", "economic_code", "economic_name"),
            },
        },
    }
    if years:
        descriptor["fiscalPeriod"] = {"start": f"{min(years)}-01-01", "end": f"{max(years)}-12-31"}
    return descriptor


def write_fdp_zip(figures, target, selection: Mapping[str, str]) -> int:
    """Write the package of these figures to `target` (a path or binary stream); returns the
    number of lines."""
    text, years = io.StringIO(), set()
    writer = csv.writer(text)
    writer.writerow(FDP_COLUMNS)
    year = LINE_COLUMNS.index("year")
    count = 0
    for row in fdp_rows(figures):
        years.add(row[year])
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    descriptor = json.dumps(datapackage(years, selection), ensure_ascii=False, indent=2)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("datapackage.json", descriptor), (RESOURCE_PATH, text.getvalue())):
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), data.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return count


class ZipRenderer(BaseRenderer):
    """Lets a client ask for application/zip; the view answers with the zip itself."""

    media_type = "application/zip"
    format = "zip"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class FiscalDataPackageView(PublicReadMixin, generics.GenericAPIView):
    """The lines of a selection (same filters as /api/lines/) as a Fiscal Data Package zip."""

    queryset = Figure.objects.all()
    filterset_class = LineFilter
    pagination_class = None
    renderer_classes = [JSONRenderer, ZipRenderer]

    @extend_schema(filters=True, responses={
        (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY,
                                                  description="datapackage.json + budget-lines.csv")})
    def get(self, request):
        figures = self.filter_queryset(self.get_queryset())
        buffer = io.BytesIO()
        write_fdp_zip(figures, buffer, request.query_params.dict())
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(True, "budget-fdp.zip")
        return response
