"""Meetings of a mentorship: proposed times, the time agreed, notes, attendance, calendar feeds.

Times are stored in UTC and shown in each reader's time zone. A meeting is one calendar event for
its whole life: `uid` never changes and `sequence` counts its revisions, so a calendar that
imported it replaces the old version when it reads a newer one.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from organizations.models import TenantModel
from programs.models import Mentorship

TITLE_MAX_LENGTH = 120
AGENDA_MAX_LENGTH = 4000
NOTES_MAX_LENGTH = 10000
OUTCOME_MAX_LENGTH = 4000
VIDEO_LINK_MAX_LENGTH = 500

DEFAULT_VIDEO_LINK_TEMPLATE = "https://meet.jit.si/{organization}-{meeting}"


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


# Meetings that will not take place (any more).
CLOSED_MEETING_STATES = (MeetingStatus.DECLINED, MeetingStatus.CANCELLED)


class Attendance(models.TextChoices):
    HELD = "held", "We met"
    MENTEE_ABSENT = "mentee_absent", "The mentee did not come"
    MENTOR_ABSENT = "mentor_absent", "The mentor did not come"
    NOBODY_CAME = "nobody_came", "Neither of us came"


class Meeting(TenantModel):
    """A meeting of the people of one mentorship.

    It starts `proposed`, with one or more slots to choose from; someone on the other side
    accepts one (`scheduled`, with `starts_at`/`ends_at` set to it) or declines them all
    (`declined`). Rescheduling proposes new slots again: the meeting goes back to `proposed`,
    and keeps the time last agreed until another is accepted, so a calendar holding it can still
    be told of the change. Who proposed the current slots is `proposed_by`.
    """

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    agenda = models.TextField(blank=True, max_length=AGENDA_MAX_LENGTH)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PROPOSED
    )
    # The time agreed: set when a slot is accepted, kept through a reschedule or a cancellation.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    video_link = models.URLField(blank=True, max_length=VIDEO_LINK_MAX_LENGTH)
    uid = models.CharField(max_length=255, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    shared_notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    outcome = models.TextField(blank=True, max_length=OUTCOME_MAX_LENGTH)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(attendance__in=Attendance.values),
                name="meeting_attendance_valid",
            ),
            # A NULL comparison passes a check constraint: spell out "both or neither".
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__isnull=False, ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.SCHEDULED) | Q(starts_at__isnull=False),
                name="meeting_scheduled_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status=MeetingStatus.SCHEDULED),
                name="meeting_attendance_only_when_scheduled",
            ),
            models.UniqueConstraint(fields=["organization", "uid"], name="meeting_uid_unique"),
        ]
        indexes = [
            models.Index(fields=["organization", "mentorship", "status"]),
            models.Index(fields=["organization", "status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_started(self) -> bool:
        return self.starts_at is not None and self.starts_at <= timezone.now()

    @property
    def room_key(self) -> str:
        """The random part of the UID: unguessable, and the meeting's for its whole life."""
        return self.uid.partition("@")[0]


class MeetingSlot(TenantModel):
    """One time the proposer offers; the other side accepts one of them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_slot_ends_after_it_starts"
            ),
            models.UniqueConstraint(
                fields=["meeting", "starts_at"], name="meeting_slot_once_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"


class MeetingPrivateNote(TenantModel):
    """One person's own note on a meeting. Only its author ever reads it: not the others in the
    mentorship, not the program's managers, not the organisation's admins."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=NOTES_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="meeting_private_note_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Private note on meeting {self.meeting_id}"


class MeetingSettings(TenantModel):
    """How an organisation's meetings get a video link. Without a row, the default applies."""

    video_link_template = models.CharField(
        max_length=VIDEO_LINK_MAX_LENGTH, blank=True, default=DEFAULT_VIDEO_LINK_TEMPLATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "meeting settings"
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="meeting_settings_once_per_org"),
        ]

    def __str__(self) -> str:
        return f"Meeting settings of {self.organization_id}"


def hash_feed_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


class CalendarFeed(TenantModel):
    """A personal calendar address (in one organisation) that calendar apps subscribe to.

    The token in the address is the credential, so only its SHA-256 is stored: the address is
    shown once, when it is made. One address is active per person and organisation; revoking it
    makes it answer 404 for good.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["organization", "token_hash"], name="calendar_feed_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"
