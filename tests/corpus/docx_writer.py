"""Write the layout blocks as a DOCX the way the bureaus' Word files are built.

Ruled tables in the "Table Grid" style; merged header cells are real Word merges (gridSpan for
column spans, vMerge for row spans); the line above each table (`<code><name>`, 预算年度, 单位)
is the table's first, unruled row and, with the header rows, is marked as a repeating header
row (w:tblHeader) so that LibreOffice repeats it on every page, as in seed 000.

`caption="ruled"` or `"merged"` renders the variants some bureaus publish (issue #9): that line
ruled like the rest of the grid, so that it reads as a row of the table rather than a line above
it, as three cells merged over column groups or as one cell across the width (layout's
CAPTION_STYLES).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

from tests.corpus.layout import Cell, Grid, Heading, Para, caption_row, document_blocks

TEXT_WIDTH_MM = 170  # A4 portrait with 20 mm margins
WESTERN_FONT = "Times New Roman"
BODY_FONT = "宋体"  # what the published documents declare; LibreOffice falls back to a CJK font
HEADING_FONT = "黑体"
TABLE_FONT_SIZE = Pt(9)
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
TC_PR_AFTER_BORDERS = (
    "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)
# The seeds indent the 其中 rows of the 三公 table with spaces inside the cell text.
INDENT_SPACES = {0: "", 1: "    ", 2: "          "}


def render_docx(data: dict, path, caption: str = "unruled") -> Path:
    """Write the document `data` (as read by `read_sample`) to `path` as DOCX; `caption` is how
    the line above each table is printed (one of CAPTION_STYLES)."""
    document = new_document()
    for block in document_blocks(data):
        add_block(document, block, caption)
    path = Path(path)
    document.save(path)
    return path


def new_document():
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    set_style_fonts(document)
    add_page_number_footer(section)
    return document


def set_style_fonts(document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    set_fonts(normal.element, WESTERN_FONT, BODY_FONT)
    for name, size in (("Title", 18), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        set_fonts(style.element, WESTERN_FONT, HEADING_FONT)


def set_fonts(element, western: str, east_asian: str) -> None:
    """Name the fonts explicitly; the template's theme fonts would otherwise win."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), western)
    fonts.set(qn("w:hAnsi"), western)
    fonts.set(qn("w:eastAsia"), east_asian)


def add_page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), tag)
        else:
            field = OxmlElement("w:instrText")
            field.set(qn("xml:space"), "preserve")
            field.text = text
        run._r.append(field)


def add_block(document, block, caption: str = "unruled") -> None:
    if isinstance(block, Heading):
        paragraph = document.add_paragraph(block.text, style=f"Heading {block.level}")
        paragraph.paragraph_format.page_break_before = block.page_break
    elif isinstance(block, Para):
        add_para(document, block)
    elif isinstance(block, Grid):
        add_grid(document, block, caption)


def add_para(document, block: Para) -> None:
    if block.style == "title":
        paragraph = document.add_paragraph(block.text, style="Title")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return
    paragraph = document.add_paragraph(block.text)
    if block.style == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.paragraph_format.first_line_indent = Pt(21)  # two characters, as printed


def add_grid(document, grid: Grid, caption: str = "unruled") -> None:
    add_grid_title(document, grid)
    rows = ([caption_row(grid, caption)] if grid.caption else []) + grid.head + grid.body
    table = document.add_table(rows=len(rows), cols=len(grid.widths_mm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = column_widths(grid)
    anchors = merge_cells(table, rows)
    for (r, c), tc in anchors.items():
        fill_cell(_Cell(tc, table), rows[r][c], widths[c: c + rows[r][c].colspan])
    if grid.caption and caption == "unruled":
        for c, cell in enumerate(rows[0]):
            if cell is not None:
                hide_borders(anchors[0, c])
    if grid.head:
        for tr in table._tbl.tr_lst[: len(rows) - len(grid.body)]:
            mark_repeating_header(tr)
    set_grid_columns(table, widths)
    if grid.note:
        document.add_paragraph(grid.note)


def add_grid_title(document, grid: Grid) -> None:
    if grid.title_level:
        paragraph = document.add_paragraph(grid.title, style=f"Heading {grid.title_level}")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        # Word joins two tables that touch; an (empty) paragraph keeps them apart.
        paragraph = document.add_paragraph()
        if grid.title:
            paragraph.add_run(grid.title).bold = True
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.page_break_before = grid.page_break


def merge_cells(table, rows: list) -> dict:
    """Merge in the XML directly (python-docx's merge() re-scans the table on every call):
    gridSpan on a span's first cell, vMerge restart/continue down a row span, covered cells
    removed. Returns the <w:tc> of every printed cell by (row, column)."""
    grid = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
    anchors = {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            anchors[r, c] = grid[r][c]
            for below in range(r, r + cell.rowspan):
                head = grid[below][c]
                head.grid_span = cell.colspan
                if cell.rowspan > 1:
                    head.vMerge = "restart" if below == r else "continue"
                for covered in grid[below][c + 1: c + cell.colspan]:
                    covered.getparent().remove(covered)
    return anchors


def column_widths(grid: Grid) -> list:
    total = sum(grid.widths_mm)
    return [Mm(width * TEXT_WIDTH_MM / total) for width in grid.widths_mm]


def fill_cell(target, cell: Cell, widths: list) -> None:
    target.width = sum(widths)
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = target.paragraphs[0]
    paragraph.alignment = ALIGN[cell.align]
    run = paragraph.add_run(INDENT_SPACES.get(cell.indent, "") + cell.text)
    run.font.size = Pt(10) if cell.kind == "caption" else TABLE_FONT_SIZE
    run.bold = cell.kind == "head"


def set_grid_columns(table, widths: list) -> None:
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def hide_borders(tc) -> None:
    """The caption row is part of the table but printed without rules (by default)."""
    borders = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "right", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # Schema order matters to Word: tcBorders comes before shd … vAlign.
    tc.get_or_add_tcPr().insert_element_before(borders, *TC_PR_AFTER_BORDERS)


def mark_repeating_header(tr) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(header)
