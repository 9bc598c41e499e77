"""Number formatting of the public pages: 万元 with two decimals and separators, the printed
figure one hover away, signed change; and the URLs of a department, by code or by id."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from budgets.models import TableKind
from budgets.schema import COLUMN_LABELS, REVENUE_ITEM_LABELS, ROW_NAMES, SANGONG_ROWS
from budgets.selectors import printed_in_wan

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
    return blank if amount is None else f"{_cents(amount):,.2f}"


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@register.filter
def money(value, blank: str = "—") -> str:
    """An amount in 万元 as `wan` shows it; a figure read from a table (selectors.Amount) carries
    the amount and unit as printed in its title: title="原文：114,479,860 元"."""
    text = wan(value, blank)
    printed = getattr(value, "printed", "")
    if not printed:
        return text
    return format_html('<span class="money" title="原文：{}">{}</span>', printed, text)


@register.simple_tag
def printed_money(amount, unit, blank: str = "—") -> str:
    """An amount printed in `unit` (a project's 预算数, a finding's 应为/实际), shown in 万元
    with the printed figure on hover."""
    value = _decimal(amount)
    return money(printed_in_wan(value, unit or "万元") if value is not None else None, blank)


@register.filter
def signed_wan(value) -> str:
    """A change: "+7.70", "−0.88", "0.00" (a real minus sign, so it reads well)."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    if amount > 0:
        return f"+{_cents(amount):,.2f}"
    if amount < 0:
        return f"−{_cents(-amount):,.2f}"
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


ROW_LABELS = {**REVENUE_ITEM_LABELS, **SANGONG_ROWS, **ROW_NAMES}
EXTRA_TABLE_LABELS = {"project": "项目绩效目标表", "narrative": "情况说明"}


@register.filter
def table_label(table: str) -> str:
    try:
        return TableKind(table).label
    except ValueError:
        return EXTRA_TABLE_LABELS.get(table, table)


@register.filter
def row_label(code: str) -> str:
    """A row's code as a reader names it: classification codes as printed, the rows without
    one (支出总计, 一般公共预算拨款收入, 因公出国（境）费 …) by their name, never a key."""
    return ROW_LABELS.get(code, code)


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


def department_kwargs(department) -> dict:
    """URL kwargs naming a department: its printed code, or its id when no code was printed
    (/departments/<region>/711/… or /departments/<region>/id-42/…)."""
    if department.code:
        return {"region": department.region.slug, "code": department.code}
    return {"region": department.region.slug, "pk": department.pk}


def disclosure_path(disclosure, name: str = "budgets:department-detail", **kwargs) -> str:
    """A URL of the department-year pattern for this disclosure (by code, or by id)."""
    return reverse(name, kwargs={**department_kwargs(disclosure.department),
                                 "year": disclosure.year, **kwargs})


@register.simple_tag
def disclosure_url(name: str, disclosure, **kwargs) -> str:
    """A URL of the department-year pattern: {% disclosure_url "budgets:department-source" d %}."""
    return disclosure_path(disclosure, name, **kwargs)


@register.filter
def page_url(disclosure) -> str:
    """The public page of a disclosure: {{ d|page_url }} (works for departments without code)."""
    return disclosure_path(disclosure)


@register.simple_tag
def department_url(name: str, department) -> str:
    """A URL of the department pattern: {% department_url "budgets:department-history" dep %}."""
    return reverse(name, kwargs=department_kwargs(department))


@register.simple_tag
def year_url(disclosure, year: int) -> str:
    return reverse("budgets:department-detail",
                   kwargs={**department_kwargs(disclosure.department), "year": year})
