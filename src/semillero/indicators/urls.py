"""Indicator pages. Mounted at /indicators/ by config.urls."""

from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.national_dashboard, name="dashboard"),
    path("centre/<str:code>/", views.centre_dashboard, name="centre_dashboard"),
    path("insertion/", views.insertion, name="insertion"),
    path(
        "insertion/nonresponse/",
        views.insertion_nonresponse,
        name="insertion_nonresponse",
    ),
    path("insertion/methods/", views.insertion_methods, name="insertion_methods"),
]
