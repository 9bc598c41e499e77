"""Admin for superusers: staff accounts with their region grants, jobs, and the audit log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from ingest.models import AuditEntry, IngestJob, RegionGrant

User = get_user_model()


class SuperuserOnly:
    """Only a superuser manages accounts and grants, or reads jobs and the audit log here."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class RegionGrantInline(admin.TabularInline):
    model = RegionGrant
    fk_name = "user"
    extra = 1
    autocomplete_fields = ["region"]
    fields = ["region", "granted_by", "created_at"]
    readonly_fields = ["granted_by", "created_at"]
    verbose_name = verbose_name_plural = "可管理的地区（含下级地区）"

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, RegionGrantInline]
    list_display = ["username", "last_name", "first_name", "email", "is_active", "is_superuser",
                    "granted_regions"]

    @admin.display(description="授权地区")
    def granted_regions(self, obj) -> str:
        return "；".join(str(g.region) for g in obj.region_grants.select_related("region"))

    def save_formset(self, request, form, formset, change):
        for grant in formset.save(commit=False):
            if grant.granted_by_id is None:
                grant.granted_by = request.user
            grant.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(RegionGrant)
class RegionGrantAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["user", "region", "granted_by", "created_at"]
    list_filter = ["region"]
    search_fields = ["user__username", "region__name"]
    autocomplete_fields = ["user", "region"]
    readonly_fields = ["granted_by", "created_at"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if obj.granted_by_id is None:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(SuperuserOnly, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IngestJob)
class IngestJobAdmin(ReadOnlyAdmin):
    list_display = ["document", "status", "stage", "page", "pages", "attempts", "created_by",
                    "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["document__original_name", "created_by__username"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "username", "action", "object_repr", "region"]
    list_filter = ["action", "created_at"]
    search_fields = ["username", "object_repr"]
    date_hierarchy = "created_at"
