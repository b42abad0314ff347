"""Meetings API serializers.

A meeting is answered as its reader sees it (a `presentation.MeetingView`): outside the pair
(the program's managers) its title, agenda, video link, shared notes and outcome are null. A
private note is only ever answered to its author. The rules on times, texts and links live in
the services, so the request serializers take values as sent and leave them to those; they only
insist that a time says its UTC offset, since "10:00" alone means something else in every zone.
"""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from meetings.models import Attendance, MeetingStatus
from meetings.presentation import MeetingView
from meetings.rules import ACTION_PROBLEMS


class UtcDateTimeField(serializers.DateTimeField):
    """Times are answered in UTC (…Z), whoever reads them and however they signed in."""

    def __init__(self, **kwargs) -> None:
        super().__init__(default_timezone=UTC, **kwargs)


class OffsetDateTimeField(UtcDateTimeField):
    """An ISO 8601 time with its offset (2026-03-03T10:00:00+01:00, or Z for UTC)."""

    def to_internal_value(self, value):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None and timezone.is_naive(parsed):
            raise serializers.ValidationError(
                "Give the time with its UTC offset, e.g. 2026-03-03T10:00:00+01:00 or …Z."
            )
        return super().to_internal_value(value)


class SlotInputSerializer(serializers.Serializer):
    starts_at = OffsetDateTimeField()
    ends_at = OffsetDateTimeField()


class SlotSerializer(serializers.Serializer):
    """A proposed time (from a `presentation.SlotView`)."""

    id = serializers.IntegerField(source="slot.pk", help_text="Send it to accept this time.")
    starts_at = UtcDateTimeField(source="slot.starts_at")
    ends_at = UtcDateTimeField(source="slot.ends_at")
    outside_availability_of = serializers.ListField(
        child=serializers.CharField(),
        help_text="The others whose usual free time (from their profile) this time is outside.",
    )


def _pair_only(view: MeetingView, value):
    return value if view.in_pair else None


class MeetingSerializer(serializers.Serializer):
    """A meeting as you see it. Null title, agenda, video_link, shared_notes and outcome: you
    are not in the pair (a program manager or admin sees when, the status and attendance)."""

    id = serializers.IntegerField(source="meeting.pk")
    mentorship = serializers.IntegerField(source="meeting.mentorship_id")
    status = serializers.ChoiceField(source="meeting.status", choices=MeetingStatus.choices)
    title = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()
    video_link = serializers.SerializerMethodField()
    proposed_by = serializers.IntegerField(
        source="meeting.proposed_by_id",
        allow_null=True,
        help_text="The user who proposed the current times.",
    )
    slots = SlotSerializer(
        many=True, help_text="The times to choose from, while the meeting is proposed."
    )
    starts_at = UtcDateTimeField(
        source="meeting.starts_at",
        allow_null=True,
        help_text="The time agreed (UTC). Kept while new times are proposed and once cancelled.",
    )
    ends_at = UtcDateTimeField(source="meeting.ends_at", allow_null=True)
    uid = serializers.CharField(source="meeting.uid", help_text="Its calendar UID, for life.")
    sequence = serializers.IntegerField(
        source="meeting.sequence", help_text="Its calendar revision: raised by every change."
    )
    attendance = serializers.ChoiceField(
        source="meeting.attendance",
        choices=Attendance.choices,
        allow_blank=True,
        help_text="Empty until someone in the pair records it.",
    )
    outcome = serializers.SerializerMethodField()
    shared_notes = serializers.SerializerMethodField()
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ACTION_PROBLEMS)),
        help_text="What you can do now.",
    )
    created_at = UtcDateTimeField(source="meeting.created_at")
    updated_at = UtcDateTimeField(source="meeting.updated_at")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_title(self, view: MeetingView) -> str | None:
        return _pair_only(view, view.meeting.title)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_agenda(self, view: MeetingView) -> str | None:
        return _pair_only(view, view.meeting.agenda)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_video_link(self, view: MeetingView) -> str | None:
        return _pair_only(view, view.meeting.video_link)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_outcome(self, view: MeetingView) -> str | None:
        return _pair_only(view, view.meeting.outcome)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_shared_notes(self, view: MeetingView) -> str | None:
        return _pair_only(view, view.meeting.shared_notes)


class MeetingProposeSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, help_text="Required; at most 120 characters.")
    agenda = serializers.CharField(allow_blank=True, required=False, default="")
    slots = SlotInputSerializer(
        many=True,
        help_text="One to five times; each ahead, ending after it starts, at most 8 hours long.",
    )
    video_link = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="An http(s) address to paste."
    )
    generate_video_link = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Generate the link from the organisation's template instead of pasting one.",
    )


class SlotsSerializer(serializers.Serializer):
    slots = SlotInputSerializer(many=True, help_text="One to five new times to choose from.")


class AcceptSerializer(serializers.Serializer):
    slot = serializers.IntegerField(help_text="The id of one of the proposed times.")


class SharedNotesSerializer(serializers.Serializer):
    shared_notes = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="The whole text (replaces it)."
    )


class PrivateNoteSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="Only you ever read it. Empty deletes your note.",
    )
    updated_at = UtcDateTimeField(read_only=True, allow_null=True)


class AttendanceSerializer(serializers.Serializer):
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    outcome = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="What came of it, for the pair."
    )


class FreeTimeSerializer(serializers.Serializer):
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()


class FreeTimesSerializer(serializers.Serializer):
    free_times = FreeTimeSerializer(
        many=True, help_text="When everyone is usually free in the next two weeks (UTC)."
    )
    missing_availability = serializers.ListField(
        child=serializers.CharField(),
        help_text="Who did not say on their profile when they are free (then no free times).",
    )


class CalendarFeedSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    created_at = UtcDateTimeField(allow_null=True)


class NewCalendarFeedSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The address to subscribe to. Shown this once.")
    webcal_url = serializers.CharField(help_text="The same, for calendar apps (webcal://).")
    created_at = UtcDateTimeField()


class MeetingSettingsSerializer(serializers.Serializer):
    video_link_template = serializers.CharField(
        allow_blank=True,
        help_text="A web address with {organization} (the slug) and {meeting} (a random key of "
        "the meeting, required); empty turns generated links off.",
    )
