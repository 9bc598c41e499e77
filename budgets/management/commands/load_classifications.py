"""Load the reference lists of functional and economic codes (budgets/data/classifications.yaml)."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand

from budgets.services import classifications_load

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "classifications.yaml"


class Command(BaseCommand):
    help = "Load the functional and economic classification codes. Idempotent."

    def handle(self, *args, **options):
        count = classifications_load(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))
        self.stdout.write(f"{count} classification codes loaded")
