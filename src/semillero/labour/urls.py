"""Labour-demand pages. Mounted at /labour/ by config.urls."""

from django.urls import path

from . import views

app_name = "labour"
urlpatterns = [
    path("supply-demand/", views.supply_demand, name="supply_demand"),
]
