"""Write every stored figure of published disclosures as long-format CSV (UTF-8 with BOM).

    manage.py export_lines [--year Y] [--region R] [--output FILE]

The same CSV as the public download /downloads/lines.csv; columns in README.md. --region takes
a region slug or name and includes its sub-regions.
"""

from budgets.exports import LINE_COLUMNS, line_rows
from budgets.selectors import published_figures
from ingest.management.export_command import ExportCommand


class Command(ExportCommand):
    help = "Export published figures as long-format CSV."
    columns = LINE_COLUMNS

    def rows(self, **filters):
        return line_rows(published_figures(**filters))
