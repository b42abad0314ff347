"""What the pair writes about a meeting: shared notes, each one's private note, and afterwards
whether it took place and what came of it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings.events import meeting_held
from meetings.models import (
    NOTES_MAX_LENGTH,
    OUTCOME_MAX_LENGTH,
    Attendance,
    Meeting,
    MeetingPrivateNote,
)
from meetings.rules import attendance_problem
from meetings.services.common import locked, require_in_pair
from organizations.models import Membership
from organizations.scope import organization_scope


def _too_long(text: str, limit: int) -> str | None:
    return f"Keep it under {limit} characters ({len(text)} now)." if len(text) > limit else None


@transaction.atomic
def meeting_notes_update(*, actor: Membership, meeting: Meeting, shared_notes: str) -> Meeting:
    """The pair's shared notes: anyone in the pair rewrites them, whatever the meeting's state.
    Its program's managers never read them."""
    require_in_pair(actor, meeting.mentorship)
    text = (shared_notes or "").strip()
    if problem := _too_long(text, NOTES_MAX_LENGTH):
        raise ValidationError({"shared_notes": problem})
    with organization_scope(actor.organization):
        meeting = locked(meeting)
        meeting.shared_notes = text
        meeting.save(update_fields=["shared_notes", "updated_at"])
    return meeting


@transaction.atomic
def private_note_save(
    *, actor: Membership, meeting: Meeting, body: str
) -> MeetingPrivateNote | None:
    """Someone in the pair keeps a note of their own on the meeting; nobody else ever reads it
    (not the others in the mentorship, not its managers, not the organisation's admins). An
    empty note is deleted: returns None then."""
    require_in_pair(actor, meeting.mentorship)
    text = (body or "").strip()
    if problem := _too_long(text, NOTES_MAX_LENGTH):
        raise ValidationError({"body": problem})
    with organization_scope(actor.organization):
        if not text:
            MeetingPrivateNote.objects.filter(meeting=meeting, user_id=actor.user_id).delete()
            return None
        note, _ = MeetingPrivateNote.objects.update_or_create(
            meeting=meeting,
            user_id=actor.user_id,
            defaults={"organization": actor.organization, "body": text},
        )
    return note


@transaction.atomic
def meeting_attendance_record(
    *, actor: Membership, meeting: Meeting, attendance: str, outcome: str = ""
) -> Meeting:
    """Once a scheduled meeting has started, anyone in the pair records whether it took place
    (and who did not come) and, in their words, what came of it. Recording again replaces it.
    Program managers see the attendance, never the outcome."""
    require_in_pair(actor, meeting.mentorship)
    errors: dict[str, str] = {}
    if attendance not in Attendance.values:
        errors["attendance"] = "Choose one of the options."
    outcome = (outcome or "").strip()
    if problem := _too_long(outcome, OUTCOME_MAX_LENGTH):
        errors["outcome"] = problem
    if errors:
        raise ValidationError(errors)
    with organization_scope(actor.organization):
        meeting = locked(meeting)
        if problem := attendance_problem(meeting, actor.user_id):
            raise ValidationError(problem)
        meeting.attendance = attendance
        meeting.outcome = outcome
        meeting.attendance_recorded_at = timezone.now()
        meeting.save(
            update_fields=["attendance", "outcome", "attendance_recorded_at", "updated_at"]
        )
        if attendance == Attendance.HELD:
            meeting_held(
                meeting.organization_id,
                meeting.mentorship_id,
                timezone.localdate(meeting.starts_at),
            )
    return meeting
