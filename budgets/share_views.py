"""Sharing and embedding: chart images for link previews (og:image) and one chart alone on a
page that other sites may frame (the rest of the portal refuses framing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from budgets import comparisons, selectors
from budgets.models import Disclosure, TableKind
from budgets.share_images import bar_chart_png
from budgets.views import _published_or_404

IMAGE_CACHE_SECONDS = 60 * 60 * 24 * 30
# The embed page may be framed by any site: the global policy with frame-ancestors opened.
EMBED_POLICY = settings.CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'",
                                                        "frame-ancestors *")


@dataclass(frozen=True)
class EmbedChart:
    """A chart of the department page that can be embedded, named by the table it draws."""

    name: str  # the chart's name on the department page (chart-<name>)
    kind: str  # how static/js/department.js draws it
    title: str
    data: Callable[[Disclosure], tuple[dict, str]]  # (plotly series, text alternative)


def _functions(d: Disclosure) -> tuple[dict, str]:
    tree = selectors.expenditure_by_function(d)
    return selectors.hierarchy_series(tree), selectors.describe_tree(tree, "按支出功能分类，支出")


def _economic(d: Disclosure) -> tuple[dict, str]:
    tree = selectors.expenditure_by_economic(d)
    return selectors.hierarchy_series(tree), selectors.describe_tree(tree, "按经济分类，基本支出")


def _revenue(d: Disclosure) -> tuple[dict, str]:
    shares = selectors.revenue_by_source(d)
    return selectors.shares_series(shares), selectors.describe_shares(shares, "收入来源")


def _funds(d: Disclosure) -> tuple[dict, str]:
    shares = selectors.fund_type_split(d)
    return selectors.shares_series(shares), selectors.describe_shares(shares,
                                                                       "财政拨款支出按资金性质")


def _sangong(d: Disclosure) -> tuple[dict, str]:
    rows = selectors.sangong_comparison(d, selectors.previous_year_disclosure(d))
    return selectors.sangong_series(rows, d.year), selectors.describe_sangong(rows, d.year)


EMBED_CHARTS = {
    TableKind.EXPENDITURE_BY_FUNCTION.value: EmbedChart("functions", "sunburst", "支出功能分类",
                                                        _functions),
    TableKind.BASIC_BY_ECONOMIC.value: EmbedChart("economic", "treemap", "基本支出经济分类",
                                                  _economic),
    TableKind.SUMMARY.value: EmbedChart("revenue", "pie", "收入来源", _revenue),
    TableKind.FISCAL_SUMMARY.value: EmbedChart("funds", "bar", "财政拨款支出按资金性质", _funds),
    TableKind.SANGONG.value: EmbedChart("sangong", "grouped-bar", "“三公”经费", _sangong),
}


def function_bars(disclosure: Disclosure) -> list[tuple[str, object]]:
    """(类 name, total in 万元) of the functional classes: what the preview image draws."""
    tree = selectors.expenditure_by_function(disclosure)
    return [(line.name, line.total) for line in tree.lines if line.level == 1]


def _png(body: bytes, max_age: int) -> HttpResponse:
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@require_GET
def disclosure_image(request: HttpRequest, region: str, year: int, version: int,
                     code: str | None = None, pk: int | None = None) -> HttpResponse:
    """The preview image of one version: its spending by functional class. A version's figures
    never change, so the URL (which names the version) and the cached image stay valid; a new
    version published is a new URL."""
    disclosure = selectors.public_version(region=region, year=year, version=version, code=code,
                                          pk=pk)
    if disclosure is None:
        raise Http404("没有这个公开版本")
    key = f"share:disclosure:{disclosure.pk}"
    body = cache.get(key)
    if body is None:
        department = disclosure.department
        body = bar_chart_png(department.name,
                             f"{disclosure.year}年预算 · {department.region.name} · 按支出功能分类（万元）",
                             function_bars(disclosure))
        cache.set(key, body, IMAGE_CACHE_SECONDS)
    return _png(body, IMAGE_CACHE_SECONDS)


@require_GET
def comparison_image(request: HttpRequest) -> HttpResponse:
    """The preview image of a comparison (?d=… as on the compare page): total spending of each
    compared budget. Cached by the versions compared, so a new version published draws anew."""
    selection = comparisons.disclosures_from_keys(request.GET.getlist("d"))
    disclosures = selection.disclosures
    key = "share:compare:" + "-".join(str(d.pk) for d in disclosures)
    body = cache.get(key)
    if body is None:
        bars = [(f"{d.department.name} {d.year}", _expenditure(d)) for d in disclosures]
        body = bar_chart_png("部门预算比较", "支出合计（万元）", bars)
        cache.set(key, body, IMAGE_CACHE_SECONDS)
    return _png(body, 60 * 10)


def _expenditure(disclosure: Disclosure):
    headline = next(h for h in selectors.headline_figures(disclosure) if h.key == "expenditure")
    return headline.amount or 0


@require_GET
@xframe_options_exempt
def embed_chart(request: HttpRequest, region: str, year: int, chart: str,
                code: str | None = None, pk: int | None = None) -> HttpResponse:
    """One chart of a department page, alone, with a link back: for an <iframe> on any site."""
    spec = EMBED_CHARTS.get(chart)
    if spec is None:
        raise Http404("这张表没有可嵌入的图表")
    disclosure = _published_or_404(region, year, code, pk)
    data, description = spec.data(disclosure)
    ctx = {"disclosure": disclosure, "department": disclosure.department, "chart": spec,
           "data": data, "description": description}
    response = render(request, "budgets/share/embed.html", ctx)
    response["Content-Security-Policy"] = EMBED_POLICY
    return response
