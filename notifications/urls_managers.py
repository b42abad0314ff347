"""The managers' notification pages: a program's reminders and nudges, a mentorship's nudge log
(and the note form), and the organisation's failed emails."""

from django.urls import path

from notifications import manager_views as views

app_name = "nudges"
ORG = "o/<slug:org_slug>/"

urlpatterns = [
    path(
        ORG + "programs/<int:program_id>/nudges/", views.program_settings, name="program_settings"
    ),
    path(
        ORG + "mentorships/<int:mentorship_id>/nudges/",
        views.mentorship_log,
        name="mentorship_log",
    ),
    path(ORG + "notifications/failed/", views.failed_emails, name="failed_emails"),
    path(
        ORG + "notifications/failed/<int:notification_id>/retry/",
        views.retry_email,
        name="retry_email",
    ),
]
