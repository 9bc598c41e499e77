"""Public 数据质量 pages: one per published disclosure, and an overview of them all."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from budgets import quality, selectors
from budgets.filters import QualityFilter
from budgets.views import _published_or_404


@require_GET
def disclosure_quality(request: HttpRequest, region: str, year: int, code: str | None = None,
                       pk: int | None = None) -> HttpResponse:
    disclosure = _published_or_404(region, year, code, pk)
    ctx = {
        "disclosure": disclosure,
        "department": disclosure.department,
        "region_path": selectors.region_paths()[disclosure.department.region_id],
        "quality": quality.disclosure_quality(disclosure),
        # A finding links to its table's anchor on the department page where that table is shown.
        "printed_tables": {t.table for t in selectors.printed_tables(disclosure)},
    }
    return render(request, "budgets/quality/disclosure.html", ctx)


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    form = QualityFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = quality.overview_rows(region=data.get("region"), year=data.get("year"))
    rows, sort = quality.sort_rows(rows, request.GET.get("sort", quality.DEFAULT_SORT))
    # A country holds hundreds of thousands: the groups sum them all, the table shows a page.
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("page", None)
    ctx = {"form": form, "rows": quality.with_disclosures(page.object_list), "page": page,
           "page_range": page.paginator.get_elided_page_range(page.number),
           "headers": _sort_headers(query.urlencode(), sort)}
    groups = quality.group_rows(rows)  # the most failures first
    ctx.update(groups=groups[:GROUPS_SHOWN], groups_count=len(groups))
    return render(request, "budgets/quality/overview.html", ctx)


ROWS_PER_PAGE = 100
GROUPS_SHOWN = 50  # of a country's ~12,000 region-years; a chosen region narrows them
COLUMNS = (("region", "地区"), ("department", "部门"), ("year", "年度"), ("checks", "核对项"),
           ("share", "通过率"), ("failed", "未通过"), ("prose", "文表不符"), ("reading", "未能读取"))


def _sort_headers(query: str, sort: str) -> list[dict]:
    """Column headers of the overview: a link sorting by the column (again: the other way)
    and aria-sort for the current one."""
    headers = []
    for key, label in COLUMNS:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        # Counts sort most-first on the first click; names and years A→Z.
        first = key if key in ("region", "department", "year") else f"-{key}"
        target = (key if descending else f"-{key}") if current else first
        headers.append({
            "key": key, "label": label, "numeric": key not in ("region", "department", "year"),
            "url": f"?{query}&sort={target}" if query else f"?sort={target}",
            "aria_sort": ("descending" if descending else "ascending") if current else "",
        })
    return headers
