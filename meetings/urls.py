"""Meetings web routes."""

from django.urls import path

from meetings import views

app_name = "meetings"

prefix = "o/<slug:org_slug>/meetings/"
meeting = prefix + "<int:meeting_id>/"

urlpatterns = [
    path(
        "o/<slug:org_slug>/mentorships/<int:mentorship_id>/meetings/",
        views.mentorship_meetings,
        name="mentorship_meetings",
    ),
    path(meeting, views.meeting_detail, name="detail"),
    path(meeting + "accept/", views.meeting_accept, name="accept"),
    path(meeting + "decline/", views.meeting_decline, name="decline"),
    path(meeting + "reschedule/", views.meeting_reschedule, name="reschedule"),
    path(meeting + "cancel/", views.meeting_cancel, name="cancel"),
    path(meeting + "notes/", views.meeting_notes, name="notes"),
    path(meeting + "private-note/", views.private_note, name="private_note"),
    path(meeting + "attendance/", views.meeting_attendance, name="attendance"),
    path(meeting + "meeting.ics", views.meeting_ics, name="ics"),
    path(prefix + "calendar/", views.calendar, name="calendar"),
    path(prefix + "calendar/new/", views.calendar_create, name="calendar_create"),
    path(prefix + "calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path(prefix + "settings/", views.meeting_settings, name="settings"),
    # Read by calendar apps, without a session: the token is the credential.
    path("o/<slug:org_slug>/calendar/<slug:token>.ics", views.calendar_feed, name="feed"),
]
