"""The public data dictionary page (数据字典)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from budgets import dictionary


@require_GET
def dictionary_page(request: HttpRequest) -> HttpResponse:
    ctx = {
        "downloads": dictionary.downloads(),
        "tables": dictionary.table_codes(),
        "columns": dictionary.column_codes(),
        "rows": dictionary.row_codes(),
        "classifications": dictionary.classification_lists(),
    }
    return render(request, "budgets/dictionary.html", ctx)
