"""Policy catalogue pages. Mounted at /policies/ by config.urls; reading is public."""

from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("matrix/", views.matrix, name="matrix"),
    path("compare/", views.compare, name="compare"),
    path("timeline/", views.timeline, name="timeline"),
    path("new/", views.entry_create, name="entry_create"),
    path("import/", views.catalogue_import, name="import"),
    path("export.json", views.export, {"file_format": "json"}, name="export_json"),
    path("export.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path("<slug:slug>/", views.entry_detail, name="entry_detail"),
    path("<slug:slug>/edit/", views.entry_update, name="entry_update"),
]
