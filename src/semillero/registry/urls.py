"""Registry pages. Mounted at /registry/ by config.urls."""

from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path(
        "organizations/<int:pk>/", views.organization_detail, name="organization_detail"
    ),
    path(
        "organizations/<int:pk>/edit/",
        views.organization_update,
        name="organization_update",
    ),
    path(
        "organizations/<int:pk>/rename/",
        views.organization_rename,
        name="organization_rename",
    ),
    path(
        "municipalities/options/",
        views.municipality_options,
        name="municipality_options",
    ),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_update, name="agreement_update"),
    path("network/", views.network, name="network"),
    path("instructors/", views.instructor_list, name="instructor_list"),
    path("instructors/new/", views.instructor_create, name="instructor_create"),
    path("instructors/<int:pk>/", views.instructor_detail, name="instructor_detail"),
    path(
        "instructors/<int:pk>/edit/", views.instructor_update, name="instructor_update"
    ),
]
