"""Write the nine tables of every disclosure as an XLSX workbook, one sheet per table.

Sheet layout: row 1 the table title (merged over the columns), row 2 the line above the table
(`<code><name>` | 预算年度：… | 单位：万元, merged like the DOCX), then the header rows with their
merged cells, the 栏次 row and the data rows; an empty table has its note in the row under the
header. Amounts are numeric cells (written from `Decimal`, so exactly the printed digits) with
number format 0.00; codes are text. Sheets are named after the table title; units' sheets are
prefixed with the unit code ("313001 单位预算收支总表"). After the nine sheets of a disclosure
comes one "情况说明" sheet with its narrative (section titles and paragraphs, one per row);
the 机构设置 and project KPI tables are not written to the workbook.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tests.corpus.layout import (
    Cell,
    Grid,
    Heading,
    Para,
    caption_row,
    is_unit,
    narrative_blocks,
    nine_tables,
)

MAX_SHEET_NAME = 31  # Excel's limit
FIRST_TABLE_ROW = 3  # row 1: title, row 2: caption
THIN = Side(style="thin")
RULED = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HORIZONTAL = {"left": "left", "center": "center", "right": "right"}


def render_xlsx(data: dict, path, formulas: bool = False) -> Path:
    """Write the document `data` to `path` as XLSX. With `formulas`, each total that adds up
    rows of its table is written as =SUM(...) instead of its printed value."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    year = data["document"]["year"]
    for disclosure in data["disclosures"]:
        for grid in nine_tables(disclosure, year):
            write_grid(workbook.create_sheet(grid.sheet[:MAX_SHEET_NAME]), grid, formulas)
        prefix = f"{disclosure['code']} " if is_unit(disclosure) else ""
        write_narrative(workbook.create_sheet(f"{prefix}情况说明"), disclosure, year)
    path = Path(path)
    workbook.save(path)
    return path


def write_grid(sheet, grid: Grid, formulas: bool) -> None:
    columns = len(grid.widths_mm)
    sheet.cell(1, 1, grid.title).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    write_rows(sheet, 2, [caption_row(grid)], ruled=False)
    write_rows(sheet, FIRST_TABLE_ROW, grid.head, ruled=True)
    first_body_row = FIRST_TABLE_ROW + len(grid.head)
    write_rows(sheet, first_body_row, grid.body, ruled=True)
    if formulas:
        write_sum_formulas(sheet, grid.body, first_body_row)
    if grid.note:
        sheet.cell(first_body_row, 1, grid.note)
    for index, width in enumerate(grid.widths_mm, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(6.0, width * 0.75)


def write_rows(sheet, first_row: int, rows: list, ruled: bool) -> None:
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            write_cell(sheet, first_row + r, c + 1, cell, ruled)


def write_cell(sheet, row: int, column: int, cell: Cell, ruled: bool) -> None:
    target = sheet.cell(row, column, cell_value(cell))
    if cell.kind == "amount" and cell.text:
        target.number_format = "0.00"
    target.alignment = Alignment(horizontal=HORIZONTAL[cell.align], vertical="center",
                                 wrap_text=True, indent=cell.indent * 2)
    if cell.kind == "head":
        target.font = Font(bold=True)
    last_row, last_column = row + cell.rowspan - 1, column + cell.colspan - 1
    if ruled:
        for r in range(row, last_row + 1):
            for c in range(column, last_column + 1):
                sheet.cell(r, c).border = RULED
    if (last_row, last_column) != (row, column):
        sheet.merge_cells(start_row=row, start_column=column, end_row=last_row,
                          end_column=last_column)


def cell_value(cell: Cell):
    """Amounts as exact decimals (never through float); blanks stay empty cells."""
    if not cell.text:
        return None
    if cell.kind == "amount":
        return Decimal(cell.text)
    if cell.kind == "seq":
        return int(cell.text)
    return cell.text


def write_sum_formulas(sheet, body: list, first_body_row: int) -> None:
    """Totals as =SUM(...) of the rows they add up; openpyxl stores no cached value, so a
    reader that asks for values gets None, as with a workbook never opened in Excel."""
    for r, row in enumerate(body):
        for c, cell in enumerate(row):
            if cell is not None and cell.sum_refs:
                refs = ",".join(f"{get_column_letter(col + 1)}{first_body_row + source}"
                                for source, col in cell.sum_refs)
                sheet.cell(first_body_row + r, c + 1, f"=SUM({refs})")


def write_narrative(sheet, disclosure: dict, year: int) -> None:
    sheet.column_dimensions["A"].width = 120
    row = 1
    for block in narrative_blocks(disclosure, year):
        if isinstance(block, Heading | Para):
            target = sheet.cell(row, 1, block.text)
            target.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(block, Heading):
                target.font = Font(bold=True, size=12)
            row += 1
