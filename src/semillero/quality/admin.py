"""Django admin for the quality app: read-only.

Accreditations, audits, findings and facilities are written through the services
(validated, permission-checked, audited), on the pages and the API; the admin only
lets a superuser look.
"""

from django.contrib import admin

from .models import (
    Accreditation,
    Equipment,
    Facility,
    Finding,
    ProgrammeAccreditation,
    QualityAudit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Accreditation)
class AccreditationAdmin(ReadOnlyAdmin):
    list_display = ["organization", "status", "valid_from", "valid_until"]
    list_filter = ["status"]
    search_fields = ["organization__code", "organization__name", "decision_reference"]
    list_select_related = ["organization"]
    date_hierarchy = "valid_until"


@admin.register(ProgrammeAccreditation)
class ProgrammeAccreditationAdmin(ReadOnlyAdmin):
    list_display = ["organization", "programme", "status", "valid_from", "valid_until"]
    list_filter = ["status"]
    search_fields = ["organization__code", "programme__code", "programme__name"]
    list_select_related = ["organization", "programme"]


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ["severity", "description", "due_date", "status", "closed_on"]


@admin.register(QualityAudit)
class QualityAuditAdmin(ReadOnlyAdmin):
    list_display = ["organization", "audit_date", "type", "result"]
    list_filter = ["type", "result"]
    search_fields = ["organization__code", "organization__name"]
    list_select_related = ["organization"]
    date_hierarchy = "audit_date"
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["audit", "severity", "due_date", "status"]
    list_filter = ["severity", "status"]
    search_fields = ["description", "audit__organization__code"]
    list_select_related = ["audit", "audit__organization"]


class EquipmentInline(ReadOnlyInline):
    model = Equipment
    fields = ["item", "quantity", "condition"]


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "kind", "department", "available_to_share"]
    list_filter = ["kind", "available_to_share", "department"]
    search_fields = ["name", "organization__code", "organization__name"]
    list_select_related = ["organization", "department"]
    inlines = [EquipmentInline]
