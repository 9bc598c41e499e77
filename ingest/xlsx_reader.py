"""XLSX → blocks with openpyxl: one sheet per table, the sheet's number standing for the page.

Lines above the grid (title, `<code><name>`, 预算年度, 单位) become paragraphs. A formula without
a computed value cannot be read exactly and is refused rather than guessed."""

from decimal import Decimal

from openpyxl import load_workbook

from ingest.extract import ExtractedDocument, Paragraph, Table, UnreadableDocument, squeeze


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return f"{Decimal(str(value)):.2f}"
    return squeeze(str(value))


def _check_formulas(path, sheet_name: str, values) -> None:
    formulas = load_workbook(path, read_only=True)[sheet_name]
    for row_values, row_formulas in zip(values.iter_rows(), formulas.iter_rows(), strict=False):
        for value, formula in zip(row_values, row_formulas, strict=False):
            if value.value is None and isinstance(formula.value, str) \
                    and formula.value.startswith("="):
                raise UnreadableDocument(
                    f"工作表“{sheet_name}”单元格 {formula.coordinate} 是公式（{formula.value}），"
                    "文件中没有保存计算结果：请在 Excel 中打开并保存后再上传"
                )


def read_xlsx(path) -> ExtractedDocument:
    workbook = load_workbook(path, data_only=True)
    blocks = []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        _check_formulas(path, sheet.title, sheet)
        rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        rows = [row for row in rows if any(row)]
        # A line with one filled cell above the grid is a title or header line.
        while rows and sum(1 for v in rows[0] if v) == 1:
            blocks.append(Paragraph(next(v for v in rows.pop(0) if v), number))
        if rows:
            blocks.append(Table(rows, number))
    return ExtractedDocument("xlsx", blocks, page_count=len(workbook.worksheets))
