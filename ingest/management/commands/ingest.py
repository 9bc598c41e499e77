"""Read disclosure files (PDF, DOCX, XLSX) into draft versions, or publish them with --publish.

    manage.py ingest PATH... --region "河北省/唐山市/芦台经济开发区" [--publish]
                     [--year Y] [--department CODE]

One line per file: department, year, units found, figures stored, findings, seconds. A file that
cannot be read gets one clear line on stderr and the exit status is non-zero; the other files
still go in.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, paths, region, publish, year, department, backend, **options):
        names = [n.strip() for n in region.replace("›", "/").split("/") if n.strip()]
        region_obj = region_get_or_create_path(names)
        failures = 0
        for path in paths:
            if not path.is_file():
                self.stderr.write(f"{path}: 文件不存在")
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
        if failures:
            raise CommandError(f"{failures} of {len(paths)} files could not be read")

    @staticmethod
    def summary_line(path, result) -> str:
        main = result.disclosures[0]
        units = [d.department.code for d in result.disclosures[1:]]
        figures = Figure.objects.filter(disclosure__in=result.disclosures).count()
        findings = Finding.objects.filter(disclosure__in=result.disclosures).count()
        return (f"{path}: {main.department} {main.year}年 v{main.version} {main.get_status_display()}"
                f"; units {len(units)}{' (' + ', '.join(units) + ')' if units else ''}"
                f"; figures {figures}; findings {findings}; {result.seconds:.2f} s")
