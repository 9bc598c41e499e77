"""python manage.py export_fdp --output budget-fdp.zip [--year 2024] [--region SLUG] …"""

from django.core.management.base import BaseCommand, CommandError

from api.fdp import write_fdp_zip
from api.filters import LineFilter
from budgets.models import Figure

# option → filter of /api/lines/ (and /api/fdp.zip)
FILTERS = ("year", "region", "department", "scope", "disclosure", "status", "table", "code",
           "code_prefix", "column")


class Command(BaseCommand):
    help = "Export the lines of a selection as a Fiscal Data Package zip (datapackage.json + CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the zip file to write")
        for name in FILTERS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name,
                                help=f"as ?{name}= of /api/lines/")

    def handle(self, *args, **options):
        selection = {name: options[name] for name in FILTERS if options.get(name)}
        lines = LineFilter(selection, queryset=Figure.objects.all())
        if not lines.is_valid():
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in lines.errors.items()))
        count = write_fdp_zip(lines.qs, options["output"], selection)
        self.stdout.write(f"{count} lines → {options['output']}")
