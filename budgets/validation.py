"""Every check of a disclosure at once: the table identities (`identities`) and the prose
restating table figures (`narrative`), stored as findings."""

from budgets.identities import Cells, table_findings
from budgets.models import Disclosure, Finding
from budgets.narrative import narrative_findings


def validate_identities(disclosure: Disclosure) -> list[Finding]:
    """Replace the disclosure's identity findings with a fresh check of its tables and prose;
    what reading found (rule "reading") stays."""
    disclosure.findings.exclude(rule="reading").delete()
    cells = Cells.of(disclosure)
    findings = table_findings(disclosure, cells) + narrative_findings(disclosure, cells)
    return Finding.objects.bulk_create(findings)
