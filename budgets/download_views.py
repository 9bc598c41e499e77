""""As shown" downloads (budgets/shown_exports.py) of a department-year's tables — of the
published version and of any public (published or superseded) version — and of the directory
with its current filters."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from budgets import selectors
from budgets.filters import DirectoryFilter
from budgets.models import Disclosure, TableKind
from budgets.shown_exports import directory_sheet, sheet_csv, sheet_xlsx, table_sheet
from budgets.templatetags.budget_format import disclosure_path

WRITERS = {"csv": sheet_csv, "xlsx": sheet_xlsx}


def _writer(fmt: str):
    if fmt not in WRITERS:
        raise Http404("没有这种文件格式")
    return WRITERS[fmt]


def _table_download(disclosure: Disclosure | None, table: str, fmt: str) -> HttpResponse:
    write = _writer(fmt)
    if disclosure is None:
        raise Http404("没有这份公开的预算")
    if table not in TableKind.values:
        raise Http404("没有这张表")
    printed = next((t for t in selectors.printed_tables(disclosure) if t.table == table), None)
    if printed is None:
        raise Http404("这张表没有数据")
    department = disclosure.department
    name = (f"{department.code or f'id{department.pk}'}-{disclosure.year}-v{disclosure.version}"
            f"-{printed.label}")
    return write(table_sheet(disclosure, printed), name)


@require_GET
def table_shown(request: HttpRequest, region: str, year: int, table: str, fmt: str,
                code: str | None = None, pk: int | None = None) -> HttpResponse:
    disclosure = selectors.published_disclosure(region=region, code=code, pk=pk, year=year)
    return _table_download(disclosure, table, fmt)


@require_GET
def version_table_shown(request: HttpRequest, region: str, year: int, version: int, table: str,
                        fmt: str, code: str | None = None, pk: int | None = None) -> HttpResponse:
    disclosure = selectors.public_version(region=region, year=year, version=version, code=code,
                                          pk=pk)
    return _table_download(disclosure, table, fmt)


@require_GET
def directory_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The directory as listed with the same query string (filters and ?sort=)."""
    write = _writer(fmt)
    form = DirectoryFilter(request.GET or None)
    disclosures = form.directory()
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") in SORTABLE:
        disclosures = disclosures.order_by(sort, "department__code", "department__name")
    url = request.build_absolute_uri
    sheet = directory_sheet(disclosures, selectors.region_paths(),
                            lambda d: url(disclosure_path(d)))
    return write(sheet, "部门目录")


# ?sort= values of the directory table (budgets/tables.py) that are plain fields or annotations
SORTABLE = {"total", "basic", "project", "sangong", "year"}
