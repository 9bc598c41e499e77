"""Write the nine tables as a PDF without rulings, or with only the horizontal lines of a
"three-line" table (above and below the header, under the last row): the look of a spreadsheet
printed without grid lines, which some bureaus publish (issue #9: "tables with partial or no
rulings"). Landscape A4, one table per page, cells as plain strings sized to fit (no wrapping),
numbers right-aligned; the line above each table (`<code><name>  预算年度：…  单位：万元`) as
one line of text.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

from tests.corpus.layout import Grid, document_blocks
from tests.corpus.pdf_writer import FONT, register_font, style

RULINGS = ("none", "three-line")
CELL_SIZE = 8
PADDING = 4  # pt each side: columns an em apart at least
PAGE = landscape(A4)
MARGIN = 12 * mm


def render_unruled_pdf(data: dict, path, rulings: str = "none") -> Path:
    if rulings not in RULINGS:
        raise ValueError(f"rulings {rulings!r} is not one of {RULINGS}")
    register_font()
    path = Path(path)
    document = SimpleDocTemplate(str(path), pagesize=PAGE, leftMargin=MARGIN,
                                 rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
                                 invariant=1)
    story: list = []
    for block in document_blocks(data):
        if isinstance(block, Grid) and block.sheet:  # the nine tables
            story += [Paragraph(block.title, style(14, "center")),
                      Paragraph("　　".join(t for t in block.caption if t), style(10)),
                      grid_table(block, rulings), PageBreak()]
    document.build(story)
    return path


def grid_table(grid: Grid, rulings: str) -> Table:
    rows = grid.head + grid.body
    texts = [[cell.text if cell else "" for cell in row] for row in rows]
    widths = [max([stringWidth(t, FONT, CELL_SIZE) for t in column] + [10]) + 2 * PADDING
              for column in zip(*texts, strict=True)]
    spans = [(c, r, cell) for r, row in enumerate(rows) for c, cell in enumerate(row)
             if cell is not None and (cell.colspan > 1 or cell.rowspan > 1)]
    for c in {c for c, _r, _cell in spans}:  # a spanning header's text is not its column's width
        widths[c] = max([stringWidth(texts[r][c], FONT, CELL_SIZE) + 2 * PADDING
                         for r, row in enumerate(rows) if row[c] is not None and
                         row[c].colspan == 1] + [10 + 2 * PADDING])
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is not None and cell.kind == "amount":
                commands.append(("ALIGN", (c, r), (c, r), "RIGHT"))
            elif cell is not None and cell.colspan > 1:
                commands.append(("ALIGN", (c, r), (c, r), "CENTER"))
    commands += [("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1))
                 for c, r, cell in spans]
    if rulings == "three-line":
        header_end = len(grid.head) - 1
        commands += [("LINEABOVE", (0, 0), (-1, 0), 1, colors.black),
                     ("LINEBELOW", (0, header_end), (-1, header_end), 0.5, colors.black),
                     ("LINEBELOW", (0, -1), (-1, -1), 1, colors.black)]
    return Table(texts, colWidths=widths, repeatRows=len(grid.head), style=commands)
