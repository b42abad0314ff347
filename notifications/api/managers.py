"""Notifications API for program managers and admins: a program's nudge settings, a
mentorship's nudge log and the notes they send its pair, and the organisation's failed emails.

Every route answers 404 for what the member may not reach (missing, in another organisation,
or not theirs: one answer). A program's settings answer 403 to those who see the program but do
not run it; the failed emails answer 403 to members who are not owners or admins. The request
serializers parse types; the rules are the services' (notifications.managers), whose refusals
are 400 with each field's message.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from notifications import managers
from notifications.kinds import KINDS
from notifications.models import EmailState, Notification
from notifications.program_settings import PROGRAM_KINDS, NudgeSettings
from organizations.api.base import OrganizationScopedMixin
from organizations.api.permissions import CanManageMembers
from programs.api.views.base import MentorshipScopedMixin, ProgramScopedMixin

# Serializers ----------------------------------------------------------------------------------


def _range(name: str) -> str:
    low, high, unit = managers.TIMING_RANGES[name]
    return f"From {low} to {high} {unit}."


class NudgeKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    runs = serializers.BooleanField(help_text="False when the program switched it off.")


class NudgeSettingsSerializer(serializers.Serializer):
    """Which nudges a program runs and when. PUT replaces every field."""

    disabled = serializers.ListField(
        child=serializers.CharField(),
        help_text=f"The nudges the program does not run, of: {', '.join(PROGRAM_KINDS)}.",
    )
    inactive_days = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=(
            "Days without a message or a meeting after which the pair is reminded, each larger "
            f"than the one before: 1 to {managers.INACTIVE_DAYS_MAX_COUNT} numbers from "
            f"{managers.INACTIVE_DAYS_RANGE[0]} to {managers.INACTIVE_DAYS_RANGE[1]}. The last "
            "one also tells the program's managers (pair_escalation)."
        ),
    )
    milestone_due_days = serializers.IntegerField(
        help_text="Days before a milestone is due that its pair is reminded. "
        + _range("milestone_due_days")
    )
    agreement_after_days = serializers.IntegerField(
        help_text="Days after the match that an unconfirmed agreement is mentioned. "
        + _range("agreement_after_days")
    )
    request_expiry_hours = serializers.IntegerField(
        help_text="Hours before a mentoring request expires that its mentor is reminded. "
        + _range("request_expiry_hours")
    )
    kinds = NudgeKindSerializer(
        many=True, read_only=True, help_text="Each nudge the program can switch off, in words."
    )


def _settings_data(settings: NudgeSettings) -> dict:
    return {
        "disabled": [kind for kind in PROGRAM_KINDS if not settings.runs(kind)],
        "inactive_days": list(settings.inactive_days),
        "milestone_due_days": settings.milestone_due_days,
        "agreement_after_days": settings.agreement_after_days,
        "request_expiry_hours": settings.request_expiry_hours,
        "kinds": [
            {
                "kind": kind,
                "label": KINDS[kind].label,
                "description": KINDS[kind].description,
                "runs": settings.runs(kind),
            }
            for kind in PROGRAM_KINDS
        ],
    }


class RecipientSerializer(serializers.Serializer):
    user = serializers.IntegerField(allow_null=True, help_text="Null for an invitee.")
    name = serializers.CharField()
    role = serializers.CharField(help_text="mentor, mentee, program manager or invitee.")


class EmailSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=EmailState.choices)
    status = serializers.CharField(help_text="How the email went, in words.")
    attempts = serializers.IntegerField()
    error = serializers.CharField(
        help_text="Why the last try failed, in the mail server's words (blank if none)."
    )


class NudgeLogEntrySerializer(serializers.Serializer):
    """One notification about the mentorship: what the platform or a manager wrote, never the
    pair's own words."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    recipient = RecipientSerializer()
    email = EmailSerializer()
    in_app = serializers.BooleanField(help_text="False when the person turned the app off for it.")
    read_at = serializers.DateTimeField(allow_null=True)
    sent_by = serializers.CharField(allow_null=True, help_text="The manager of a manual nudge.")
    message = serializers.CharField(
        allow_null=True, help_text="The text of a manual nudge (its manager's words)."
    )


def _email(row: Notification, email: managers.EmailStatus) -> dict:
    return {
        "state": row.email_state,
        "status": email.text,
        "attempts": row.email_attempts,
        "error": row.email_error,
    }


