"""Consultation pages of the institute. Mounted at /consultations/ by config.urls."""

from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/edit/", views.consultation_edit, name="edit"),
    path("<int:pk>/status/", views.consultation_status, name="status"),
    path("<int:pk>/groups/", views.group_save, name="group_save"),
    path(
        "<int:pk>/groups/<slug:code>/delete/", views.group_delete, name="group_delete"
    ),
    path("<int:pk>/questionnaire/", views.questionnaire, name="questionnaire"),
    path(
        "<int:pk>/questionnaire/preview/", views.questionnaire_preview, name="preview"
    ),
    path(
        "<int:pk>/questionnaire/version/", views.questionnaire_version, name="version"
    ),
    path("<int:pk>/questionnaire/sections/", views.section_add, name="section_add"),
    path(
        "<int:pk>/questionnaire/sections/<int:section_pk>/delete/",
        views.section_delete,
        name="section_delete",
    ),
    path(
        "<int:pk>/questionnaire/questions/new/",
        views.question_edit,
        name="question_add",
    ),
    path(
        "<int:pk>/questionnaire/questions/<int:question_pk>/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "<int:pk>/questionnaire/questions/<int:question_pk>/action/",
        views.question_action,
        name="question_action",
    ),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/invitations/new/", views.invite, name="invite"),
    path("<int:pk>/invitations/send/", views.send, name="send"),
    path("<int:pk>/open-links/<slug:code>/", views.open_link_create, name="open_link"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("<int:pk>/download/<slug:what>.<slug:fmt>", views.download, name="download"),
    path("<int:pk>/open/<slug:code>/", views.open_answers, name="open_answers"),
    path(
        "<int:pk>/answers/<int:answer_pk>/themes/", views.answer_tag, name="answer_tag"
    ),
    path("<int:pk>/suggestions/", views.suggestion_accept, name="suggestion_accept"),
    path("<int:pk>/import/", views.answers_import, name="import"),
]
