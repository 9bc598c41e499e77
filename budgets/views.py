from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from budgets import selectors


def home(request: HttpRequest) -> HttpResponse:
    ctx = {"disclosures": selectors.published_disclosures()}
    return render(request, "budgets/home.html", ctx)


def department_detail(request: HttpRequest, region: str, code: str, year: int) -> HttpResponse:
    disclosure = get_object_or_404(
        selectors.published_disclosures(), department__region__slug=region,
        department__code=code, year=year,
    )
    return render(request, "budgets/department_detail.html", {"disclosure": disclosure})
