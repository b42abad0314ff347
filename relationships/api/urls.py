"""Relationships API routes: health of a mentorship and of a cohort's pairs."""

from django.urls import path

from relationships.api import views

urlpatterns = [
    path(
        "orgs/<slug:org_slug>/mentorships/<int:mentorship_id>/health/",
        views.MentorshipHealthView.as_view(),
        name="api_mentorship_health",
    ),
    path(
        "orgs/<slug:org_slug>/programs/<int:program_id>/cohorts/<int:cohort_id>/pairs/",
        views.CohortPairsView.as_view(),
        name="api_cohort_pairs",
    ),
]
