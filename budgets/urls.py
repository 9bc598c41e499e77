from django.urls import include, path

from budgets import views

app_name = "budgets"

DEPARTMENT = "departments/<str:region>/<str:code>/<int:year>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("departments/", views.department_list, name="department-list"),
    path("departments/<str:region>/<str:code>/", views.department_latest,
         name="department-latest"),
    path(DEPARTMENT, views.department_detail, name="department-detail"),
    path(DEPARTMENT + "source/", views.department_source, name="department-source"),
    path(DEPARTMENT + "lines.csv", views.department_lines_csv, name="department-lines-csv"),
    path(DEPARTMENT + "indicators.csv", views.department_indicators_csv,
         name="department-indicators-csv"),
    path(DEPARTMENT + "tables/<str:table>.csv", views.department_table_csv,
         name="department-table-csv"),
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/lines.csv", views.lines_csv, name="lines-csv"),
    path("downloads/indicators.csv", views.indicators_csv, name="indicators-csv"),
    path("", include("budgets.compare_urls")),
]
