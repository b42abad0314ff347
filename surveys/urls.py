"""Surveys web routes: a program's surveys, their questions and results, and the page where a
mentor or mentee answers."""

from django.urls import path

from surveys import views

app_name = "surveys"

org = "o/<slug:org_slug>/"
surveys = org + "programs/<int:program_id>/surveys/"
question = org + "programs/<int:program_id>/survey-questions/<int:question_id>/"

urlpatterns = [
    path(surveys, views.program_surveys, name="program_surveys"),
    path(surveys + "suggested/", views.suggested, name="suggested"),
    path(surveys + "<int:survey_id>/results/", views.results, name="results"),
    path(surveys + "<slug:moment>/settings/", views.survey_settings, name="survey_settings"),
    path(surveys + "<slug:moment>/questions/new/", views.question_create, name="question_create"),
    path(question + "edit/", views.question_edit, name="question_edit"),
    path(question + "move/", views.question_move, name="question_move"),
    path(question + "delete/", views.question_delete, name="question_delete"),
    path(
        org + "mentorships/<int:mentorship_id>/surveys/<int:survey_id>/",
        views.respond,
        name="respond",
    ),
]
