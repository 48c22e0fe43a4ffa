"""Training pages. Mounted at /training/ by config.urls (the public catalogue too)."""

from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    # Public: no login.
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", views.catalogue_programme, name="catalogue_programme"),
    # Programmes.
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_update, name="programme_update"),
    # Course runs and their enrolments.
    path("course-runs/", views.course_run_list, name="course_run_list"),
    path("course-runs/new/", views.course_run_create, name="course_run_create"),
    path("course-runs/<int:pk>/", views.course_run_detail, name="course_run_detail"),
    path(
        "course-runs/<int:pk>/edit/",
        views.course_run_update,
        name="course_run_update",
    ),
    path(
        "enrolments/<int:pk>/status/",
        views.enrolment_status,
        name="enrolment_status",
    ),
    # Trainees.
    path("trainees/", views.trainee_list, name="trainee_list"),
    path("trainees/<int:pk>/", views.trainee_detail, name="trainee_detail"),
    # Companies: levy against training received; training centres.
    path("companies/", views.company_list, name="company_list"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("companies/<int:pk>/levy/new/", views.levy_create, name="levy_create"),
    path("centres/<int:pk>/", views.centre_detail, name="centre_detail"),
    # Company service requests.
    path("service-requests/", views.service_request_list, name="service_request_list"),
    path(
        "service-requests/new/",
        views.service_request_create,
        name="service_request_create",
    ),
    path(
        "service-requests/<int:pk>/",
        views.service_request_detail,
        name="service_request_detail",
    ),
    path(
        "service-requests/<int:pk>/edit/",
        views.service_request_update,
        name="service_request_update",
    ),
]
