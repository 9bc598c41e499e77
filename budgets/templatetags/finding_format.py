"""A finding's two figures named and with their units (budgets.finding_labels)."""

from decimal import Decimal

from django import template

from budgets.finding_labels import finding_labels
from budgets.selectors import printed_in_wan, printed_number

register = template.Library()


@register.inclusion_tag("budgets/_finding_figures.html")
def finding_figures(finding) -> dict:
    """Each of `expected` and `found` with its label, in 万元 and, where the table is printed
    in another unit, in that unit too."""
    unit = finding.unit or "万元"
    figures = []
    for label, amount in zip(finding_labels(finding.rule), (finding.expected, finding.found),
                             strict=True):
        if amount is None:
            continue
        amount = Decimal(amount)
        wan = printed_in_wan(amount, unit)
        in_unit = "" if unit == "万元" else f"{printed_number(amount.normalize())} {unit}"
        figures.append({"label": label, "wan": wan, "in_unit": in_unit})
    return {"figures": figures}
