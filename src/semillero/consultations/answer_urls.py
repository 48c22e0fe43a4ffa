"""The answering page of consultation links. Mounted at /consulta/ (public)."""

from django.urls import path

from . import answer_views

app_name = "answer"
urlpatterns = [
    path("abierta/<str:token>/", answer_views.open_link, name="open_link"),
    path("<str:token>/", answer_views.start, name="start"),
    path("<str:token>/enviar/", answer_views.send, name="send"),
    path("<str:token>/<int:number>/", answer_views.section, name="section"),
]
