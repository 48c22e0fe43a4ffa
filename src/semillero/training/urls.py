"""Training pages. Mounted at /training/ by config.urls (the public catalogue too)."""

app_name = "training"
urlpatterns: list = []
