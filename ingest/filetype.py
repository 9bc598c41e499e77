"""What a file really is, judged by its content, and whether it is safe to open."""

import zipfile
from pathlib import Path

from ingest.extract import UnreadableDocument

# An Office file of a few MB never expands past this; a zip bomb does.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
OFFICE_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}


def _office_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
                raise UnreadableDocument(
                    f"压缩包解压后达 {unpacked // (1024 * 1024)} MB（压缩比 {unpacked // packed}:1），"
                    "疑似压缩炸弹，已拒绝读取"
                )
            names = {m.filename for m in members}
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument("文件已损坏或不完整：无法作为 DOCX/XLSX 打开") from exc
    for part, kind in OFFICE_PARTS.items():
        if part in names:
            return kind
    raise UnreadableDocument("压缩文件不是 DOCX 或 XLSX 文档")


def detect_format(path: Path) -> str:
    """'pdf', 'docx' or 'xlsx', from the file's bytes; anything else is refused."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_format(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument("旧版 Office 格式（.doc/.xls）暂不支持：请另存为 DOCX/XLSX 或 PDF")
    suffix = Path(path).suffix.lower() or "（无扩展名）"
    raise UnreadableDocument(f"文件内容不是 PDF、DOCX 或 XLSX（扩展名 {suffix} 与内容不符）")
