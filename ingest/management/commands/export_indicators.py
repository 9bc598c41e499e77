"""Write one CSV row per KPI indicator of published disclosures (UTF-8 with BOM).

    manage.py export_indicators [--year Y] [--region R] [--output FILE]
"""

from budgets.exports import INDICATOR_COLUMNS, indicator_rows
from budgets.models import Disclosure, Indicator
from ingest.management.export_command import ExportCommand


class Command(ExportCommand):
    help = "Export published KPI indicators as CSV."
    columns = INDICATOR_COLUMNS
    region_field = "project__disclosure__department__region__in"
    year_field = "project__disclosure__year"

    def queryset(self):
        return Indicator.objects.filter(project__disclosure__status=Disclosure.Status.PUBLISHED)

    def rows(self, queryset):
        return indicator_rows(queryset)
