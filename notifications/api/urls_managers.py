"""Notifications API routes for managers and admins: a program's nudge settings, a
mentorship's nudges (the log, and a note to the pair) and the organisation's failed emails."""

from django.urls import path

from notifications.api import managers as views

ORG = "orgs/<slug:org_slug>/"

urlpatterns = [
    path(
        ORG + "programs/<int:program_id>/nudge-settings/",
        views.ProgramNudgeSettingsView.as_view(),
        name="api_program_nudge_settings",
    ),
    path(
        ORG + "mentorships/<int:mentorship_id>/nudges/",
        views.MentorshipNudgesView.as_view(),
        name="api_mentorship_nudges",
    ),
    path(ORG + "failed-emails/", views.FailedEmailListView.as_view(), name="api_failed_emails"),
]
