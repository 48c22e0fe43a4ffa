"""Plan pages. Mounted at /plans/ by config.urls."""

from django.urls import path

from . import report_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.scorecard, name="scorecard"),
    path("<int:pk>/copy/", views.plan_copy, name="copy"),
    path("<int:pk>/status/", views.plan_status, name="status"),
    path("<int:pk>/axes/new/", views.axis_create, name="axis_create"),
    path(
        "axes/<int:axis_pk>/objectives/new/",
        views.objective_create,
        name="objective_create",
    ),
    path(
        "objectives/<int:objective_pk>/results/new/",
        views.result_create,
        name="result_create",
    ),
    path(
        "objectives/<int:objective_pk>/indicators/new/",
        views.indicator_create,
        name="indicator_create",
    ),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path(
        "indicators/<int:pk>/targets/",
        views.indicator_targets,
        name="indicator_targets",
    ),
    path(
        "indicators/<int:pk>/actuals/", views.indicator_actual, name="indicator_actual"
    ),
    path(
        "indicators/<int:pk>/narratives/",
        views.indicator_narrative,
        name="indicator_narrative",
    ),
    path("actuals/<int:pk>/review/", views.actual_review, name="actual_review"),
    path("actuals/<int:pk>/evidence/", views.actual_evidence, name="actual_evidence"),
    # The board report.
    path("<int:pk>/report/", report_views.report_request, name="report_request"),
    path("reports/<int:pk>/", report_views.report_status, name="report"),
    path("reports/<int:pk>/pdf/", report_views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/xlsx/", report_views.report_xlsx, name="report_xlsx"),
]
