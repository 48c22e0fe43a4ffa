"""The questionnaire of a personal survey link. Mounted at /encuesta/ (public)."""

from django.urls import path

from . import survey_views

app_name = "survey"
urlpatterns = [
    path("<str:token>/", survey_views.start, name="start"),
    path("<str:token>/<slug:step>/", survey_views.step, name="step"),
]
