"""Generate a synthetic national corpus of published disclosures (budgets/corpus.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from budgets.corpus import generate


def year_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    try:
        years = list(range(int(first), int(last or first) + 1))
    except ValueError as error:
        raise CommandError(f"--years takes a range such as 2023-2026, not {text!r}") from error
    if not years:
        raise CommandError(f"--years {text}: the range is empty")
    return years


class Command(BaseCommand):
    help = ("Make N published disclosures (regions, departments, units, figures, projects) "
            "whose figures satisfy every identity; the same seed never adds twice.")

    def add_arguments(self, parser):
        parser.add_argument("--disclosures", type=int, required=True)
        parser.add_argument("--years", default="2023-2026")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--chunk", type=int, default=2000,
                            help="disclosures stored per transaction")

    def handle(self, *args, disclosures, years, seed, chunk, verbosity, **options):
        started = time.perf_counter()

        def progress(done, added, figures):
            if verbosity > 1:
                self.stdout.write(f"{min(done, disclosures)}/{disclosures}: {added} added, "
                                  f"{figures} figures, {time.perf_counter() - started:.0f} s")

        added, figures = generate(disclosures=disclosures, years=year_range(years), seed=seed,
                                  chunk=chunk, progress=progress)
        self.stdout.write(f"{added} disclosures added ({disclosures - added} already there), "
                          f"{figures} figures, {time.perf_counter() - started:.1f} s")
