"""DOCX → blocks with python-docx. Merged cells (gridSpan/vMerge) come back once per grid
column, which is what the header matching and the KPI fill-down want."""

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from ingest.extract import ExtractedDocument, Paragraph, Table, squeeze
from ingest.filetype import check_office_parts

PAGE_BREAK = qn("w:br")


def _breaks_page(element) -> bool:
    """Explicit page breaks and Word's rendered-page markers: the only pages a DOCX knows."""
    for br in element.iter(PAGE_BREAK):
        if br.get(qn("w:type")) == "page":
            return True
    return any(True for _ in element.iter(qn("w:lastRenderedPageBreak")))


def read_docx(path) -> ExtractedDocument:
    # python-docx reads every part whole and builds its tree at once: refuse an oversized part
    # before it does (filetype.check_office_parts).
    check_office_parts(path)
    document = Document(str(path))
    blocks, page = [], 1
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = DocxParagraph(element, document).text.strip()
            if text:
                blocks.append(Paragraph(text, page))
            if _breaks_page(element):
                page += 1
        elif element.tag == qn("w:tbl"):
            table = DocxTable(element, document)
            rows = [[squeeze(cell.text) for cell in row.cells] for row in table.rows]
            blocks.append(Table(rows, page))
    return ExtractedDocument("docx", blocks, page_count=page)
