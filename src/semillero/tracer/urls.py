"""Tracer-study pages of the institute. Mounted at /tracer/ by config.urls."""

from django.urls import path

from . import views

app_name = "tracer"
urlpatterns = [
    path("", views.study_list, name="study_list"),
    path("new/", views.study_create, name="study_create"),
    path("<int:pk>/", views.study_detail, name="study_detail"),
    path("<int:pk>/draw/", views.study_draw, name="study_draw"),
    path("<int:pk>/close/", views.study_close, name="study_close"),
    path("<int:pk>/contacts/", views.contacts, name="contacts"),
    path("<int:pk>/contacts/action/", views.contacts_action, name="contacts_action"),
]
