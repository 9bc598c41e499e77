"""Reads that span rows: published disclosures, a department's lines, comparisons, rankings."""

from budgets.models import Disclosure


def published_disclosures():
    return Disclosure.objects.published().select_related("department__region", "department__parent")
