"""What export_lines and export_indicators share: filters, output file, CSV writing."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from budgets.exports import write_csv
from budgets.models import Region


class ExportCommand(BaseCommand):
    columns: list[str]

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--region", help="region slug or name (sub-regions included)")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, year, region, output, **options):
        found = None
        if region:
            found = Region.objects.filter(Q(slug=region) | Q(name=region)).first()
            if found is None:
                raise CommandError(f"unknown region: {region}")
        rows = self.rows(year=year, region=found)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                count = write_csv(rows, self.columns, stream)
            self.stderr.write(f"{count} rows written to {output}")
        else:
            write_csv(rows, self.columns, self.stdout._out)
