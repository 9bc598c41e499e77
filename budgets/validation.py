"""Every check of a disclosure at once: the table identities (`identities`) and the prose
restating table figures (`narrative`), stored as findings, with how many table checks were
made (`Disclosure.identity_checks`: findings keep only the failures)."""

from budgets.identities import Cells, run_table_checks
from budgets.models import Disclosure, Finding
from budgets.narrative import narrative_findings


def validate_identities(disclosure: Disclosure) -> list[Finding]:
    """Replace the disclosure's identity findings with a fresh check of its tables and prose;
    what reading found (rule "reading") stays."""
    disclosure.findings.exclude(rule="reading").delete()
    cells = Cells.of(disclosure)
    tables = run_table_checks(disclosure, cells)
    disclosure.identity_checks = tables.runs
    disclosure.save(update_fields=["identity_checks"])
    return Finding.objects.bulk_create(tables.findings + narrative_findings(disclosure, cells))
