"""Link-preview metadata and embed snippets:

    {% load share %}
    {% share_meta_disclosure disclosure %}   in <head> of the department page
    {% share_meta_comparison comparison %}   in <head> of the compare page
    {% embed_snippets disclosure %}          the <iframe> snippets of a department page's charts
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from budgets import selectors
from budgets.share_views import EMBED_CHARTS
from budgets.templatetags.budget_format import disclosure_path

register = template.Library()


def _absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _wan(amount) -> str:
    return f"{amount:,.2f}" if amount is not None else "—"


@register.inclusion_tag("budgets/share/_meta.html", takes_context=True)
def share_meta_disclosure(context, disclosure):
    department = disclosure.department
    totals = {h.key: h.amount for h in selectors.headline_figures(disclosure)}
    return {
        "title": f"{department.name} {disclosure.year}年部门预算",
        "description": f"{department.region.name}{department.name}{disclosure.year}年预算：支出合计"
                       f" {_wan(totals.get('expenditure'))} 万元，基本支出 {_wan(totals.get('basic'))}"
                       f" 万元，项目支出 {_wan(totals.get('project'))} 万元。",
        "url": _absolute(context, disclosure_path(disclosure)),
        "image": _absolute(context, disclosure_path(disclosure, "budgets:disclosure-image",
                                                    version=disclosure.version)),
    }


@register.inclusion_tag("budgets/share/_meta.html", takes_context=True)
def share_meta_comparison(context, comparison):
    items = comparison.items
    query = urlencode([("d", item.key) for item in items])
    names = "、".join(f"{item.department.name}（{item.year}年）" for item in items)
    return {
        "title": "部门预算比较" + (f"：{names}" if names else ""),
        "description": f"逐项比较{names}的部门预算：收支合计、功能分类、经济分类、“三公”经费。"
                       if names else "选择部门，逐项比较各部门预算。",
        "url": _absolute(context, reverse("budgets:compare") + (f"?{query}" if query else "")),
        "image": _absolute(context, reverse("budgets:comparison-image") + f"?{query}"),
    }


@register.inclusion_tag("budgets/share/_embed_snippets.html", takes_context=True)
def embed_snippets(context, disclosure):
    """One entry per embeddable chart: its title, URL and the <iframe> to copy."""
    tables = selectors.disclosure_tables(disclosure)
    snippets = []
    for table, chart in EMBED_CHARTS.items():
        if table not in tables:
            continue
        url = _absolute(context, disclosure_path(disclosure, "budgets:embed-chart", chart=table))
        title = f"{disclosure.department.name} {disclosure.year}年 {chart.title}"
        snippets.append({"table": table, "title": chart.title, "url": url,
                         "code": f'<iframe src="{url}" width="640" height="460" title="{title}"'
                                 f' loading="lazy" style="border:0"></iframe>'})
    return {"snippets": snippets}
