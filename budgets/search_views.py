"""/search/?q=被征地: published departments, lines, projects and KPI text (budgets/search.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from budgets.search import search_published

MAX_QUERY = 100


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = search_published(query) if query else None
    return render(request, "budgets/search.html", {"query": query, "results": results})
