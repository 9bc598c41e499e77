""""As shown" downloads: a table as the page shows it (Chinese headers, rows × columns of the
page, amounts in 万元 with two decimals, the printed unit noted) as CSV or XLSX, beside the
long-format CSV of budgets/exports.py (which stays the file for programs).

    sheet = table_sheet(disclosure, printed_table)   # or directory_sheet(disclosures)
    sheet_csv(sheet, "711-2024-支出总表")            # UTF-8 with BOM, formula-safe cells
    sheet_xlsx(sheet, "711-2024-支出总表")           # numbers as numbers, #,##0.00

Text cells go through exports.safe_cell in both formats: openpyxl would otherwise store a
name starting with "=" as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font

from budgets.exports import csv_response, safe_cell
from budgets.templatetags.budget_format import pages

CENT = Decimal("0.01")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
MAX_SHEET_TITLE = 31  # Excel's limit


@dataclass
class Sheet:
    """A table to download: a title, a note (units, pages, source), headers and rows whose
    cells are text, int or Decimal (None for a blank cell)."""

    title: str
    note: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def shown_amount(amount) -> Decimal | None:
    """An amount in 万元 rounded as the page shows it (two decimals, half up)."""
    return None if amount is None else Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def owner_title(disclosure) -> str:
    return f"{disclosure.department.name} {disclosure.year}年"


def table_sheet(disclosure, table) -> Sheet:
    """One of the nine tables (a selectors.PrintedTable) as the page prints it."""
    unit = table.unit
    where = pages(table.meta)
    note = (f"金额单位：万元（网页显示，保留两位小数）；原表单位：{unit}"
            f"{'；原文' + where if where else ''}；版本 v{disclosure.version}；"
            "精确金额（元）见长表 CSV。")
    headers = ["编码", "项目", *(f"{label}（万元）" for _, label in table.columns)]
    rows = [[row.code, row.name, *(shown_amount(row.amounts.get(key)) for key, _ in table.columns)]
            for row in table.rows]
    return Sheet(title=f"{owner_title(disclosure)} {table.label}", note=note, headers=headers,
                 rows=rows)


DIRECTORY_HEADERS = ["部门", "编码", "主管部门", "地区", "年度", "支出合计（万元）",
                     "基本支出（万元）", "项目支出（万元）", "“三公”经费（万元）", "网址"]


def directory_sheet(disclosures, paths: dict[int, str], url) -> Sheet:
    """The directory's department-years (with_totals annotated), in the order given."""
    rows = [[d.department.name, d.department.code,
             d.department.parent.name if d.department.parent_id else "",
             paths.get(d.department.region_id, ""), d.year,
             shown_amount(d.total), shown_amount(d.basic), shown_amount(d.project),
             shown_amount(d.sangong), url(d)]
            for d in disclosures]
    return Sheet(title="部门目录", note="金额单位：万元（保留两位小数）；只含已公开的预算。",
                 headers=DIRECTORY_HEADERS, rows=rows)


def sheet_csv(sheet: Sheet, name: str) -> HttpResponse:
    """Headers, rows, a blank line, then the note (so the first line stays the header)."""
    rows: list[Sequence] = [*sheet.rows, [], [f"注：{sheet.title}。{sheet.note}"]]
    return csv_response(f"{name}.csv", sheet.headers, rows)


def sheet_xlsx(sheet: Sheet, name: str) -> HttpResponse:
    """Title and note above the header row; amounts as numbers formatted #,##0.00."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "".join(c for c in sheet.title if c not in "[]:*?/\\")[-MAX_SHEET_TITLE:]
    ws.append([safe_cell(sheet.title)])
    ws["A1"].font = Font(bold=True)
    ws.append([safe_cell(sheet.note)])
    ws.append([safe_cell(h) for h in sheet.headers])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        ws.append([value if isinstance(value, Decimal | int) else safe_cell(value)
                   for value in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, Decimal | float):
                cell.number_format = MONEY_FORMAT
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
    return response
