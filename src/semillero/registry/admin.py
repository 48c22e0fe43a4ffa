"""Django admin for the registry.

Organizations, agreements and instructors are read-only here: their writes go
through the services (validated, permission-checked, audited), on the pages and the
API. Reference data (territory, classifications, training areas) is edited here.
"""

from django.contrib import admin

from .models import (
    Agreement,
    ClassificationItem,
    Department,
    District,
    Instructor,
    Municipality,
    Organization,
    OrganizationName,
    TrainingArea,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrganizationNameInline(admin.TabularInline):
    model = OrganizationName
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "type", "department", "levy_contributor"]
    list_filter = ["type", "department", "levy_contributor", "is_lead_institute"]
    search_fields = ["code", "name", "tax_id"]
    list_select_related = ["department"]
    inlines = [OrganizationNameInline]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "type", "status", "start_date", "end_date"]
    list_filter = ["type", "status"]
    search_fields = ["code", "title"]
    date_hierarchy = "start_date"


@admin.register(Instructor)
class InstructorAdmin(ReadOnlyAdmin):
    list_display = ["code", "last_name", "first_name", "organization", "active"]
    list_filter = ["active", "sex"]
    search_fields = ["code", "last_name", "first_name", "email"]
    list_select_related = ["organization"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department"]
    list_filter = ["department"]
    search_fields = ["code", "name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "municipality"]
    search_fields = ["code", "name"]
    list_select_related = ["municipality"]


@admin.register(ClassificationItem)
class ClassificationItemAdmin(admin.ModelAdmin):
    list_display = ["classification", "code", "level", "name_es", "name_en"]
    list_filter = ["classification", "level"]
    search_fields = ["code", "name_es", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(TrainingArea)
class TrainingAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
