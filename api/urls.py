"""/api/: the read-only JSON API, its OpenAPI document and its browsable page."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from api import fdp, views

app_name = "api"

router = SimpleRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("disclosures", views.DisclosureViewSet, basename="disclosure")
router.register("lines", views.LineViewSet, basename="line")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("findings", views.FindingViewSet, basename="finding")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("comparison/", views.ComparisonView.as_view(), name="comparison"),
    path("rankings/", views.RankingView.as_view(), name="rankings"),
    path("fdp.zip", fdp.FiscalDataPackageView.as_view(), name="fdp"),
    *router.urls,
]
