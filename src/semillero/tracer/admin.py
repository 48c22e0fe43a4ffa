"""Django admin for the tracer app: read-only.

Tracer responses and social-security records come in through the imports
(validated, audited); the admin is for looking things up. Social-security
records show their person key, never a national ID (none is stored).
"""

from django.contrib import admin

from .models import SocialSecurityRecord, TracerResponse


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TracerResponse)
class TracerResponseAdmin(ReadOnlyAdmin):
    list_display = [
        "course_run",
        "trainee",
        "followup_months",
        "responded",
        "employment_status",
        "formal",
    ]
    list_filter = ["followup_months", "responded", "employment_status", "formal"]
    search_fields = ["course_run__code"]
    list_select_related = ["course_run", "trainee"]
    raw_id_fields = ["course_run", "trainee"]


@admin.register(SocialSecurityRecord)
class SocialSecurityRecordAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "period", "employer_tax_id", "isic_section", "wage_usd"]
    list_filter = ["isic_section"]
    # A person key (or its start) pasted from a page, or an employer's tax ID.
    search_fields = ["^person_key", "employer_tax_id"]
    date_hierarchy = "period"
