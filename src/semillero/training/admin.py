"""Django admin for the training app: read-only.

Every write goes through the services (validated, permission-checked, audited)
or the imports, on the pages, the API and the command line. The admin is for
looking things up; trainees show their person key, never a national ID (none is
stored).
"""

from django.contrib import admin

from .models import (
    CompanyServiceRequest,
    CourseRun,
    Enrolment,
    LevyContribution,
    Programme,
    Trainee,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "modality", "training_area", "hours", "delivery"]
    list_filter = ["modality", "delivery", "training_area"]
    search_fields = ["code", "name"]
    list_select_related = ["training_area"]


@admin.register(CourseRun)
class CourseRunAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "programme",
        "provider",
        "start_date",
        "end_date",
        "department",
        "funding",
    ]
    list_filter = ["funding", "department"]
    search_fields = ["code", "programme__name", "provider__name", "provider__code"]
    list_select_related = ["programme", "provider", "department"]
    date_hierarchy = "start_date"
    raw_id_fields = ["programme", "provider", "company"]


@admin.register(Trainee)
class TraineeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "sex", "birth_date", "department"]
    list_filter = ["sex", "department"]
    # A person key (or its start) pasted from a page or an export.
    search_fields = ["^person_key"]
    list_select_related = ["department"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["course_run", "trainee", "status", "completion_date"]
    list_filter = ["status"]
    search_fields = ["course_run__code"]
    list_select_related = ["course_run", "trainee"]
    raw_id_fields = ["course_run", "trainee"]


@admin.register(CompanyServiceRequest)
class CompanyServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ["topic", "company", "workers", "status", "requested_on"]
    list_filter = ["status"]
    search_fields = ["topic", "company__name", "company__code"]
    list_select_related = ["company"]


@admin.register(LevyContribution)
class LevyContributionAdmin(ReadOnlyAdmin):
    list_display = ["company", "period", "amount_usd"]
    search_fields = ["company__name", "company__code"]
    list_select_related = ["company"]
    date_hierarchy = "period"
