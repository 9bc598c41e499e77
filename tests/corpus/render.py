"""Render the transcribed disclosures (budgets/sample_data/*.yaml) as published files.

API (every function takes the data as loaded by `budgets.sample_data.read_sample`):

    render_docx(data, path)                 DOCX, ruled tables with merged header cells
    render_pdf_libreoffice(docx_path, dir)  that DOCX converted by LibreOffice -> PDF path
    render_pdf_reportlab(data, path)        PDF drawn by reportlab, narrow wrapping columns
    render_xlsx(data, path)                 XLSX, one sheet per table
    render_all(data, outdir, stem)          the four files above, as the CLI names them

`render_docx`, `render_pdf_reportlab` and `render_all` take `caption=` for the variants of issue
#9 (tests.corpus.layout.CAPTION_STYLES): the `<code><name>` | 预算年度 | 单位 line of each table
printed "unruled" (default, as in the seeds), or as the table's ruled first row, either three
bordered cells merged over column groups ("ruled") or one cell across the width ("merged").

Bad inputs: write_text_as_pdf, write_encrypted_pdf, write_image_only_pdf, write_truncated_pdf,
write_zip_bomb_docx, write_xlsx_with_formulas, write_unrelated_pdf; and layout_2023(data), the
same figures in the 2023 layout of the 收支总表.

CLI: python -m tests.corpus.render OUTDIR [--bad] [--caption {unruled,ruled,merged}]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from budgets.sample_data import read_sample, sample_files
from tests.corpus.bad_inputs import (
    write_encrypted_pdf,
    write_image_only_pdf,
    write_text_as_pdf,
    write_truncated_pdf,
    write_unrelated_pdf,
    write_xlsx_with_formulas,
    write_zip_bomb_docx,
)
from tests.corpus.docx_writer import render_docx
from tests.corpus.layout import CAPTION_STYLES
from tests.corpus.pdf_writer import render_pdf_reportlab
from tests.corpus.variants import layout_2023
from tests.corpus.xlsx_writer import render_xlsx

__all__ = [
    "layout_2023", "render_all", "render_docx", "render_pdf_libreoffice", "render_pdf_reportlab",
    "render_xlsx", "write_encrypted_pdf", "write_image_only_pdf", "write_text_as_pdf",
    "write_truncated_pdf", "write_unrelated_pdf", "write_xlsx_with_formulas",
    "write_zip_bomb_docx",
]

SOFFICE_TIMEOUT = 300  # seconds; a first start with a fresh profile takes a few


def render_pdf_libreoffice(docx_path, out_dir) -> Path:
    """Convert `docx_path` to PDF with headless LibreOffice; returns the PDF's path
    (`out_dir/<stem>.pdf`). Each call uses its own throw-away user profile, so that
    conversions running in parallel do not fight over one profile lock."""
    docx_path, out_dir = Path(docx_path).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
            capture_output=True, text=True, timeout=SOFFICE_TIMEOUT, check=False,
        )
    pdf = out_dir / f"{docx_path.stem}.pdf"
    # soffice exits 0 even when the conversion failed: the file is the only reliable sign.
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice did not convert {docx_path}: {result.stderr.strip()}")
    return pdf


def render_all(data: dict, outdir, stem: str,
               caption: str = "unruled") -> dict[str, tuple[Path, float]]:
    """`<stem>.docx`, `<stem>.pdf` (LibreOffice), `<stem>-reportlab.pdf`, `<stem>.xlsx` in
    `outdir`; returns each file's path and the seconds it took, by format. `caption` goes to
    the DOCX (hence the LibreOffice PDF) and reportlab writers."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    docx = outdir / f"{stem}.docx"
    steps = {
        "docx": lambda: render_docx(data, docx, caption),
        "pdf": lambda: render_pdf_libreoffice(docx, outdir),
        "reportlab": lambda: render_pdf_reportlab(data, outdir / f"{stem}-reportlab.pdf",
                                                  caption),
        "xlsx": lambda: render_xlsx(data, outdir / f"{stem}.xlsx"),
    }
    return {name: timed(step) for name, step in steps.items()}


def timed(step) -> tuple[Path, float]:
    start = time.perf_counter()
    path = step()
    return path, time.perf_counter() - start


def render_bad_inputs(data: dict, source_pdf: Path, outdir) -> list[Path]:
    """Every bad input, derived from one document, plus that document in the 2023 layout."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    old = layout_2023(data)
    return [
        write_text_as_pdf(outdir / "text-as.pdf"),
        write_encrypted_pdf(source_pdf, outdir / "encrypted.pdf"),
        write_image_only_pdf(source_pdf, outdir / "image-only.pdf"),
        write_truncated_pdf(source_pdf, outdir / "truncated.pdf"),
        write_zip_bomb_docx(outdir / "zip-bomb.docx"),
        write_xlsx_with_formulas(data, outdir / "formulas.xlsx"),
        write_unrelated_pdf(outdir / "unrelated.pdf"),
        render_docx(old, outdir / "layout-2023.docx"),
        render_pdf_reportlab(old, outdir / "layout-2023-reportlab.pdf"),
        render_xlsx(old, outdir / "layout-2023.xlsx"),
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.corpus.render",
        description="Render every budgets/sample_data/*.yaml as DOCX, PDF (LibreOffice), "
                    "PDF (reportlab) and XLSX.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--bad", action="store_true",
                        help="also write the bad inputs (zip bomb included) to OUTDIR/bad/")
    parser.add_argument("--caption", choices=CAPTION_STYLES, default="unruled",
                        help="how the line above each table is printed (issue #9)")
    args = parser.parse_args(argv)
    for sample in sample_files():
        data, _ = read_sample(sample)
        results = render_all(data, args.outdir, sample.stem, args.caption)
        print(sample.stem, " ".join(f"{name} {seconds:.2f}s" for name, (_, seconds)
                                    in results.items()))
    if args.bad:
        sample = sample_files()[-1]
        data, _ = read_sample(sample)
        source = args.outdir / f"{sample.stem}-reportlab.pdf"
        for path in render_bad_inputs(data, source, args.outdir / "bad"):
            print("bad", path.name, path.stat().st_size)


if __name__ == "__main__":
    main()
