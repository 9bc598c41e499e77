""""As shown" downloads: every table as the page shows it (Chinese headers, rows × columns,
万元 with the printed unit noted) in CSV and XLSX, for the published and superseded versions,
and the directory with its filters."""

import csv
import io
from decimal import Decimal as D
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from budgets.models import Disclosure, Figure

pytestmark = pytest.mark.django_db

GAOXIN = "唐山高新技术产业开发区人力资源和社会保障局"
BASE = "/departments/河北省-唐山市-唐山高新技术产业开发区/106/2024/"


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_table_csv_as_shown(client, sample_data):
    response = client.get(BASE + "shown/expenditure_by_function.csv")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    header = rows[0]
    assert header[:3] == ["编码", "项目", "合计（万元）"]
    land = next(r for r in rows if r[0] == "2120805")
    assert land[1] == "补助被征地农民支出" and land[2] == "4000.00"
    printed = Figure.objects.filter(disclosure__department__name=GAOXIN,
                                    table="expenditure_by_function").values("row").distinct()
    assert len(rows) == 1 + printed.count() + 2  # header, one line per printed row, gap, note
    assert rows[-1][0].startswith("注：" + GAOXIN) and "原表单位：万元" in rows[-1][0]


def test_table_xlsx_keeps_numbers_as_numbers(client, sample_data):
    response = client.get(BASE + "shown/expenditure_by_function.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert GAOXIN in ws["A1"].value
    assert [c.value for c in ws[3]][:3] == ["编码", "项目", "合计（万元）"]
    land = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "2120805")
    assert land[2].data_type == "n" and D(str(land[2].value)) == D("4000.00")
    assert land[2].number_format == "#,##0.00"


def test_every_table_of_the_page_downloads(client, sample_data):
    from budgets.selectors import printed_tables
    disclosure = Disclosure.objects.published().get(department__name=GAOXIN)
    for table in printed_tables(disclosure):
        for fmt in ("csv", "xlsx"):
            assert client.get(f"{BASE}shown/{table.table}.{fmt}").status_code == 200


def test_formulas_are_neutralised_in_both_formats(client, sample_data):
    Figure.objects.filter(disclosure__department__name=GAOXIN,
                          code="2120805").update(name="=HYPERLINK(\"http://x\")")
    rows = csv_rows(client.get(BASE + "shown/expenditure_by_function.csv"))
    assert next(r for r in rows if r[0] == "2120805")[1] == "'=HYPERLINK(\"http://x\")"
    ws = load_workbook(io.BytesIO(client.get(BASE + "shown/expenditure_by_function.xlsx")
                                  .content)).active
    cell = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "2120805")[1]
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_unknown_table_format_and_drafts_are_404(client, sample_data):
    assert client.get(BASE + "shown/nothing.csv").status_code == 404
    assert client.get(BASE + "shown/expenditure_by_function.pdf").status_code == 404
    Disclosure.objects.filter(department__name=GAOXIN).update(status=Disclosure.Status.DRAFT)
    assert client.get(BASE + "shown/expenditure_by_function.csv").status_code == 404
    assert client.get(BASE + "v1/shown/expenditure_by_function.csv").status_code == 404


def test_superseded_version_tables_download(client, sample_data):
    disclosure = Disclosure.objects.get(department__name=GAOXIN)
    Disclosure.objects.filter(pk=disclosure.pk).update(status=Disclosure.Status.SUPERSEDED)
    url = f"{BASE}v{disclosure.version}/"
    assert 'shown/expenditure_by_function.xlsx' in client.get(url).content.decode()
    rows = csv_rows(client.get(url + "shown/expenditure_by_function.csv"))
    assert rows[0][:2] == ["编码", "项目"]


def test_department_page_links_all_three_downloads(client, sample_data):
    html = client.get(BASE).content.decode()
    base = quote(BASE)
    assert 'href="' + base + 'shown/expenditure_by_function.xlsx"' in html
    assert 'href="' + base + 'shown/expenditure_by_function.csv"' in html
    assert 'href="' + base + 'tables/expenditure_by_function.csv"' in html


def test_directory_download_follows_the_filters(client, sample_data):
    page = client.get("/departments/", {"function": "2120805"}).content.decode()
    assert 'href="/departments/directory.csv?function=2120805"' in page
    rows = csv_rows(client.get("/departments/directory.csv", {"function": "2120805"}))
    assert rows[0][:2] == ["部门", "编码"] and rows[0][5] == "支出合计（万元）"
    assert [r[0] for r in rows[1:-2]] == [GAOXIN]
    everyone = csv_rows(client.get("/departments/directory.csv"))
    assert len(everyone) - 3 == 3
    ws = load_workbook(io.BytesIO(client.get("/departments/directory.xlsx").content)).active
    totals = [r[5].value for r in ws.iter_rows(min_row=4)]
    assert all(isinstance(v, int | float) for v in totals) and totals == sorted(totals, reverse=True)
