"""Admin for finance-bureau staff: search, filters, inlines; published figures are read-only.

Superusers can merge two records of one department (one read without a code, one with).
"""

from django.contrib import admin, messages

from budgets.models import (
    Classification,
    Department,
    DepartmentName,
    Disclosure,
    DisclosureTable,
    Figure,
    Finding,
    Indicator,
    NarrativeSection,
    OrganisationUnit,
    Project,
    Region,
    SourceDocument,
)
from budgets.services import department_merge


class ReadOnlyWhenPublishedMixin:
    """Inlines and pages whose rows belong to a disclosure that is no longer a draft."""

    def _locked(self, obj) -> bool:
        if isinstance(obj, Indicator):
            obj = obj.project
        disclosure = obj if isinstance(obj, Disclosure) else obj.disclosure
        return disclosure.status != Disclosure.Status.DRAFT

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._locked(obj):
            return False
        return super().has_delete_permission(request, obj)



class LockedInlineMixin(ReadOnlyWhenPublishedMixin):
    def has_add_permission(self, request, obj):
        if obj is not None and self._locked(obj):
            return False
        return super().has_add_permission(request, obj)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug"]
    search_fields = ["name", "slug"]
    list_filter = ["parent"]
    autocomplete_fields = ["parent"]


class DepartmentNameInline(admin.TabularInline):
    model = DepartmentName
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "parent"]
    list_filter = ["region"]
    search_fields = ["code", "name", "names__name"]
    autocomplete_fields = ["region", "parent"]
    inlines = [DepartmentNameInline]
    list_select_related = ["region", "parent"]
    actions = ["merge_departments"]

    def has_merge_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(description="合并所选部门", permissions=["merge"])
    def merge_departments(self, request, queryset):
        """Merge every selected department into the oldest one (the first created)."""
        selected = list(queryset.order_by("pk"))
        if len(selected) < 2:
            self.message_user(request, "请至少选择两个部门", messages.WARNING)
            return
        keep = selected[0]
        for merge in selected[1:]:
            merged = str(merge)
            try:
                department_merge(keep=keep, merge=merge, user=request.user)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            keep.refresh_from_db()
            self.log_change(request, keep, f"合并部门：{merged} 并入 {keep}")
            self.message_user(request, f"已将“{merged}”合并到“{keep}”", messages.SUCCESS)


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "format", "region", "status", "page_count", "uploaded_by",
                    "uploaded_at"]
    list_filter = ["status", "format", "region"]
    search_fields = ["original_name", "sha256"]
    readonly_fields = ["sha256", "size", "page_count", "uploaded_at"]
    list_select_related = ["region", "uploaded_by"]


class DisclosureTableInline(LockedInlineMixin, admin.TabularInline):
    model = DisclosureTable
    extra = 0


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["rule", "table", "code", "column", "expected", "found", "unit", "message", "page"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class NarrativeSectionInline(LockedInlineMixin, admin.StackedInline):
    model = NarrativeSection
    extra = 0


class OrganisationUnitInline(LockedInlineMixin, admin.TabularInline):
    model = OrganisationUnit
    extra = 0


class ProjectInline(LockedInlineMixin, admin.TabularInline):
    model = Project
    extra = 0
    fields = ["order", "code", "name", "budget", "fiscal_funds", "other_funds", "unit", "page"]
    show_change_link = True


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["department", "year", "version", "status", "published_at", "document"]
    list_filter = ["status", "year", "department__region"]
    search_fields = ["department__code", "department__name", "department__names__name", "title"]
    autocomplete_fields = ["department", "document"]
    readonly_fields = ["created_at", "published_at", "published_by", "superseded_at",
                       "superseded_by"]
    inlines = [DisclosureTableInline, ProjectInline, NarrativeSectionInline,
               OrganisationUnitInline, FindingInline]
    list_select_related = ["department__region", "document"]
    date_hierarchy = "created_at"


@admin.register(Figure)
class FigureAdmin(ReadOnlyWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["disclosure", "table", "code", "name", "column", "amount", "unit",
                    "amount_yuan", "page"]
    readonly_fields = ["amount_yuan"]
    list_filter = ["table", "column", "disclosure__year", "disclosure__status"]
    search_fields = ["code", "name", "disclosure__department__name"]
    autocomplete_fields = ["disclosure"]
    list_select_related = ["disclosure__department"]


class IndicatorInline(LockedInlineMixin, admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Project)
class ProjectAdmin(ReadOnlyWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["code", "name", "budget", "disclosure"]
    list_filter = ["disclosure__year", "disclosure__department__region"]
    search_fields = ["code", "name", "disclosure__department__name"]
    autocomplete_fields = ["disclosure"]
    inlines = [IndicatorInline]
    list_select_related = ["disclosure__department"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyWhenPublishedMixin, admin.ModelAdmin):
    list_display = ["project", "level1", "level2", "level3", "value"]
    list_filter = ["level1", "level2"]
    search_fields = ["level3", "description", "project__name", "project__code"]
    autocomplete_fields = ["project"]
    list_select_related = ["project"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["disclosure", "rule", "table", "code", "column", "expected", "found", "unit",
                    "page"]
    list_filter = ["rule", "table", "disclosure__year"]
    search_fields = ["message", "disclosure__department__name"]
    list_select_related = ["disclosure__department"]
    readonly_fields = ["disclosure", "rule", "table", "code", "column", "expected", "found",
                       "unit", "message", "page"]


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "year", "parent"]
    list_filter = ["kind", "year"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
