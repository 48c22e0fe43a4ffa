"""URLs of shared pieces (imports). Mounted at /imports/ by config.urls."""

from django.urls import path

from . import import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("history/", import_views.batch_list, name="list"),
    path("<int:pk>/", import_views.detail, name="detail"),
    path("<int:pk>/progress/", import_views.progress, name="progress"),
    path("<int:pk>/bad-rows.csv", import_views.bad_rows, name="bad_rows"),
    path(
        "templates/<slug:kind>.<slug:fmt>",
        import_views.template_file,
        name="template",
    ),
]
