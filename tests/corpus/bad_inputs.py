"""Inputs an upload can carry that are not a readable disclosure; each function writes one file."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdfium2
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from tests.corpus.pdf_writer import FONT, register_font, style
from tests.corpus.xlsx_writer import render_xlsx

USER_PASSWORD = "budget-user"
OWNER_PASSWORD = "budget-owner"
BOMB_BYTES = 1100 * 1024 * 1024  # what word/document.xml expands to: more than 1 GB
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
TIMETABLE = (
    ("站序", "站名", "到达时间", "发车时间", "停留时间", "运行里程（公里）"),
    ("1", "北京南", "----", "08:00", "----", "0"),
    ("2", "天津南", "08:33", "08:35", "2分", "122"),
    ("3", "沧州西", "09:01", "09:03", "2分", "219"),
    ("4", "德州东", "09:25", "09:27", "2分", "314"),
    ("5", "济南西", "09:58", "10:02", "4分", "406"),
    ("6", "泰安", "10:20", "10:22", "2分", "465"),
    ("7", "曲阜东", "10:44", "10:46", "2分", "535"),
    ("8", "滕州东", "11:03", "11:05", "2分", "591"),
    ("9", "枣庄", "11:17", "11:19", "2分", "627"),
    ("10", "徐州东", "11:45", "11:49", "4分", "692"),
    ("11", "宿州东", "12:08", "12:10", "2分", "767"),
    ("12", "蚌埠南", "12:35", "12:38", "3分", "844"),
    ("13", "定远", "12:58", "13:00", "2分", "897"),
    ("14", "滁州", "13:20", "13:22", "2分", "959"),
    ("15", "南京南", "13:45", "13:51", "6分", "1023"),
    ("16", "镇江南", "14:12", "14:14", "2分", "1088"),
    ("17", "常州北", "14:33", "14:35", "2分", "1153"),
    ("18", "无锡东", "14:52", "14:54", "2分", "1210"),
    ("19", "苏州北", "15:08", "15:10", "2分", "1237"),
    ("20", "上海虹桥", "15:38", "----", "----", "1318"),
)


def write_text_as_pdf(path) -> Path:
    """Plain UTF-8 text under a .pdf name."""
    path = Path(path)
    path.write_text("部门预算收支总表\n这不是一个PDF文件，只是改了扩展名的纯文本。\n合计 196.76\n",
                    encoding="utf-8")
    return path


def write_encrypted_pdf(src_pdf, path, user_password: str = USER_PASSWORD) -> Path:
    """`src_pdf` encrypted (AES-256) so that it cannot be opened without `user_password`.
    Uses pypdf when installed, else the qpdf command line tool."""
    path = Path(path)
    try:
        from pypdf import PdfWriter
    except ImportError:
        qpdf = shutil.which("qpdf") or "qpdf"
        subprocess.run([qpdf, "--encrypt", user_password, OWNER_PASSWORD, "256", "--",
                        str(src_pdf), str(path)], check=True, capture_output=True)
        return path
    writer = PdfWriter(clone_from=str(src_pdf))
    writer.encrypt(user_password, OWNER_PASSWORD, algorithm="AES-256")
    with path.open("wb") as stream:
        writer.write(stream)
    return path


def write_image_only_pdf(src_pdf, path, scale: float = 1.5) -> Path:
    """Every page of `src_pdf` rasterised: a scan-like PDF without a text layer."""
    path = Path(path)
    document = pypdfium2.PdfDocument(str(src_pdf))
    try:
        images = [page.render(scale=scale, grayscale=True).to_pil() for page in document]
    finally:
        document.close()
    images[0].save(path, "PDF", save_all=True, append_images=images[1:],
                   resolution=72 * scale)
    return path


def write_truncated_pdf(src_pdf, path) -> Path:
    """The first half of the bytes of `src_pdf`: no xref table, no %%EOF."""
    path = Path(path)
    data = Path(src_pdf).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def write_zip_bomb_docx(path, expanded_bytes: int = BOMB_BYTES) -> Path:
    """A 1.1 MB .docx whose word/document.xml inflates to `expanded_bytes` (default 1.1 GB)
    of whitespace inside one text run. The zip headers state the real sizes, so a reader
    that checks them before inflating can refuse it cheaply."""
    path = Path(path)
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document '
            f'xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>').encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b" " * (4 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head)
            remaining = expanded_bytes - len(head) - len(tail)
            while remaining > 0:
                member.write(chunk[: min(remaining, len(chunk))])
                remaining -= len(chunk)
            member.write(tail)
    return path


def write_xlsx_with_formulas(data: dict, path) -> Path:
    """Like render_xlsx, but totals are =SUM(...) formulas with no cached values."""
    return render_xlsx(data, path, formulas=True)


def write_unrelated_pdf(path) -> Path:
    """A ruled-table PDF about something else: a train timetable."""
    register_font()
    path = Path(path)
    document = SimpleDocTemplate(str(path), pagesize=A4, title="G101次列车时刻表", invariant=1)
    table = Table([[Paragraph(text, style(10, "center")) for text in row] for row in TIMETABLE],
                  repeatRows=1)
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("FONT", (0, 0), (-1, -1), FONT, 10),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    document.build([Paragraph("G101次列车时刻表（北京南—上海虹桥）", style(16, "center")),
                    Spacer(0, 12), table,
                    Spacer(0, 12), Paragraph("注：时刻以车站公告为准。", style(10.5))])
    return path
