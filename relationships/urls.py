"""Relationships web routes: a mentorship's home page and its agreement and status, a
cohort's pairs, a person's own mentorships."""

from django.urls import path

from relationships import views

app_name = "relationships"

mentorship = "o/<slug:org_slug>/mentorships/<int:mentorship_id>/"

urlpatterns = [
    path(mentorship, views.mentorship_home, name="mentorship"),
    path(mentorship + "agreement/", views.agreement_edit, name="agreement_edit"),
    path(mentorship + "agreement/confirm/", views.agreement_confirm, name="agreement_confirm"),
    path(mentorship + "status/", views.mentorship_status, name="mentorship_status"),
    path(mentorship + "end/", views.mentorship_end, name="mentorship_end"),
    path(mentorship + "end/reason/", views.mentorship_end_reason, name="mentorship_end_reason"),
    path(
        "o/<slug:org_slug>/programs/<int:program_id>/cohorts/<int:cohort_id>/pairs/",
        views.cohort_pairs,
        name="cohort_pairs",
    ),
    path("o/<slug:org_slug>/my-mentorships/", views.my_mentorships, name="my_mentorships"),
]
