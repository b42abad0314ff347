"""Surveys API routes: a program's surveys and their results, and a pair's answers."""

from django.urls import path

from surveys.api import views

ORG = "orgs/<slug:org_slug>/"
SURVEYS = ORG + "programs/<int:program_id>/surveys/"

urlpatterns = [
    path(SURVEYS, views.ProgramSurveysView.as_view(), name="api_program_surveys"),
    path(
        SURVEYS + "<int:survey_id>/results/",
        views.SurveyResultsView.as_view(),
        name="api_survey_results",
    ),
    path(
        ORG + "mentorships/<int:mentorship_id>/surveys/<int:survey_id>/responses/",
        views.SurveyRespondView.as_view(),
        name="api_survey_respond",
    ),
]
