"""The public JSON API: thin views over budgets.selectors and budgets.comparisons, the same
reads the HTML pages use. Only published and superseded versions are ever read."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.views.generic import TemplateView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import filters, serializers
from api.base import PublicReadMixin
from budgets import comparisons, selectors
from budgets.compare_views import RankingFilter
from budgets.exports import LINE_ORDER
from budgets.models import Department, Disclosure, Figure, Finding, Indicator, Project, Region
from budgets.selectors import PUBLIC_VERSION_STATUSES


def public_disclosures():
    return Disclosure.objects.filter(status__in=PUBLIC_VERSION_STATUSES).select_related(
        "department__region", "department__parent")


class ReadOnly(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    def filter_queryset(self, queryset):
        # A detail URL names one row: any public version's (a superseded line too), whatever
        # the defaults of the lists; drafts and discarded versions stay out.
        if self.action == "retrieve":
            return filters.public_only(queryset, self.filterset_class)
        return super().filter_queryset(queryset)


class RegionViewSet(ReadOnly):
    """Budget levels (河北省 › 唐山市 › …), by slug."""

    queryset = Region.objects.select_related("parent").order_by("slug")
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilter
    lookup_field = "slug"
    lookup_value_regex = r"[^/\x00-\x1f\x7f]+"  # no control characters (the portal refuses them)


class DepartmentViewSet(ReadOnly):
    """Departments and units that have at least one public version."""

    serializer_class = serializers.DepartmentSerializer
    filterset_class = filters.DepartmentFilter

    def get_queryset(self):
        public = Disclosure.objects.filter(status__in=PUBLIC_VERSION_STATUSES)
        return (Department.objects.filter(Exists(public.filter(department=OuterRef("pk"))))
                .select_related("region")
                .prefetch_related(Prefetch("disclosures", queryset=public.only("department", "year"),
                                           to_attr="public_versions"))
                .order_by("region__slug", "code", "name", "pk"))


class DisclosureViewSet(ReadOnly):
    """Public versions of department-years: published ones and those they replaced."""

    filterset_class = filters.DisclosureFilter

    def get_queryset(self):
        return public_disclosures().order_by("department__region__slug", "department__code",
                                             "department__name", "-year", "-version")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.DisclosureDetailSerializer
        return serializers.DisclosureSerializer

    def retrieve(self, request, *args, **kwargs):
        disclosure = self.get_object()
        previous = selectors.previous_year_disclosure(disclosure)
        disclosure.tables_list = list(selectors.disclosure_tables(disclosure).values())
        disclosure.headline = selectors.headline_figures(disclosure, previous)
        disclosure.previous_year = previous.pk if previous else None
        return Response(serializers.DisclosureDetailSerializer(disclosure).data)

    @extend_schema(responses=serializers.SangongSerializer(many=True), filters=False)
    @action(detail=True, pagination_class=None, filterset_class=None)
    def sangong(self, request, pk=None):
        """“三公”经费 of this version, row by row in 万元, beside the previous year's
        published version (as on the department page)."""
        disclosure = self.get_object()
        previous = selectors.previous_year_disclosure(disclosure)
        rows = selectors.sangong_comparison(disclosure, previous)
        return Response(serializers.SangongSerializer(rows, many=True).data)


class LineViewSet(ReadOnly):
    """Every printed amount ("line"): as printed with its unit, and exactly in 元."""

    serializer_class = serializers.LineSerializer
    filterset_class = filters.LineFilter

    def get_queryset(self):
        return (Figure.objects.select_related("disclosure__department__region")
                .order_by(*LINE_ORDER))


class FindingViewSet(ReadOnly):
    """Identities that do not hold and prose that contradicts a table."""

    serializer_class = serializers.FindingSerializer
    filterset_class = filters.FindingFilter

    def get_queryset(self):
        return (Finding.objects.select_related("disclosure__department__region")
                .order_by("disclosure_id", "table", "code", "pk"))


class ProjectViewSet(ReadOnly):
    """Projects with their KPI indicators (绩效目标表)."""

    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter

    def get_queryset(self):
        return (Project.objects.select_related("disclosure__department__region")
                .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order")))
                .order_by("disclosure_id", "order"))


class IndicatorViewSet(ReadOnly):
    """KPI indicators, one row each (as the indicators CSV)."""

    serializer_class = serializers.IndicatorRowSerializer
    filterset_class = filters.IndicatorFilter

    def get_queryset(self):
        return (Indicator.objects.select_related("project__disclosure__department__region")
                .order_by("project__disclosure_id", "project__order", "order"))


class ComparisonView(PublicReadMixin, generics.GenericAPIView):
    """Published department-years side by side, as the comparison page (/compare/?d=…)."""

    serializer_class = serializers.ComparisonSerializer
    pagination_class = None

    @extend_schema(parameters=[
        OpenApiParameter("d", OpenApiTypes.STR, many=True, explode=True,
                         description="比较对象的键 <地区网址标识>:<编码或 id-N>:<年度>，"
                                     f"最多 {comparisons.MAX_COMPARED} 个"),
        OpenApiParameter("reference", OpenApiTypes.STR, enum=["first", "previous"],
                         description="差额参照：first 第一列（默认），previous 前一列"),
    ])
    def get(self, request):
        reference = request.query_params.get("reference") or "first"
        if reference not in ("first", "previous"):
            raise ValidationError({"reference": "first 或 previous"})
        selection = comparisons.disclosures_from_keys(request.query_params.getlist("d"))
        comparison = comparisons.build_comparison(selection.disclosures, reference=reference,
                                                  selection=selection)
        return Response(self.get_serializer(comparison).data)


RANKING_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="年度（默认最新）"),
    OpenApiParameter("region", OpenApiTypes.STR, description="地区网址标识（含下级）"),
    OpenApiParameter("measure", OpenApiTypes.STR, enum=list(comparisons.Measure.KINDS),
                     description="排名指标（默认 total）"),
    OpenApiParameter("code", OpenApiTypes.STR,
                     description="measure=function/economic 时的科目编码，如 208、30201"),
    OpenApiParameter("part", OpenApiTypes.STR, description="measure=sangong 时的三公项目"),
    OpenApiParameter("by", OpenApiTypes.STR, enum=list(comparisons.BY_CHOICES),
                     description="amount 本年数（默认）/ change 增减额 / change_percent 增减率"),
    OpenApiParameter("units", OpenApiTypes.BOOL, description="含所属单位"),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


class RankingView(PublicReadMixin, generics.GenericAPIView):
    """Departments ranked as on the rankings page (/rankings/?…, same parameters)."""

    serializer_class = serializers.RankingPageSerializer

    @extend_schema(parameters=RANKING_PARAMETERS)
    def get(self, request):
        form = RankingFilter(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        if data["year"] is None:  # nothing published yet
            return Response({"count": 0, "next": None, "previous": None, "ranking": None,
                             "results": []})
        measure = data["measure_obj"]
        result = comparisons.ranking(measure=measure, year=data["year"], region=data["region"],
                                     include_units=bool(data.get("units")), by=data["by"])
        result.measure_name = comparisons.classification_name(measure, data["year"])
        page = result.with_ranks(self.paginate_queryset(result.rows))
        meta = serializers.RankingMetaSerializer(result).data
        return self.paginator.get_paginated_response(
            serializers.RankedSerializer(page, many=True).data, ranking=meta)


class SchemaView(PublicReadMixin, SpectacularAPIView):
    """The OpenAPI 3 document (YAML by default, ?format=json for JSON)."""


class DocsView(TemplateView):
    """Swagger UI over /api/schema/, served from the portal's own static files."""

    template_name = "api/docs.html"
