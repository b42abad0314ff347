"""What someone in the pair may do to a meeting now, and why not, in words. The pages show the
buttons these allow and the API lists them; the services check the same rules again under lock."""

from __future__ import annotations

from meetings.models import Meeting, MeetingStatus

CLOSED_MENTORSHIP = "This mentorship has ended: it takes no new meetings."


def accept_problem(meeting: Meeting, user_id: int) -> str | None:
    """Why this person cannot accept one of the meeting's times now, in words; None when they
    can. The times are for the other side: whoever proposed them waits for the answer."""
    if meeting.status != MeetingStatus.PROPOSED:
        return (
            f"This meeting is {meeting.get_status_display().lower()}: there is nothing to accept."
        )
    if meeting.proposed_by_id == user_id:
        return "You proposed these times: the other side chooses one."
    if not meeting.mentorship.is_open:
        return CLOSED_MENTORSHIP
    return None


def decline_problem(meeting: Meeting, user_id: int) -> str | None:
    if meeting.status != MeetingStatus.PROPOSED:
        return (
            f"This meeting is {meeting.get_status_display().lower()}: there is nothing to decline."
        )
    if meeting.proposed_by_id == user_id:
        return "You proposed these times: cancel the meeting instead."
    return None


def reschedule_problem(meeting: Meeting, user_id: int) -> str | None:
    if meeting.status not in (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED):
        return f"This meeting is {meeting.get_status_display().lower()}: propose a new one instead."
    if meeting.status == MeetingStatus.SCHEDULED and meeting.has_started:
        return "This meeting has started: record how it went instead."
    if not meeting.mentorship.is_open:
        return CLOSED_MENTORSHIP
    return None


def cancel_problem(meeting: Meeting, user_id: int) -> str | None:
    if meeting.status not in (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED):
        return f"This meeting is already {meeting.get_status_display().lower()}."
    if meeting.status == MeetingStatus.SCHEDULED and meeting.has_started:
        return (
            "This meeting has started: record how it went instead (for instance that nobody came)."
        )
    return None


def attendance_problem(meeting: Meeting, user_id: int) -> str | None:
    if meeting.status != MeetingStatus.SCHEDULED:
        return "Attendance is recorded for scheduled meetings."
    if not meeting.has_started:
        return "Record how it went once the meeting has started."
    return None


ACTION_PROBLEMS = {
    "accept": accept_problem,
    "decline": decline_problem,
    "reschedule": reschedule_problem,
    "cancel": cancel_problem,
    "record_attendance": attendance_problem,
}


def meeting_actions(meeting: Meeting, user_id: int) -> list[str]:
    """What someone in the pair can do to the meeting now (the pages show these buttons, the
    API lists them); the services check the same rules again."""
    return [name for name, problem in ACTION_PROBLEMS.items() if problem(meeting, user_id) is None]
