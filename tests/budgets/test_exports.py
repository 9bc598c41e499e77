"""CSV exports: the shared functions of budgets/exports.py and the public download URLs."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.exports import (
    INDICATOR_COLUMNS,
    LINE_COLUMNS,
    csv_response,
    indicator_rows,
    line_rows,
    safe_cell,
    write_csv,
)
from budgets.models import Disclosure, Figure, Indicator
from tests.budgets.test_pages_department import LUTAI_SLUG, store_711

BOM = b"\xef\xbb\xbf"
LUTAI_REGION = "河北省 › 唐山市 › 芦台经济开发区"


def download(client, address: str) -> tuple[bytes, list[dict]]:
    response = client.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    raw = b"".join(response.streaming_content)
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def header(raw: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def department_url(name: str, code: str = "711", **extra) -> str:
    return reverse(name, kwargs={"region": LUTAI_SLUG, "code": code, "year": 2024, **extra})


@pytest.mark.django_db
class TestLinesDownload:
    def test_it_has_a_bom_the_exact_header_and_the_documents_figures(self, sample_data, client):
        raw, rows = download(client, reverse("budgets:lines-csv"))
        assert raw.startswith(BOM)
        assert header(raw) == LINE_COLUMNS == [
            "region", "department_code", "department_name", "year", "scope", "unit_code",
            "unit_name", "table", "code", "name", "column", "amount", "unit", "amount_yuan",
            "source_page", "code_inferred"]
        expected = {
            "region": LUTAI_REGION, "department_code": "711",
            "department_name": "河北唐山芦台经济开发区群工部", "year": "2024",
            "scope": "department", "unit_code": "", "unit_name": "",
            "table": "expenditure_by_function", "code": "2012901", "name": "行政运行",
            "column": "total", "amount": "118.22", "unit": "万元", "amount_yuan": "1182200",
            "source_page": "", "code_inferred": "",
        }
        assert expected in rows
        assert {"department_code": "106", "table": "sangong", "code": "", "column": "total",
                "amount": "6.00"}.items() <= next(
            r for r in rows if r["department_code"] == "106" and r["table"] == "sangong"
            and r["code"] == "" and r["column"] == "total").items()

    def test_a_unit_row_names_its_department_and_itself(self, sample_data, client):
        _, rows = download(client, reverse("budgets:lines-csv"))
        unit = [r for r in rows if r["unit_code"] == "313001"]
        assert unit and all(r["scope"] == "unit" for r in unit)
        assert unit[0]["department_code"] == "313"
        assert unit[0]["department_name"] == "中共河北沧州经济开发区工委组织人事部"
        assert unit[0]["unit_name"] == "中共河北沧州经济开发区工委组织人事部本级"
        assert unit[0]["region"] == "河北省 › 沧州市 › 沧州经济开发区"
        total = next(r for r in unit if r["table"] == "expenditure_by_function"
                     and r["code"] == "" and r["column"] == "total")
        assert total["amount"] == "2654.52"

    def test_source_page_is_the_figures_page(self, sample_data, client):
        Figure.objects.filter(disclosure__department__code="711", code="2012901").update(page=3)
        _, rows = download(client, reverse("budgets:lines-csv"))
        row = next(r for r in rows if r["department_code"] == "711" and r["code"] == "2012901")
        assert row["source_page"] == "3"

    def test_year_and_region_filter_it(self, sample_data, client):
        _, rows = download(client, reverse("budgets:lines-csv") + "?region=河北省-沧州市")
        assert rows and {r["department_code"] for r in rows} == {"313"}
        store_711(2023)
        _, rows = download(client, reverse("budgets:lines-csv") + "?year=2023")
        assert {(r["department_code"], r["year"]) for r in rows} == {("711", "2023")}
        _, rows = download(client, reverse("budgets:lines-csv") + "?year=2022")
        assert rows == []

    def test_bad_parameters_are_400(self, sample_data, client):
        assert client.get(reverse("budgets:lines-csv") + "?year=abc").status_code == 400
        assert client.get(reverse("budgets:lines-csv") + "?region=nowhere").status_code == 400

    def test_formula_cells_are_neutralised_and_negative_numbers_kept(self, sample_data, client):
        disclosure = Disclosure.objects.get(department__code="711")
        Figure.objects.create(disclosure=disclosure, table="summary", code="x1",
                              name='=HYPERLINK("http://evil.example","点我")', column="total",
                              amount=Decimal("-3.50"), row=99)
        Figure.objects.create(disclosure=disclosure, table="summary", code="x2",
                              name="@SUM(A1:A9)", column="total", amount=Decimal("1.00"),
                              row=100)
        raw, rows = download(client, reverse("budgets:lines-csv"))
        evil = next(r for r in rows if r["code"] == "x1")
        assert evil["name"] == '\'=HYPERLINK("http://evil.example","点我")'
        assert (evil["amount"], evil["amount_yuan"]) == ("-3.50", "-35000")
        assert next(r for r in rows if r["code"] == "x2")["name"] == "'@SUM(A1:A9)"
        assert b"\n=HYPERLINK" not in raw and b",=HYPERLINK" not in raw

    def test_queries_do_not_grow_with_rows(self, sample_data, client):
        with CaptureQueriesContext(connection) as small:
            download(client, reverse("budgets:lines-csv") + "?year=2024&region=河北省-唐山市")
        for year in (2020, 2021, 2022, 2023):
            store_711(year)
        with CaptureQueriesContext(connection) as large:
            _, rows = download(client, reverse("budgets:lines-csv"))
        assert len(rows) > 1000
        assert len(large) <= len(small)


@pytest.mark.django_db
class TestIndicatorsDownload:
    def test_it_has_the_exact_header_and_a_known_indicator(self, sample_data, client):
        raw, rows = download(client, reverse("budgets:indicators-csv"))
        assert raw.startswith(BOM)
        assert header(raw) == INDICATOR_COLUMNS == [
            "region", "department_code", "department_name", "year", "scope", "unit_code",
            "project_code", "project_name", "budget", "level1", "level2", "level3",
            "description", "value", "basis", "source_page"]
        first = next(r for r in rows if r["project_code"] == "13021424P00000110206T")
        assert first == {
            "region": LUTAI_REGION, "department_code": "711",
            "department_name": "河北唐山芦台经济开发区群工部", "year": "2024",
            "scope": "department", "unit_code": "",
            "project_code": "13021424P00000110206T", "project_name": "2024 年“六一”儿童节系列活动",
            "budget": "0.20", "level1": "产出指标", "level2": "质量指标", "level3": "慰问的及时率",
            "description": "慰问的及时率", "value": "≥95%", "basis": "年度工作计划",
            "source_page": "",
        }
        typo = [r for r in rows if r["value"] == "≥95≥"]
        assert typo and typo[0]["project_name"] == "2024 年走访慰问孤寡老人"

    def test_formula_cells_are_neutralised(self, sample_data, client):
        indicator = Indicator.objects.filter(project__disclosure__department__code="711").first()
        indicator.level3 = "=1+2"
        indicator.value = "+CMD|' /C calc'!A0"
        indicator.basis = "-2+3"
        indicator.save()
        _, rows = download(client, reverse("budgets:indicators-csv"))
        row = next(r for r in rows if r["level3"].endswith("=1+2"))
        assert row["level3"] == "'=1+2"
        assert row["value"] == "'+CMD|' /C calc'!A0"
        assert row["basis"] == "'-2+3"

    def test_a_units_indicators_name_the_unit(self, sample_data, client):
        _, rows = download(client, reverse("budgets:indicators-csv") + "?region=河北省-沧州市")
        scopes = {(r["department_code"], r["scope"], r["unit_code"]) for r in rows}
        assert scopes == {("313", "department", ""), ("313", "unit", "313001")}


@pytest.mark.django_db
class TestDepartmentDownloads:
    def test_the_department_year_csv_holds_only_its_figures(self, sample_data, client):
        raw, rows = download(client, department_url("budgets:department-lines-csv"))
        assert raw.startswith(BOM)
        assert {r["department_code"] for r in rows} == {"711"}
        assert len(rows) == Figure.objects.filter(disclosure__department__code="711").count()
        # document order: the 收支总表 first, its first row 一般公共预算拨款收入 196.76
        assert (rows[0]["table"], rows[0]["code"], rows[0]["amount"]) == (
            "summary", "general_budget", "196.76")

    def test_a_table_csv_holds_only_that_table(self, sample_data, client):
        _, rows = download(client, department_url("budgets:department-table-csv",
                                                  table="basic_by_economic"))
        assert {r["table"] for r in rows} == {"basic_by_economic"}
        personnel = next(r for r in rows if r["code"] == "" and r["column"] == "personnel")
        assert personnel["amount"] == "160.89"
        assert [r["column"] for r in rows[:3]] == ["total", "personnel", "public"]

    def test_an_unknown_table_is_404(self, sample_data, client):
        assert client.get(department_url("budgets:department-table-csv",
                                         table="nonsense")).status_code == 404

    def test_the_indicators_csv_of_one_department(self, sample_data, client):
        _, rows = download(client, department_url("budgets:department-indicators-csv"))
        assert {r["department_code"] for r in rows} == {"711"}
        assert len({r["project_code"] for r in rows}) == 9

    def test_a_unit_csv_is_the_units(self, sample_data, client):
        address = reverse("budgets:department-lines-csv", kwargs={
            "region": "河北省-沧州市-沧州经济开发区", "code": "313001", "year": 2024})
        _, rows = download(client, address)
        assert {(r["scope"], r["unit_code"]) for r in rows} == {("unit", "313001")}


class TestCsvFunctions:
    @pytest.mark.parametrize("value, expected", [
        ("=1+2", "'=1+2"), ("+1", "'+1"), ("-x", "'-x"), ("@a", "'@a"), ("\tb", "'\tb"),
        ("\rc", "'\rc"), ("-3.50", "-3.50"), ("-12", "-12"), ("3.50", "3.50"),
        ("行政运行", "行政运行"), (Decimal("-3.50"), "-3.50"), (None, ""), (7, "7"),
        ("- 3", "'- 3"), ("-3.50=1", "'-3.50=1"),
    ])
    def test_safe_cell(self, value, expected):
        assert safe_cell(value) == expected

    def test_write_csv_to_a_text_stream(self):
        stream = io.StringIO()
        count = write_csv([["=cmd", "-3.50", "甲"]], ["a", "b", "c"], stream)
        assert count == 1
        assert stream.getvalue() == "\ufeffa,b,c\r\n'=cmd,-3.50,甲\r\n"

    def test_write_csv_to_a_binary_stream(self):
        stream = io.BytesIO()
        write_csv(iter([["甲", 1]]), ["name", "n"], stream)
        assert stream.getvalue() == BOM + "name,n\r\n甲,1\r\n".encode()

    def test_csv_response_is_an_attachment(self):
        response = csv_response("x.csv", ["a"], [["=1"]])
        assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
        assert b"".join(response.streaming_content) == BOM + b"a\r\n'=1\r\n"

    @pytest.mark.django_db
    def test_line_and_indicator_rows_take_any_queryset(self, sample_data):
        rows = list(line_rows(Figure.objects.filter(
            disclosure__department__code="106", table="gov_fund_by_function", code="")))
        assert rows == [
            ["河北省 › 唐山市 › 唐山高新技术产业开发区", "106", "唐山高新技术产业开发区人力资源和社会保障局",
             2024, "department", "", "", "gov_fund_by_function", "", "合计", "total", "4000.00",
             "万元", "40000000", "", ""],
            ["河北省 › 唐山市 › 唐山高新技术产业开发区", "106", "唐山高新技术产业开发区人力资源和社会保障局",
             2024, "department", "", "", "gov_fund_by_function", "", "合计", "project", "4000.00",
             "万元", "40000000", "", ""],
        ]
        rows = list(indicator_rows(Indicator.objects.filter(
            project__disclosure__department__code="711", project__order=6)))
        assert len(rows) == 6 and rows[0][6:9] == ["13021424P00000110247X", "劳务派遣人员报酬和公用费用",
                                                   "4.51"]
        assert len(rows[0]) == len(INDICATOR_COLUMNS)
