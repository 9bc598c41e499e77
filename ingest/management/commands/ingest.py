"""Read disclosure files (PDF, DOCX, XLSX) into draft versions, or publish them with --publish.

    manage.py ingest PATH... --region "河北省/唐山市/芦台经济开发区" [--publish]
                     [--year Y] [--department CODE] [--no-size-limit]

One line per file: department, year, units found, figures stored, findings, seconds. A file that
cannot be read gets one clear line on stderr and the exit status is non-zero; the other files
still go in. Files larger than INGEST_MAX_UPLOAD_BYTES (the upload page's limit) are refused
before they are read or kept, unless --no-size-limit.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from budgets.models import Figure, Finding
from budgets.services import region_get_or_create_path
from ingest.pipeline import ingest_file


class Command(BaseCommand):
    help = "Read disclosure files into the portal."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--region", required=True,
                            help="budget level, top first, separated by / or › (河北省/唐山市/…)")
        parser.add_argument("--publish", action="store_true", help="publish what is read")
        parser.add_argument("--year", type=int, help="refuse files for another year")
        parser.add_argument("--department", help="refuse files of another department code")
        parser.add_argument("--backend", default="pdfium",
                            choices=["pdfium", "pdfplumber", "camelot", "camelot-default"])
        parser.add_argument("--no-size-limit", action="store_true",
                            help="read files larger than INGEST_MAX_UPLOAD_BYTES too")

    def handle(self, *args, paths, region, publish, year, department, backend, no_size_limit,
               **options):
        names = [n.strip() for n in region.replace("›", "/").split("/") if n.strip()]
        region_obj = region_get_or_create_path(names)
        # The same limit as the upload page: the command line is no way around the memory and
        # time bounds that limit stands for, unless the operator says so.
        limit = None if no_size_limit else settings.INGEST_MAX_UPLOAD_BYTES
        failures = 0
        for path in paths:
            if not path.is_file():
                self.stderr.write(f"{path}: 文件不存在")
                failures += 1
                continue
            size = path.stat().st_size
            if limit is not None and size > limit:
                self.stderr.write(
                    f"{path}: 文件大小 {filesizeformat(size)}，超过上限 {filesizeformat(limit)}"
                    f"（INGEST_MAX_UPLOAD_BYTES），未读取；确需读取请加 --no-size-limit")
                failures += 1
                continue
            result = ingest_file(path, region=region_obj, publish=publish, expected_year=year,
                                 expected_code=department, backend=backend)
            if result.failed:
                self.stderr.write(f"{path}: {result.document.error}")
                failures += 1
            elif result.duplicate_of is not None:
                self.stdout.write(f"{path}: {result.document.error}")
            else:
                self.stdout.write(self.summary_line(path, result))
                for disclosure, reason in result.held:
                    self.stderr.write(f"{path}: {disclosure} 未公开，仍为草稿：{reason}")
                failures += bool(result.held)
        if failures:
            raise CommandError(f"{failures} of {len(paths)} files could not be read or published")

    @staticmethod
    def summary_line(path, result) -> str:
        main = result.disclosures[0]
        units = [d.department.code for d in result.disclosures[1:]]
        figures = Figure.objects.filter(disclosure__in=result.disclosures).count()
        findings = Finding.objects.filter(disclosure__in=result.disclosures).count()
        return (f"{path}: {main.department} {main.year}年 v{main.version} {main.get_status_display()}"
                f"; units {len(units)}{' (' + ', '.join(units) + ')' if units else ''}"
                f"; figures {figures}; findings {findings}; {result.seconds:.2f} s")
