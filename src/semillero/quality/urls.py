"""Quality and capacity pages. Mounted at /quality/ by config.urls."""

from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("accreditations/", views.accreditation_list, name="accreditation_list"),
    path(
        "accreditations/new/",
        views.accreditation_create,
        name="accreditation_create",
    ),
    path(
        "accreditations/expiring/",
        views.accreditation_alerts,
        name="accreditation_alerts",
    ),
    path(
        "accreditations/<int:pk>/",
        views.accreditation_detail,
        name="accreditation_detail",
    ),
    path(
        "accreditations/<int:pk>/edit/",
        views.accreditation_update,
        name="accreditation_update",
    ),
    path(
        "programme-accreditations/",
        views.programme_accreditation_list,
        name="programme_accreditation_list",
    ),
    path(
        "programme-accreditations/new/",
        views.programme_accreditation_create,
        name="programme_accreditation_create",
    ),
    path(
        "programme-accreditations/<int:pk>/edit/",
        views.programme_accreditation_update,
        name="programme_accreditation_update",
    ),
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/new/", views.audit_create, name="audit_create"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/edit/", views.audit_update, name="audit_update"),
    path("audits/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/edit/", views.finding_update, name="finding_update"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("capacity/", views.capacity, name="capacity"),
    path("facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/edit/", views.facility_update, name="facility_update"),
]
