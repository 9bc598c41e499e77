"""Write one CSV row per KPI indicator of published disclosures (UTF-8 with BOM).

    manage.py export_indicators [--year Y] [--region R] [--output FILE]

The same CSV as the public download /downloads/indicators.csv.
"""

from budgets.exports import INDICATOR_COLUMNS, indicator_rows
from budgets.selectors import published_indicators
from ingest.management.export_command import ExportCommand


class Command(ExportCommand):
    help = "Export published KPI indicators as CSV."
    columns = INDICATOR_COLUMNS

    def rows(self, **filters):
        return indicator_rows(published_indicators(**filters))
