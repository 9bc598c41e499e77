"""Write the layout blocks as a PDF with reportlab, in the style of seed 000.

Full-grid ruled tables with narrow columns: names wrap over several lines and amounts and codes
are broken character by character when they do not fit (`196.` / `76`). Long tables split
across pages between rows, and the line above the table and the header rows repeat on every
page. Every page carries its number at the bottom. `caption` prints that line ruled, as
`render_docx` does (issue #9).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from tests.corpus.layout import Cell, Grid, Heading, Para, caption_row, document_blocks

FONT = "WenQuanYiMicroHei"
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
CELL_SIZE = 9
PADDING = 1.5  # pt, left and right; small, so that the narrow columns stay narrow
MARGIN = 15 * mm
ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
HEADING_SIZES = {1: 16, 2: 14, 3: 12}
CHARACTER_WRAPPED = ("amount", "code")


def render_pdf_reportlab(data: dict, path, caption: str = "unruled") -> Path:
    """Write the document `data` (as read by `read_sample`) to `path` as PDF via reportlab;
    `caption` is how the line above each table is printed (one of CAPTION_STYLES)."""
    register_font()
    path = Path(path)
    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 5 * mm, title=data["document"]["title"],
        invariant=1,  # no timestamp or random ID: the same data gives the same bytes
    )
    story = []
    for block in document_blocks(data):
        story += block_flowables(block, caption)
    document.build(story, onFirstPage=draw_page_number, onLaterPages=draw_page_number)
    return path


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))


def draw_page_number(canvas, document) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 10 * mm, str(document.page))
    canvas.restoreState()


@cache
def style(size: float, align: str = "left", first_indent: float = 0, indent: float = 0,
          keep_with_next: bool = False, space_after: float = 0) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{align}{first_indent}{indent}{keep_with_next}{space_after}", fontName=FONT,
        fontSize=size, leading=size * 1.25, alignment=ALIGNMENTS[align], wordWrap="CJK",
        firstLineIndent=first_indent, leftIndent=indent, keepWithNext=keep_with_next,
        spaceAfter=space_after,
    )


def block_flowables(block, caption: str = "unruled") -> list:
    if isinstance(block, Heading):
        size = HEADING_SIZES[block.level]
        heading = Paragraph(escape(block.text), style(size, keep_with_next=True))
        return ([PageBreak()] if block.page_break else []) + [heading, Spacer(0, 2 * mm)]
    if isinstance(block, Para):
        return [para_flowable(block)]
    return grid_flowables(block, caption)


def para_flowable(block: Para) -> Paragraph:
    if block.style == "title":
        return Paragraph(escape(block.text), style(18, "center", space_after=12))
    if block.style == "center":
        return Paragraph(escape(block.text), style(12, "center"))
    return Paragraph(escape(block.text), style(10.5, first_indent=21))


def grid_flowables(grid: Grid, caption: str = "unruled") -> list:
    flowables: list = [PageBreak()] if grid.page_break else []
    if grid.title_level:
        flowables.append(Paragraph(escape(grid.title), style(14, "center", keep_with_next=True)))
    elif grid.title:
        flowables.append(Paragraph(escape(grid.title), style(10.5, keep_with_next=True)))
    flowables += [Spacer(0, 1 * mm), grid_table(grid, caption), Spacer(0, 2 * mm)]
    if grid.note:
        flowables.append(Paragraph(escape(grid.note), style(10.5)))
    return flowables


def grid_table(grid: Grid, caption: str = "unruled") -> Table:
    caption_rows = [caption_row(grid, caption)] if grid.caption else []
    rows = caption_rows + grid.head + grid.body
    widths = [width * mm for width in grid.widths_mm]
    data = [[cell_flowable(cell, widths[c: c + cell.colspan]) if cell else ""
             for c, cell in enumerate(row)] for row in rows]
    repeat = len(caption_rows) + len(grid.head) if grid.head else 0
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("GRID", (0, len(caption_rows) if caption == "unruled" else 0), (-1, -1), 0.5,
         colors.black),
    ] + span_commands(rows)
    # Rows are kept whole: reportlab 5.1 splits inside a row only when it cannot split between
    # rows, and with splitByRow=0 it drops the rule under the repeated header. Rows that
    # continue on the next page are found in the LibreOffice PDFs instead.
    return Table(data, colWidths=widths, repeatRows=repeat, hAlign="CENTER", style=commands)


def span_commands(rows: list) -> list:
    return [
        ("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1))
        for r, row in enumerate(rows) for c, cell in enumerate(row)
        if cell is not None and (cell.colspan > 1 or cell.rowspan > 1)
    ]


def cell_flowable(cell: Cell, widths: list) -> Paragraph:
    size = 10 if cell.kind == "caption" else CELL_SIZE
    indent = cell.indent * 2 * size
    if cell.kind in CHARACTER_WRAPPED:
        lines = wrap_characters(cell.text, sum(widths) - 2 * PADDING, size)
        markup = "<br/>".join(escape(line) for line in lines)
    else:
        markup = escape(cell.text)
    return Paragraph(markup, style(size, cell.align, indent=indent))


def wrap_characters(text: str, width: float, size: float) -> list[str]:
    """Break a number or code wherever the column ends, as narrow PDF tables print them."""
    lines = [""]
    for character in text:
        if lines[-1] and pdfmetrics.stringWidth(lines[-1] + character, FONT, size) > width:
            lines.append("")
        lines[-1] += character
    return lines
