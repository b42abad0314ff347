"""The meetings pages, one module per area; the URLconf imports them from here."""

from meetings.views.calendar import calendar, calendar_create, calendar_feed, calendar_revoke
from meetings.views.meetings import (
    meeting_accept,
    meeting_attendance,
    meeting_cancel,
    meeting_decline,
    meeting_detail,
    meeting_ics,
    meeting_notes,
    meeting_reschedule,
    mentorship_meetings,
    private_note,
)
from meetings.views.settings import meeting_settings

__all__ = [
    "calendar",
    "calendar_create",
    "calendar_feed",
    "calendar_revoke",
    "meeting_accept",
    "meeting_attendance",
    "meeting_cancel",
    "meeting_decline",
    "meeting_detail",
    "meeting_ics",
    "meeting_notes",
    "meeting_reschedule",
    "meeting_settings",
    "mentorship_meetings",
    "private_note",
]
