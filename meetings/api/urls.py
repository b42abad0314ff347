"""Meetings API routes."""

from django.urls import path

from meetings.api import views

MENTORSHIP_MEETINGS = "orgs/<slug:org_slug>/mentorships/<int:mentorship_id>/meetings/"
MEETING = "orgs/<slug:org_slug>/meetings/<int:meeting_id>/"

urlpatterns = [
    path(
        MENTORSHIP_MEETINGS,
        views.MentorshipMeetingListView.as_view(),
        name="api_mentorship_meetings",
    ),
    path(
        MENTORSHIP_MEETINGS + "free-times/",
        views.MentorshipFreeTimesView.as_view(),
        name="api_mentorship_free_times",
    ),
    path(MEETING, views.MeetingDetailView.as_view(), name="api_meeting"),
    path(MEETING + "accept/", views.MeetingAcceptView.as_view(), name="api_meeting_accept"),
    path(MEETING + "decline/", views.MeetingDeclineView.as_view(), name="api_meeting_decline"),
    path(
        MEETING + "reschedule/",
        views.MeetingRescheduleView.as_view(),
        name="api_meeting_reschedule",
    ),
    path(MEETING + "cancel/", views.MeetingCancelView.as_view(), name="api_meeting_cancel"),
    path(MEETING + "notes/", views.MeetingNotesView.as_view(), name="api_meeting_notes"),
    path(
        MEETING + "private-note/",
        views.MyPrivateNoteView.as_view(),
        name="api_meeting_private_note",
    ),
    path(
        MEETING + "attendance/",
        views.MeetingAttendanceView.as_view(),
        name="api_meeting_attendance",
    ),
    path(MEETING + "meeting.ics", views.MeetingCalendarFileView.as_view(), name="api_meeting_ics"),
    path(
        "orgs/<slug:org_slug>/my/calendar-feed/",
        views.MyCalendarFeedView.as_view(),
        name="api_calendar_feed",
    ),
    path(
        "orgs/<slug:org_slug>/meeting-settings/",
        views.MeetingSettingsView.as_view(),
        name="api_meeting_settings",
    ),
]
