"""Quality and capacity pages. Mounted at /quality/ by config.urls."""

app_name = "quality"
urlpatterns: list = []
