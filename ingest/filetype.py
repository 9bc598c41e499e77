"""What a file really is, judged by its content, and whether it is safe to open."""

import zipfile
from pathlib import Path

from ingest.extract import UnreadableDocument

# An Office file of a few MB never expands past this; a zip bomb does.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
OFFICE_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
# One XML part (document.xml, a sheet, sharedStrings.xml) larger than this is refused before any
# parser sees it: python-docx builds a DOM about 18 times the XML's size (a 283 MB document.xml
# took 5.2 GB), so inside the bomb guard above a single part could still exhaust the worker.
# settings.INGEST_OOXML_PART_MAX_MB overrides it.
MAX_PART_BYTES = 40 * 1024 * 1024
MB = 1024 * 1024


def max_part_bytes() -> int:
    from django.conf import settings

    if not settings.configured:  # used outside Django (scripts): the built-in cap
        return MAX_PART_BYTES
    return int(float(getattr(settings, "INGEST_OOXML_PART_MAX_MB", MAX_PART_BYTES / MB)) * MB)


def _parsed(name: str) -> bool:
    """Parts a reader parses as XML; images and other media are only carried along."""
    return name.endswith((".xml", ".rels"))


def _too_large(name: str, size: int, cap: int) -> UnreadableDocument:
    return UnreadableDocument(
        f"文件中的部件 {name} 解压后超过 {size // MB} MB，大于单个部件的上限 {cap // MB} MB，"
        "内容过大，已拒绝读取（原件已保存）")


def _check_part_sizes(members: list[zipfile.ZipInfo], cap: int) -> None:
    for member in members:
        if _parsed(member.filename) and member.file_size > cap:
            raise _too_large(member.filename, member.file_size, cap)


def check_office_parts(path: Path, cap: int | None = None) -> None:
    """Refuse a DOCX/XLSX with an XML part larger than `cap` uncompressed, before any reader
    builds a tree from it: first by the sizes the zip directory states, then by the bytes each
    part really inflates to, streamed 1 MB at a time and counted (the directory can lie; this
    never holds more than one chunk in memory)."""
    cap = max_part_bytes() if cap is None else cap
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if _parsed(m.filename)]
            _check_part_sizes(members, cap)
            for member in members:
                inflated = 0
                with archive.open(member) as stream:
                    while chunk := stream.read(MB):
                        inflated += len(chunk)
                        if inflated > cap:
                            raise _too_large(member.filename, inflated, cap)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        # zipfile stops at the stated size and then finds the checksum wrong: a lying directory
        # ends here too.
        raise UnreadableDocument("文件已损坏或不完整：无法作为 DOCX/XLSX 打开") from exc


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
            _check_part_sizes(members, max_part_bytes())
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
