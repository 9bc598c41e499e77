"""Public URLs. A department is named by region and printed code
(/departments/<region>/711/2024/) or, when its documents print no code, by region and id
(/departments/<region>/id-42/2024/). Both forms share the URL names, so
``reverse("budgets:department-detail", kwargs={"region": …, "pk": 42, "year": 2024})`` works
as the code form does; budgets.templatetags.budget_format.department_kwargs picks the form."""

from django.urls import include, path

from budgets import compare_views, download_views, search_views, source_views, views

app_name = "budgets"

# The id form comes first: "id-42" would otherwise also match <str:code>.
DEPARTMENT_KEYS = ("departments/<str:region>/id-<int:pk>/", "departments/<str:region>/<str:code>/")


def department_patterns() -> list:
    patterns = []
    for department in DEPARTMENT_KEYS:
        year = department + "<int:year>/"
        patterns += [
            path(department, views.department_latest, name="department-latest"),
            path(year, views.department_detail, name="department-detail"),
            path(year + "source/", views.department_source, name="department-source"),
            path(year + "source.pdf", source_views.source_pdf, name="department-source-pdf"),
            path(year + "source/page-<int:page>/", source_views.source_page,
                 name="department-source-page"),
            path(year + "source/page-<int:page>.png", source_views.page_image,
                 name="department-source-page-image"),
            path(year + "v<int:version>/", views.department_version, name="department-version"),
            path(year + "lines.csv", views.department_lines_csv, name="department-lines-csv"),
            path(year + "indicators.csv", views.department_indicators_csv,
                 name="department-indicators-csv"),
            path(year + "tables/<str:table>.csv", views.department_table_csv,
                 name="department-table-csv"),
            path(year + "shown/<str:table>.<str:fmt>", download_views.table_shown,
                 name="department-table-shown"),
            path(year + "v<int:version>/shown/<str:table>.<str:fmt>",
                 download_views.version_table_shown, name="department-version-table-shown"),
        ]
    return patterns


urlpatterns = [
    path("", views.home, name="home"),
    path("departments/", views.department_list, name="department-list"),
    path("departments/directory.<str:fmt>", download_views.directory_download,
         name="department-list-download"),
    *department_patterns(),
    # the code form of these two is in budgets/compare_urls.py
    path("departments/<str:region>/id-<int:pk>/history/", compare_views.department_history,
         name="department-history"),
    path("departments/<str:region>/id-<int:pk>/history.csv",
         compare_views.department_history_csv, name="department-history-csv"),
    path("search/", search_views.search, name="search"),
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/lines.csv", views.lines_csv, name="lines-csv"),
    path("downloads/indicators.csv", views.indicators_csv, name="indicators-csv"),
    path("", include("budgets.compare_urls")),
    path("", include("budgets.open_urls")),
]
