"""URLs of shared pieces (imports). Mounted at /imports/ by config.urls."""

app_name = "imports"
urlpatterns: list = []
