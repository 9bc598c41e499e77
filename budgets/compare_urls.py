"""URLs of the comparison, ranking and across-years pages (included by budgets/urls.py, so the
names are in the `budgets` namespace: budgets:compare, budgets:ranking …)."""

from django.urls import path

from budgets import compare_views

urlpatterns = [
    path("compare/", compare_views.compare, name="compare"),
    path("compare/search.json", compare_views.compare_search, name="compare-search"),
    path("compare/comparison.csv", compare_views.compare_csv, name="compare-csv"),
    path("rankings/", compare_views.ranking, name="ranking"),
    path("rankings/ranking.csv", compare_views.ranking_csv, name="ranking-csv"),
    path("departments/<str:region>/<str:code>/history/", compare_views.department_history,
         name="department-history"),
    path("departments/<str:region>/<str:code>/history.csv", compare_views.department_history_csv,
         name="department-history-csv"),
]
