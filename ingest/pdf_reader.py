"""PDF → blocks. Tables by their ruling lines, text lines outside the tables as paragraphs,
in reading order, page by page.

Two table backends, measured in bench/ingest.py: pdfplumber (default: one pass gives both the
tables and the text around them) and camelot lattice with `engine="vector"` and
`split_text=True` (the settings ingest-notes found exact; its text lines still come from
pdfplumber). Pages are closed as soon as they are read so memory stays flat.
"""

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from ingest.aligned import aligned_tables
from ingest.extract import ExtractedDocument, Paragraph, Table, UnreadableDocument, squeeze

PAGE_NUMBER = re.compile(r"^[-—\s]*\d{1,4}[-—\s]*$")


def _inside(obj, boxes) -> bool:
    """Whether a character or word belongs to a table: placed by where it starts, as in
    `_cell_texts`, so punctuation hanging past the last ruling stays in its cell."""
    x = obj["x0"] + 0.5
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _text_lines(words: list[dict]) -> list[tuple[float, str]]:
    """Text outside the tables as (top, text) lines, in reading order.

    Header lines are often set side by side in borderless cells (`711 河北…群工` │ `预算年度：`
    │ `单位：万元`), each wrapping and vertically centred: a block of same-size text that falls
    into separate columns is read column by column, each column joined into one line."""
    words = sorted(words, key=lambda w: (w["top"], w["x0"]))
    regions: list[list[dict]] = []
    for word in words:
        last = regions[-1] if regions else None
        if last and word["size"] == last[0]["size"] and \
                word["top"] <= max(w["bottom"] for w in last) + 0.8 * word["size"]:
            last.append(word)
        else:
            regions.append([word])
    out = []
    for region in regions:
        columns = _columns(region)
        if len(columns) == 1:
            out += [(line[0]["top"], " ".join(w["text"] for w in line)) for line in _lines(region)]
        else:
            top = min(w["top"] for w in region)  # left to right, whatever each column's top
            out += [(top, "".join(w["text"] for line in _lines(column) for w in line))
                    for column in columns]
    return [(top, text) for top, text in out if not PAGE_NUMBER.match(text)]


def _columns(words: list[dict]) -> list[list[dict]]:
    """Words grouped into columns: x-ranges more than half a character apart."""
    columns: list[tuple[float, float, list]] = []
    for word in sorted(words, key=lambda w: w["x0"]):
        if columns and word["x0"] < columns[-1][1] + word["size"] / 2:
            x0, x1, members = columns[-1]
            columns[-1] = (x0, max(x1, word["x1"]), members + [word])
        else:
            columns.append((word["x0"], word["x1"], [word]))
    return [members for _, _, members in columns]


