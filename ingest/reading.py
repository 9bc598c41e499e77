"""The pure part of the pipeline: a file read into the records of its disclosures, in the shape
`budgets.services.disclosures_store` takes — no database. The pipeline runs it in a child
process with limits (`ingest.sandbox`); `check_documents` runs it in-process.
"""

from collections.abc import Callable
from pathlib import Path

from budgets.models import normalise_name
from ingest.docx_reader import read_docx
from ingest.extract import ExtractedDocument, UnreadableDocument
from ingest.filetype import detect_format
from ingest.pdf_reader import read_pdf
from ingest.pdfium_reader import read_pdf_pdfium
from ingest.recognise import recognise
from ingest.records import part_records
from ingest.xlsx_reader import read_xlsx

READERS = {"docx": read_docx, "xlsx": read_xlsx}

Progress = Callable[[str, int | None, int | None], None]


def read_document(path: Path, backend: str = "pdfium",
                  progress: Progress | None = None) -> ExtractedDocument:
    kind = detect_format(path)
    if kind == "pdf":
        on_page = (lambda n, total: progress("reading", n, total)) if progress else None
        if backend == "pdfium":
            return read_pdf_pdfium(path, on_page=on_page)
        return read_pdf(path, backend=backend, on_page=on_page)
    if progress:
        progress("reading", None, None)
    return READERS[kind](path)


def document_data(extracted: ExtractedDocument, *, expected_year: int | None = None,
                  expected_code: str | None = None) -> dict:
    """Recognised records of one document, in the shape `disclosures_store` takes. Refused
    only when no part of any disclosure is found, or when it is not the one expected."""
    parts = recognise(extracted)
    if not parts:
        raise UnreadableDocument(
            "文件中没有找到部门预算公开表（收支总表、收入总表……）、也没有可归属的情况说明或绩效目标表，"
            "不是部门预算公开文件")
    department = parts[0]
    if not department.name and not department.code:
        raise UnreadableDocument("文件中没有找到编制部门或单位名称（编制部门、单位名称、封面等）")
    if department.year is None:
        raise UnreadableDocument("文件中没有找到预算年度（表题、预算年度或封面）")
    if expected_year and department.year != expected_year:
        raise UnreadableDocument(f"文件是 {department.year} 年度预算，不是所选的 {expected_year} 年度")
    if expected_code and department.code and department.code != expected_code:
        raise UnreadableDocument(
            f"文件属于部门 {department.code} {department.name}，不是所选部门 {expected_code}")
    disclosures = []
    for part in parts:
        records = part_records(part)
        if len(part.years_seen) > 1:
            records[0]["reading_problems"].append(f"表题中的预算年度不一致：{sorted(part.years_seen)}")
        disclosures += records
    disclosures = one_record_per_body(disclosures)
    return {"document": {"year": department.year, "summary_layout": summary_layout(disclosures[0]),
                         "title": ""}, "disclosures": disclosures}


def one_record_per_body(records: list[dict]) -> list[dict]:
    """One disclosure per department or unit of the file: a copy printed again (a file that
    repeats the same disclosure) is read once, with a finding saying so; two different budgets
    under one name cannot both be the department's, so the file is refused."""
    kept: dict[tuple, dict] = {}
    for record in records:
        key = (record["scope"], record["code"] or normalise_name(record["name"]))
        first = kept.setdefault(key, record)
        if first is record:
            continue
        if printed_content(first) != printed_content(record):
            raise UnreadableDocument(
                f"文件中“{record['name'] or record['code']}”的预算出现了不止一次且内容不同，"
                "无法判断哪一份是准确的：请每份预算单独上传")
        first["reading_problems"].append("文件中重复印了同一份预算，只读取一次")
    return list(kept.values())


def printed_content(record: dict) -> tuple:
    """The figures a record prints, without the pages they were printed on. Prose is left
    out: the last section of one copy runs on into the cover of the next."""
    tables = {kind: spec.get("rows") for kind, spec in record["tables"].items()}
    projects = [(p.get("name"), p.get("budget"), p.get("indicators")) for p in record["projects"]]
    return repr(tables), repr(projects)


def summary_layout(record: dict) -> int:
    codes = {row[0] for row in record["tables"].get("summary", {}).get("rows", [])}
    return 2023 if codes & {"business", "superior_subsidy", "subordinate_remittance"} else 2024
