"""Query-string filters of the API (django-filter, so the schema documents them).

Every resource hangs under a disclosure; `DisclosureScoped` filters by it whatever the path
from the row to its disclosure (`disclosure__`, `project__disclosure__`). Lines, projects,
indicators and findings are those of published versions unless a `disclosure` (any public
version, superseded ones too) or a `status` is asked for: sums over a selection then never count
a department-year twice.
"""

import django_filters as filters
from django import forms
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from budgets.models import Disclosure, Region, TableKind
from budgets.selectors import search_departments

PUBLIC = [(s.value, s.label) for s in (Disclosure.Status.PUBLISHED, Disclosure.Status.SUPERSEDED)]
MAX_ID = 2**31 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """An object id: a whole number from 1 (the schema says so, and the form checks it)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1990, "maximum": 2100})
class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1990, max_value=2100, **kwargs)
SCOPES = [("department", "部门"), ("unit", "所属单位")]


def region_ids(slug: str) -> list[int]:
    """The region named by the slug and every region below it (none for an unknown slug)."""
    region = Region.objects.filter(slug=slug).first()
    return region.descendant_ids() if region else []


class DisclosureScoped(filters.FilterSet):
    """Filters shared by everything read from disclosures. `prefix` is the lookup path from
    the filtered model to its Disclosure ("" for Disclosure itself)."""

    prefix = "disclosure__"
    published_by_default = True

    region = filters.CharFilter(method="filter_region",
                                help_text="地区网址标识（含下级地区），如 河北省-唐山市")
    year = YearFilter(method="filter_year", help_text="预算年度")
    department = filters.CharFilter(method="filter_department",
                                     help_text="部门（或单位）编码，如 711")
    department_id = IdFilter(method="filter_department_id")
    scope = filters.ChoiceFilter(choices=SCOPES, method="filter_scope",
                                 help_text="department 部门 / unit 所属单位")
    disclosure = IdFilter(method="filter_disclosure",
                          help_text="一个公开版本的 id（已被替换的版本也可）")
    status = filters.ChoiceFilter(choices=PUBLIC, method="filter_status",
                                  help_text="published（默认）或 superseded")

    def _q(self, lookup: str, value) -> Q:
        return Q(**{f"{self.prefix}{lookup}": value})

    def filter_region(self, queryset, name, value):
        return queryset.filter(self._q("department__region_id__in", region_ids(value)))

    def filter_year(self, queryset, name, value):
        return queryset.filter(self._q("year", int(value)))

    def filter_department(self, queryset, name, value):
        return queryset.filter(self._q("department__code", value))

    def filter_department_id(self, queryset, name, value):
        return queryset.filter(self._q("department_id", int(value)))

    def filter_scope(self, queryset, name, value):
        return queryset.filter(self._q("department__parent__isnull", value == "department"))

    def filter_disclosure(self, queryset, name, value):
        return queryset.filter(self._q("pk", int(value)))

    def filter_status(self, queryset, name, value):
        return queryset.filter(self._q("status", value))

    def filter_queryset(self, queryset):
        queryset = queryset.filter(self._q("status__in", [s for s, _ in PUBLIC]))
        data = self.form.cleaned_data
        if self.published_by_default and not data.get("disclosure") and not data.get("status"):
            queryset = queryset.filter(self._q("status", Disclosure.Status.PUBLISHED))
        return super().filter_queryset(queryset)


def public_only(queryset, filterset_class):
    """The rows of published and superseded versions (for a filter set hanging under them)."""
    prefix = getattr(filterset_class, "prefix", None)
    if prefix is None:
        return queryset
    return queryset.filter(**{f"{prefix}status__in": [s for s, _ in PUBLIC]})


class DisclosureFilter(DisclosureScoped):
    prefix = ""
    published_by_default = False
    q = filters.CharFilter(method="filter_search",
                           help_text="名称搜索（如目录页：芦台 群工部、人社局）")

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_departments(value)) if value.strip() else queryset


class LineFilter(DisclosureScoped):
    table = filters.ChoiceFilter(choices=TableKind.choices, help_text="九张表之一")
    code = filters.CharFilter(help_text="编码（精确），如 2080501、301、outbound")
    code_prefix = filters.CharFilter(field_name="code", lookup_expr="startswith",
                                     help_text="编码前缀，如 208（类下所有款、项）")
    column = filters.CharFilter(help_text="栏目，如 total、basic、project")


class FindingFilter(DisclosureScoped):
    table = filters.ChoiceFilter(choices=TableKind.choices)
    rule = filters.CharFilter()


class ProjectFilter(DisclosureScoped):
    code = filters.CharFilter(help_text="项目编码")


class IndicatorFilter(DisclosureScoped):
    prefix = "project__disclosure__"
    project = IdFilter(field_name="project_id")


class DepartmentFilter(filters.FilterSet):
    """Departments and units with at least one public version."""

    region = filters.CharFilter(method="filter_region",
                                help_text="地区网址标识（含下级地区）")
    code = filters.CharFilter()
    scope = filters.ChoiceFilter(choices=SCOPES, method="filter_scope")
    parent = IdFilter(field_name="parent_id",
                                  help_text="主管部门 id：其所属单位")

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_id__in=region_ids(value))

    def filter_scope(self, queryset, name, value):
        return queryset.filter(parent__isnull=value == "department")


class RegionFilter(filters.FilterSet):
    parent = filters.CharFilter(field_name="parent__slug",
                                help_text="上级地区网址标识：其直接下级")
