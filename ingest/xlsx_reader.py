"""XLSX → blocks with openpyxl: one sheet per table, the sheet's number standing for the page.

Lines above the grid (title, `<code><name>`, 预算年度, 单位) become paragraphs. A formula without
a computed value cannot be read exactly and is refused rather than guessed."""

from decimal import Decimal

from openpyxl import load_workbook

from ingest.extract import ExtractedDocument, Paragraph, Table, UnreadableDocument, squeeze
from ingest.filetype import check_office_parts


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return f"{Decimal(str(value)):.2f}"
    return squeeze(str(value))


def _formula_refused(sheet_name: str, value, formula) -> None:
    if value is None and isinstance(formula.value, str) and formula.value.startswith("="):
        raise UnreadableDocument(
            f"工作表“{sheet_name}”单元格 {formula.coordinate} 是公式（{formula.value}），"
            "文件中没有保存计算结果：请在 Excel 中打开并保存后再上传"
        )


def _sheet_rows(values, formulas) -> list[list[str]]:
    """The sheet's rows as text, every formula checked for its cached value on the way.

    Both workbooks are read-only: openpyxl streams each sheet's XML row by row instead of
    building every cell as an object first. The stated dimensions are dropped (a producer may
    write `A1` for a whole sheet) and rows are padded to the widest, as a full load gives them.
    """
    values.reset_dimensions()
    formulas.reset_dimensions()
    rows = []
    for row_values, row_formulas in zip(values.iter_rows(), formulas.iter_rows(), strict=False):
        for value, formula in zip(row_values, row_formulas, strict=False):
            _formula_refused(values.title, value.value, formula)
        rows.append([_text(cell.value) for cell in row_values])
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def read_xlsx(path) -> ExtractedDocument:
    # Shared strings and styles are still read whole: refuse an oversized part first.
    check_office_parts(path)
    workbook = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True)
    try:
        blocks = []
        for number, sheet in enumerate(workbook.worksheets, start=1):
            rows = [row for row in _sheet_rows(sheet, formulas[sheet.title]) if any(row)]
            # A line with one filled cell above the grid is a title or header line.
            while rows and sum(1 for v in rows[0] if v) == 1:
                blocks.append(Paragraph(next(v for v in rows.pop(0) if v), number))
            if rows:
                blocks.append(Table(rows, number))
        return ExtractedDocument("xlsx", blocks, page_count=len(workbook.worksheets))
    finally:  # read-only workbooks keep the archive open
        workbook.close()
        formulas.close()
