"""Public pages: home, department directory, department-year pages, downloads.

Only published disclosures are visible; drafts, superseded and discarded versions are 404.
"""

from pathlib import PurePath

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from budgets import selectors, versions
from budgets.comparisons import disclosure_key
from budgets.exports import (
    INDICATOR_COLUMNS,
    LINE_COLUMNS,
    csv_response,
    indicator_rows,
    line_rows,
)
from budgets.filters import DirectoryFilter, DownloadFilter
from budgets.models import Disclosure, Figure, Indicator, TableKind
from budgets.tables import DepartmentDirectoryTable
from budgets.templatetags.budget_format import disclosure_path

PER_PAGE = 25
# Original files are served with their own type only for these; anything else (HTML, SVG, text
# …) as an opaque download.
SOURCE_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _published_or_404(region: str, year: int, code: str | None = None,
                      pk: int | None = None) -> Disclosure:
    """The published disclosure a URL names: by the department's code, or by its id."""
    disclosure = selectors.published_disclosure(region=region, code=code, pk=pk, year=year)
    if disclosure is None:
        raise Http404("没有这份已公开的预算")
    return disclosure


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    ctx = {
        "stats": selectors.portal_statistics(),
        "regions": selectors.covered_regions(),
        "recent": selectors.recent_disclosures(),
    }
    return render(request, "budgets/home.html", ctx)


@require_GET
def department_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilter(request.GET or None)
    table = DepartmentDirectoryTable(form.directory())
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "budgets/department_list.html", {"form": form, "table": table})


@require_GET
def department_latest(request: HttpRequest, region: str, code: str | None = None,
                      pk: int | None = None) -> HttpResponse:
    disclosure = selectors.latest_published_disclosure(region=region, code=code, pk=pk)
    if disclosure is None:
        raise Http404("没有这个部门的已公开预算")
    return redirect(disclosure_path(disclosure))


@require_GET
def department_detail(request: HttpRequest, region: str, year: int, code: str | None = None,
                      pk: int | None = None) -> HttpResponse:
    disclosure = _published_or_404(region, year, code, pk)
    previous = selectors.previous_year_disclosure(disclosure)
    functions = selectors.expenditure_by_function(disclosure)
    economic = selectors.expenditure_by_economic(disclosure)
    revenue = selectors.revenue_by_source(disclosure)
    funds = selectors.fund_type_split(disclosure)
    sangong = selectors.sangong_comparison(disclosure, previous)
    ctx = {
        "disclosure": disclosure,
        "department": disclosure.department,
        "region_path": selectors.region_paths()[disclosure.department.region_id],
        "part_sources": disclosure.part_sources(),
        "previous": previous,
        "years": selectors.department_years(disclosure),
        "versions": selectors.version_history(disclosure),
        "headlines": selectors.headline_figures(disclosure, previous),
        "tables": selectors.disclosure_tables(disclosure),
        "printed_tables": selectors.printed_tables(disclosure),
        "revenue": revenue,
        "revenue_by_function": selectors.revenue_by_function(disclosure),
        "functions": functions,
        "economic": economic,
        "funds": funds,
        "fund_tables": selectors.fund_tables(disclosure),
        "sangong": sangong,
        "projects": selectors.disclosure_projects(disclosure),
        "sections": selectors.disclosure_sections(disclosure),
        "organisation": selectors.disclosure_organisation(disclosure),
        "findings": selectors.disclosure_findings(disclosure),
        "compare_key": disclosure_key(disclosure),
        "units": selectors.unit_disclosures(disclosure),
        "parent": selectors.parent_disclosure(disclosure),
        "charts": {
            "functions": selectors.hierarchy_series(functions),
            "economic": selectors.hierarchy_series(economic),
            "revenue": selectors.shares_series(revenue),
            "funds": selectors.shares_series(funds),
            "sangong": selectors.sangong_series(sangong, disclosure.year),
        },
        "descriptions": {
            "functions": selectors.describe_tree(functions, "按支出功能分类，支出"),
            "economic": selectors.describe_tree(economic, "按经济分类，基本支出"),
            "revenue": selectors.describe_shares(revenue, "收入来源"),
            "funds": selectors.describe_shares(funds, "财政拨款支出按资金性质"),
            "sangong": selectors.describe_sangong(sangong, disclosure.year),
        },
    }
    return render(request, "budgets/department_detail.html", ctx)


