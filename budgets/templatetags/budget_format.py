"""Number formatting of the public pages: 万元 with two decimals and separators, signed change."""

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from budgets.models import TableKind
from budgets.schema import COLUMN_LABELS

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def wan(value, blank: str = "—") -> str:
    """1234.5 → "1,234.50"; None → "—" (nothing printed)."""
    amount = _decimal(value)
    return blank if amount is None else f"{amount:,.2f}"


@register.filter
def signed_wan(value) -> str:
    """A change: "+7.70", "−0.88", "0.00" (a real minus sign, so it reads well)."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    if amount > 0:
        return f"+{amount:,.2f}"
    if amount < 0:
        return f"−{-amount:,.2f}"
    return "0.00"


@register.filter
def percent(value) -> str:
    amount = _decimal(value)
    return "—" if amount is None else f"{amount:.2f}%"


@register.simple_tag
def change(amount, previous, has_previous=True):
    """The change against last year, signed and coloured, with the percentage where it exists."""
    if not has_previous:
        return ""
    current, before = _decimal(amount) or Decimal(0), _decimal(previous) or Decimal(0)
    difference = current - before
    if not difference:
        return mark_safe('<span class="change flat">与上年持平</span>')
    direction, word = ("up", "增加") if difference > 0 else ("down", "减少")
    if not before:
        return format_html('<span class="change {}" title="上年为零">{} <small>(新增)</small></span>',
                           direction, signed_wan(difference))
    pct = signed_wan((difference * 100 / before).quantize(Decimal("0.01")))
    return format_html('<span class="change {}" title="比上年{}">{} <small>({}%)</small></span>',
                       direction, word, signed_wan(difference), pct)


EXTRA_COLUMN_LABELS = {"budget": "预算数", "fiscal_funds": "财政资金", "other_funds": "其他资金"}


@register.filter
def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column) or EXTRA_COLUMN_LABELS.get(column, column)


EXTRA_TABLE_LABELS = {"project": "项目绩效目标表", "narrative": "情况说明"}


@register.filter
def table_label(table: str) -> str:
    try:
        return TableKind(table).label
    except ValueError:
        return EXTRA_TABLE_LABELS.get(table, table)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def pages(table) -> str:
    """A DisclosureTable's source pages: "第 3 页", "第 3–4 页", or ""."""
    if table is None or not table.first_page:
        return ""
    if table.last_page and table.last_page != table.first_page:
        return f"第 {table.first_page}–{table.last_page} 页"
    return f"第 {table.first_page} 页"


@register.simple_tag
def disclosure_url(name: str, disclosure, **kwargs) -> str:
    """A URL of the department-year pattern: {% disclosure_url "budgets:department-source" d %}."""
    department = disclosure.department
    return reverse(name, kwargs={"region": department.region.slug, "code": department.code,
                                 "year": disclosure.year, **kwargs})


@register.simple_tag
def year_url(disclosure, year: int) -> str:
    department = disclosure.department
    return reverse("budgets:department-detail", kwargs={
        "region": department.region.slug, "code": department.code, "year": year})