def _lines(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and word["top"] - lines[-1][0]["top"] <= word["size"] / 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _table_settings(page) -> dict:
    """Close tables cut by a page break: a row split over two pages often lacks the ruling at
    the cut, so a line is added where the page's vertical rulings start and end."""
    verticals = [e for e in page.edges if e["orientation"] == "v"]
    if not verticals:
        return {}
    return {"explicit_horizontal_lines": [min(e["top"] for e in verticals),
                                          max(e["bottom"] for e in verticals)]}


def _cell_texts(page_chars: list[dict], table) -> list[list[str]]:
    """Cell texts, each character placed by where it starts (x0) rather than its centre:
    punctuation that hangs over a ruling (、。，) belongs to the cell it ends, not the next."""
    cells = [c for row in table.rows for c in row.cells if c is not None]
    xs = sorted({x for c in cells for x in (c[0], c[2])})
    ys = sorted({y for c in cells for y in (c[1], c[3])})
    owner = {}
    for cell in cells:
        for i in range(bisect_left(xs, cell[0]), bisect_left(xs, cell[2])):
            for j in range(bisect_left(ys, cell[1]), bisect_left(ys, cell[3])):
                owner[(i, j)] = cell
    chars: dict[tuple, list] = defaultdict(list)
    x0, top, x1, bottom = table.bbox
    for char in page_chars:
        cy = (char["top"] + char["bottom"]) / 2
        if top <= cy <= bottom and x0 <= char["x0"] + 0.5 <= x1:
            key = (bisect_right(xs, char["x0"] + 0.5) - 1, bisect_right(ys, cy) - 1)
            if key in owner:
                chars[owner[key]].append(char)
    return [[_join_chars(chars.get(cell, [])) if cell is not None else "" for cell in row.cells]
            for row in table.rows]


def _join_chars(chars: list) -> str:
    """Characters in reading order: lines top to bottom, each left to right; whitespace dropped."""
    chars = sorted(chars, key=lambda c: c["top"])
    lines, line_top = [], None
    for char in chars:
        # the glyph box, not the font size: some producers scale a huge font down by the text
        # matrix, and half of that "size" would swallow every line of a wrapped cell
        height = min(char["size"], char["bottom"] - char["top"]) or char["size"]
        if line_top is None or char["top"] - line_top > height / 2:
            lines.append([])
            line_top = char["top"]
        lines[-1].append(char)
    return squeeze("".join(c["text"] for line in lines for c in sorted(line, key=lambda c: c["x0"])))


def _plumber_tables(page) -> list[tuple[tuple, list[list[str]]]]:
    return [(table.bbox, _cell_texts(page.chars, table))
            for table in page.find_tables(_table_settings(page))]


CAMELOT_SETTINGS = {
    "camelot": {"engine": "vector", "split_text": True},  # exact in ingest-notes' measurements
    "camelot-default": {},  # lattice defaults: the baseline of bench/ingest.py
}


def _camelot_tables(path, number: int, page_height: float,
                    backend: str) -> list[tuple[tuple, list[list[str]]]]:
    import camelot  # imported here: ~0.5 s and ~100 MB, only for this backend

    found = []
    for table in camelot.read_pdf(str(path), pages=str(number), flavor="lattice",
                                  suppress_stdout=True, **CAMELOT_SETTINGS[backend]):
        x0, y0, x1, y1 = table._bbox  # PDF coordinates: origin bottom left
        rows = [[squeeze(cell) for cell in row] for row in table.df.values.tolist()]
        found.append(((x0, page_height - y1, x1, page_height - y0), rows))
    return found


def _page_blocks(path, page, number: int, backend: str) -> list:
    tables = (_camelot_tables(path, number, page.height, backend) if backend in CAMELOT_SETTINGS
              else _plumber_tables(page))
    boxes = [bbox for bbox, _ in tables]
    words = [w for w in page.extract_words(extra_attrs=["size"]) if not _inside(w, boxes)]
    return page_blocks(number, tables, words)


def page_blocks(number: int, tables: list, words: list[dict]) -> list:
    """The page's ruled tables — or, on a page without any, the tables its words print by
    alignment alone — and the text lines left over, top to bottom. Only where no grid is
    ruled: beside a ruled grid, words outside it are a grid's stray pieces (cells the
    rulings missed), not a table of their own."""
    aligned = [] if tables else aligned_tables(words)
    used = {id(word) for _, _, table_words in aligned for word in table_words}
    tables = tables + [(bbox, rows) for bbox, rows, _ in aligned]
    return ordered_blocks(number, tables, _text_lines([w for w in words if id(w) not in used]))


def ordered_blocks(number: int, tables: list, lines: list[tuple[float, str]]) -> list:
    """Paragraphs and tables of one page, top to bottom."""
    items = [(top, Paragraph(text, number)) for top, text in lines]
    items += [(bbox[1], Table(rows, number)) for bbox, rows in tables]
    return [block for _, block in sorted(items, key=lambda item: item[0])]


def read_pdf(path, backend: str = "pdfplumber", on_page=None) -> ExtractedDocument:
    """The pdfplumber and camelot backends (the default one, PDFium, is `pdfium_reader`).
    `on_page(n, total)` is called before page n is read (progress for the staff pages)."""
    try:
        pdf = pdfplumber.open(str(path))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise UnreadableDocument("PDF 已加密，无法读取：请上传未加密的文件") from exc
        raise UnreadableDocument(f"PDF 文件已损坏或不完整（{cause}）") from exc
    blocks, chars = [], 0
    with pdf:
        try:
            total = len(pdf.pages)
            for number, page in enumerate(pdf.pages, start=1):
                if on_page is not None:
                    on_page(number, total)
                chars += len(page.chars)
                blocks += _page_blocks(path, page, number, backend)
                page.close()
            page_count = total
        except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError,
                TypeError) as exc:
            raise UnreadableDocument(f"PDF 文件已损坏或不完整（{exc.__class__.__name__}）") from exc
    return pdf_document(blocks, chars, page_count)


def pdf_document(blocks: list, chars: int, page_count: int) -> ExtractedDocument:
    if chars == 0:
        raise UnreadableDocument("PDF 没有文字层（可能是扫描件）：请上传带文字的 PDF、DOCX 或 XLSX")
    return ExtractedDocument("pdf", blocks, page_count=page_count)