def _entry_data(entry: managers.LogEntry) -> dict:
    row = entry.notification
    return {
        "id": row.pk,
        "created_at": row.created_at,
        "kind": row.kind,
        "kind_label": entry.kind_label,
        "title": entry.title,
        "recipient": {"user": row.user_id, "name": entry.recipient, "role": entry.role},
        "email": _email(row, entry.email),
        "in_app": entry.in_app,
        "read_at": entry.read_at,
        "sent_by": entry.sent_by or None,
        "message": entry.message or None,
    }


class NudgeSendSerializer(serializers.Serializer):
    message = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"The note, 1 to {managers.NUDGE_MAX_LENGTH} characters.",
    )
    to = serializers.ChoiceField(
        choices=managers.Recipients.choices,
        default=managers.Recipients.BOTH,
        help_text="Who gets it: both sides, the mentor, or the mentee(s).",
    )


class NudgeSentSerializer(serializers.Serializer):
    notifications = NudgeLogEntrySerializer(many=True, help_text="One per person told.")


class FailedEmailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    recipient = serializers.CharField()
    address = serializers.EmailField()
    email = EmailSerializer()
    waits_for_address = serializers.BooleanField(
        help_text="The person's address bounces: they must confirm it before a retry can work."
    )


def _failed_data(entry: managers.FailedEmail) -> dict:
    row = entry.notification
    return {
        "id": row.pk,
        "created_at": row.created_at,
        "kind": row.kind,
        "kind_label": entry.kind_label,
        "title": entry.title,
        "recipient": entry.recipient,
        "address": entry.address,
        "email": _email(row, entry.email),
        "waits_for_address": entry.waits_for_address,
    }


# Views ----------------------------------------------------------------------------------------


class ProgramNudgeSettingsView(ProgramScopedMixin, generics.GenericAPIView):
    """Which nudges the program runs and when (defaults until it saves its own). Those who run
    the program only, whatever the method."""

    serializer_class = NudgeSettingsSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_can_manage()

    def get(self, request, org_slug: str, program_id: int):
        return Response(NudgeSettingsSerializer(_settings_data(
            managers.nudge_settings_of(self.program)
        )).data)  # fmt: skip

    @extend_schema(request=NudgeSettingsSerializer, responses=NudgeSettingsSerializer)
    def put(self, request, org_slug: str, program_id: int):
        incoming = NudgeSettingsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        settings = managers.nudge_settings_update(
            actor=self.membership, program=self.program, **incoming.validated_data
        )
        return Response(NudgeSettingsSerializer(_settings_data(settings)).data)


class MentorshipNudgesView(MentorshipScopedMixin, generics.GenericAPIView):
    """GET: every notification about the mentorship, newest first, with how its email went and
    whether it was read. POST: send the pair (or one side) a note; each person gets it as they
    chose for "Messages from your program managers". At most five notes a day per pair; only
    active or paused mentorships. The program's managers only: the pair and anyone else get
    404."""

    serializer_class = NudgeLogEntrySerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        managers.require_manages_mentorship(self.membership, self.mentorship)

    @extend_schema(responses=NudgeLogEntrySerializer(many=True))
    def get(self, request, org_slug: str, mentorship_id: int):
        page = self.paginate_queryset(managers.mentorship_nudges(self.mentorship))
        data = [_entry_data(e) for e in managers.log_entries(self.mentorship, page)]
        return self.get_paginated_response(NudgeLogEntrySerializer(data, many=True).data)

    @extend_schema(request=NudgeSendSerializer, responses={201: NudgeSentSerializer})
    def post(self, request, org_slug: str, mentorship_id: int):
        incoming = NudgeSendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        ids = managers.nudge_send(
            actor=self.membership, mentorship=self.mentorship, **incoming.validated_data
        )
        rows = managers.mentorship_nudges(self.mentorship).filter(pk__in=ids)
        data = [_entry_data(e) for e in managers.log_entries(self.mentorship, rows)]
        return Response(
            NudgeSentSerializer({"notifications": data}).data, status=status.HTTP_201_CREATED
        )


class FailedEmailListView(OrganizationScopedMixin, generics.GenericAPIView):
    """The organisation's emails that could not be sent (failed after every attempt, or not
    sent because the address bounces), newest first. Owners and admins only."""

    permission_classes = [IsAuthenticated, CanManageMembers]
    serializer_class = FailedEmailSerializer

    @extend_schema(responses=FailedEmailSerializer(many=True))
    def get(self, request, org_slug: str):
        page = self.paginate_queryset(managers.failed_emails(self.membership))
        data = [_failed_data(e) for e in managers.failed_entries(page)]
        return self.get_paginated_response(FailedEmailSerializer(data, many=True).data)
