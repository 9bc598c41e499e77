"""PDF → blocks. Tables by their ruling lines, text lines outside the tables as paragraphs,
in reading order, page by page.

Two table backends, measured in bench/ingest.py: pdfplumber (default: one pass gives both the
tables and the text around them) and camelot lattice with `engine="vector"` and
`split_text=True` (the settings ingest-notes found exact; its text lines still come from
pdfplumber). Pages are closed as soon as they are read so memory stays flat.
"""

import re

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from ingest.extract import ExtractedDocument, Paragraph, Table, UnreadableDocument, squeeze

PAGE_NUMBER = re.compile(r"^[-—\s]*\d{1,4}[-—\s]*$")


def _inside(obj, boxes) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _text_lines(page, boxes) -> list[tuple[float, str]]:
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = []
    for line in outside.extract_text_lines(return_chars=False):
        text = line["text"].strip()
        if text and not PAGE_NUMBER.match(text):
            lines.append((line["top"], text))
    return lines


def _plumber_tables(page) -> list[tuple[tuple, list[list[str]]]]:
    found = []
    for table in page.find_tables():
        rows = [[squeeze(cell) for cell in row] for row in table.extract()]
        found.append((table.bbox, rows))
    return found


def _camelot_tables(path, number: int, page_height: float) -> list[tuple[tuple, list[list[str]]]]:
    import camelot  # imported here: ~0.5 s and ~100 MB, only for this backend

    found = []
    for table in camelot.read_pdf(str(path), pages=str(number), flavor="lattice",
                                  engine="vector", split_text=True, suppress_stdout=True):
        x0, y0, x1, y1 = table._bbox  # PDF coordinates: origin bottom left
        rows = [[squeeze(cell) for cell in row] for row in table.df.values.tolist()]
        found.append(((x0, page_height - y1, x1, page_height - y0), rows))
    return found


def _page_blocks(path, page, number: int, backend: str) -> list:
    tables = (_camelot_tables(path, number, page.height) if backend == "camelot"
              else _plumber_tables(page))
    boxes = [bbox for bbox, _ in tables]
    items = [(top, Paragraph(text, number)) for top, text in _text_lines(page, boxes)]
    items += [(bbox[1], Table(rows, number)) for bbox, rows in tables]
    return [block for _, block in sorted(items, key=lambda item: item[0])]


def read_pdf(path, backend: str = "pdfplumber", on_page=None) -> ExtractedDocument:
    """`on_page(n, total)` is called before page n is read (progress for the staff pages)."""
    try:
        pdf = pdfplumber.open(str(path))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableDocument("PDF 已加密，无法读取：请上传未加密的文件") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError) as exc:
        raise UnreadableDocument(f"PDF 文件已损坏或不完整（{exc.__class__.__name__}）") from exc
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
        except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
            raise UnreadableDocument(f"PDF 文件已损坏或不完整（{exc.__class__.__name__}）") from exc
    if chars == 0:
        raise UnreadableDocument("PDF 没有文字层（可能是扫描件）：请上传带文字的 PDF、DOCX 或 XLSX")
    return ExtractedDocument("pdf", blocks, page_count=page_count)
