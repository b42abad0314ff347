"""Every write of the meetings app, one module per area; import from here."""

from meetings.services.feeds import calendar_feed_create, calendar_feed_revoke
from meetings.services.meetings import (
    MAX_DURATION,
    MAX_SLOTS,
    Slot,
    meeting_accept,
    meeting_cancel,
    meeting_decline,
    meeting_propose,
    meeting_reschedule,
)
from meetings.services.notes import (
    meeting_attendance_record,
    meeting_notes_update,
    private_note_save,
)
from meetings.services.settings import PLACEHOLDERS, meeting_settings_update

__all__ = [
    "MAX_DURATION",
    "MAX_SLOTS",
    "PLACEHOLDERS",
    "Slot",
    "calendar_feed_create",
    "calendar_feed_revoke",
    "meeting_accept",
    "meeting_attendance_record",
    "meeting_cancel",
    "meeting_decline",
    "meeting_notes_update",
    "meeting_propose",
    "meeting_reschedule",
    "meeting_settings_update",
    "private_note_save",
]
