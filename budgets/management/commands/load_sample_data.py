"""Load and publish the transcribed seed disclosures (budgets/sample_data/*.yaml).

Idempotent: a file already loaded (same SHA-256) is skipped, so running it twice changes nothing.
"""

from django.core.management.base import BaseCommand

from budgets.models import SourceDocument
from budgets.sample_data import read_sample, sample_files
from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path


class Command(BaseCommand):
    help = "Load the transcribed sample disclosures and publish them."

    def handle(self, *args, **options):
        for path in sample_files():
            data, sha256 = read_sample(path)
            if SourceDocument.objects.filter(sha256=sha256, status="stored").exists():
                self.stdout.write(f"{path.name}: already loaded")
                continue
            region = region_get_or_create_path(data["document"]["region"])
            document = SourceDocument.objects.create(
                original_name=path.name, sha256=sha256, format="yaml", region=region,
                size=path.stat().st_size, status=SourceDocument.Status.STORED,
            )
            for disclosure in disclosures_store(data=data, region=region, document=document):
                disclosure_publish(disclosure=disclosure)
                self.stdout.write(
                    f"{path.name}: {disclosure} — {disclosure.figures.count()} figures, "
                    f"{disclosure.findings.count()} findings"
                )
