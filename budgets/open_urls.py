"""URLs of the data-quality pages, the data dictionary and sharing/embedding (issue #12),
included by budgets/urls.py; department-year routes in both forms of DEPARTMENT_KEYS."""

from django.urls import path

from budgets import dictionary_views, quality_views, share_views


def _department_year_patterns() -> list:
    from budgets.urls import DEPARTMENT_KEYS

    patterns = []
    for department in DEPARTMENT_KEYS:
        year = department + "<int:year>/"
        patterns += [
            path(year + "quality/", quality_views.disclosure_quality, name="disclosure-quality"),
            path(year + "v<int:version>/share.png", share_views.disclosure_image,
                 name="disclosure-image"),
            path(year + "embed/<str:chart>/", share_views.embed_chart, name="embed-chart"),
        ]
    return patterns


urlpatterns = [
    *_department_year_patterns(),
    path("quality/", quality_views.overview, name="quality"),
    path("data-dictionary/", dictionary_views.dictionary_page, name="data-dictionary"),
    path("compare/share.png", share_views.comparison_image, name="comparison-image"),
]
