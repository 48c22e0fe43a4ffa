"""Registry pages. Mounted at /registry/ by config.urls."""

app_name = "registry"
urlpatterns: list = []