@require_GET
def department_version(request: HttpRequest, region: str, year: int, version: int,
                       code: str | None = None, pk: int | None = None) -> HttpResponse:
    """One version of a department-year, published or superseded, at its own URL, so that
    what the public once saw stays citable after it is replaced. Drafts and discarded versions
    are 404."""
    disclosure = selectors.public_version(region=region, year=year, version=version, code=code,
                                          pk=pk)
    if disclosure is None:
        raise Http404("没有这个公开版本")
    ctx = {
        "disclosure": disclosure,
        "department": disclosure.department,
        "region_path": selectors.region_paths()[disclosure.department.region_id],
        "versions": selectors.version_history(disclosure),
        "current": selectors.published_disclosure(region=region, year=year, code=code, pk=pk),
        "tables": selectors.disclosure_tables(disclosure),
        "printed_tables": selectors.printed_tables(disclosure),
        "changes": _changes_since(disclosure),
    }
    return render(request, "budgets/version.html", ctx)


def _changes_since(disclosure):
    """What the public version that replaced `disclosure` changed; None for the current one."""
    newer = versions.replacing_version(disclosure)
    return None if newer is None else versions.version_changes(disclosure, newer)


@require_GET
def department_source(request: HttpRequest, region: str, year: int, code: str | None = None,
                      pk: int | None = None) -> FileResponse:
    """The original file, always as an attachment (never rendered inline by the browser);
    `?file=<id>` picks one of the files a version joined from several was read from."""
    disclosure = _published_or_404(region, year, code, pk)
    document = disclosure.document
    if chosen := request.GET.get("file", ""):
        document = disclosure.sources.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if document is None or not document.file:
        raise Http404("原始文件未保存")
    suffix = PurePath(document.original_name).suffix.lower()
    content_type = SOURCE_TYPES.get(suffix, "application/octet-stream")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("原始文件未保存") from error
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def _csv_name(disclosure: Disclosure, what: str) -> str:
    department = disclosure.department
    return f"{department.code or f'id{department.pk}'}-{disclosure.year}-{what}.csv"


@require_GET
def department_lines_csv(request: HttpRequest, region: str, year: int, code: str | None = None,
                         pk: int | None = None) -> HttpResponse:
    """Every figure of one department-year (or unit-year)."""
    disclosure = _published_or_404(region, year, code, pk)
    figures = Figure.objects.filter(disclosure=disclosure)
    return csv_response(_csv_name(disclosure, "lines"), LINE_COLUMNS, line_rows(figures))


@require_GET
def department_table_csv(request: HttpRequest, region: str, year: int, table: str,
                         code: str | None = None, pk: int | None = None) -> HttpResponse:
    if table not in TableKind.values:
        raise Http404("没有这张表")
    disclosure = _published_or_404(region, year, code, pk)
    figures = Figure.objects.filter(disclosure=disclosure, table=table)
    return csv_response(_csv_name(disclosure, table), LINE_COLUMNS, line_rows(figures))


@require_GET
def department_indicators_csv(request: HttpRequest, region: str, year: int,
                              code: str | None = None, pk: int | None = None) -> HttpResponse:
    disclosure = _published_or_404(region, year, code, pk)
    indicators = Indicator.objects.filter(project__disclosure=disclosure)
    return csv_response(_csv_name(disclosure, "indicators"), INDICATOR_COLUMNS,
                        indicator_rows(indicators))


@require_GET
def downloads(request: HttpRequest) -> HttpResponse:
    ctx = {"years": selectors.published_years(), "regions": selectors.covered_regions()}
    return render(request, "budgets/downloads.html", ctx)


def _download_filter(request: HttpRequest) -> DownloadFilter:
    form = DownloadFilter(request.GET)
    form.is_valid()
    return form


def _download_name(what: str, data: dict) -> str:
    parts = ["budget", what]
    if data.get("year"):
        parts.append(str(data["year"]))
    if data.get("region"):
        parts.append(f"region{data['region'].pk}")
    return "-".join(parts) + ".csv"


def _download(request: HttpRequest, what: str, read, columns, rows) -> HttpResponse:
    form = _download_filter(request)
    if form.errors:
        return HttpResponseBadRequest("参数无效：year 为年份，region 为地区网址标识。")
    return csv_response(_download_name(what, form.cleaned_data), columns,
                        rows(read(**form.cleaned_data)))


@require_GET
def lines_csv(request: HttpRequest) -> HttpResponse:
    """All published figures; ?year= and ?region=<slug> (with its sub-regions) optional."""
    return _download(request, "lines", selectors.published_figures, LINE_COLUMNS, line_rows)


@require_GET
def indicators_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "indicators", selectors.published_indicators, INDICATOR_COLUMNS,
                     indicator_rows)
