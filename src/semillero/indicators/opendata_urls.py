"""Open data pages, no login. Mounted at /open-data/ by config.urls."""

from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.open_data, name="index"),
    path("indicators/", views.indicator_guide, name="indicators"),
    path(
        "<slug:table_id>/<int:year>.<str:file_format>",
        views.open_data_download,
        name="download",
    ),
    path(
        "<slug:table_id>/<int:year>/metadata.json",
        views.open_data_metadata,
        name="metadata",
    ),
]
