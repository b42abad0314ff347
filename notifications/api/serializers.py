"""Notifications API serializers.

The request serializers parse types; the rules (known kinds and channels, both ends of the quiet
hours, the digest's hour) are notifications.preferences', whose refusals the API answers as 400
with the field's message (see mentorship.api.errors).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.kinds import KINDS
from notifications.models import Digest, Notification

CHANNELS_SCHEMA = {
    "type": "object",
    "description": "Per kind of notification (its key), the channels it reaches you on.",
    "additionalProperties": {
        "type": "object",
        "properties": {"email": {"type": "boolean"}, "in_app": {"type": "boolean"}},
    },
    "example": {"meeting_reminder": {"email": False, "in_app": True}},
}


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField(help_text="The kind's name, as people read it.")
    unread = serializers.SerializerMethodField()
    url = serializers.CharField(
        read_only=True, help_text="Where it points: a path on this site, or blank."
    )

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at",
                  "unread"]  # fmt: skip
        read_only_fields = fields

    def get_kind_label(self, row: Notification) -> str:
        kind = KINDS.get(row.kind)
        return kind.label if kind else ""

    def get_unread(self, row: Notification) -> bool:
        return row.read_at is None


class NotificationListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text="true: only the unread ones."
    )


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
        help_text="The notifications to mark read (others' ids are ignored).",
    )
    all = serializers.BooleanField(
        required=False, default=False, help_text="true: mark every notification read."
    )

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("ids")) == bool(attrs.get("all")):
            raise serializers.ValidationError(
                'Send either "ids" (a list of notification ids) or "all": true.'
            )
        return attrs


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


@extend_schema_field(CHANNELS_SCHEMA)
class ChannelsField(serializers.JSONField):
    """Checked by notifications.preferences.clean_channels, which names what is wrong."""


class NotificationPreferencesSerializer(serializers.Serializer):
    """Your notification settings, in every organisation you are in. A PUT changes what it
    sends; what it leaves out stays as it is (kinds left out of `channels` included)."""

    channels = ChannelsField(
        required=False,
        help_text="Every kind you can choose, with the channels it reaches you on (the defaults "
        "where you chose nothing). Unknown kinds or channels are refused.",
    )
    quiet_start = serializers.TimeField(
        required=False, allow_null=True, format="%H:%M", input_formats=["%H:%M"],
        help_text="No email from this time (HH:MM, in your time zone); null: no quiet hours.",
    )  # fmt: skip
    quiet_end = serializers.TimeField(
        required=False, allow_null=True, format="%H:%M", input_formats=["%H:%M"],
        help_text="Until this time; before quiet_start means the next morning (22:00 to 07:00).",
    )  # fmt: skip
    digest = serializers.ChoiceField(choices=Digest.choices, required=False)
    digest_hour = serializers.IntegerField(
        required=False, help_text="The daily email's hour, 0 to 23, in your time zone."
    )
    timezone = serializers.CharField(
        read_only=True, help_text="Your time zone (change it with PATCH /me/)."
    )
    timezone_known = serializers.BooleanField(
        read_only=True,
        help_text="false: your time zone is empty or unknown, so the times above are UTC.",
    )
    email_bounced_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="When your address bounced: no email is sent until you confirm it.",
    )  # fmt: skip
    email_bounce_reason = serializers.CharField(read_only=True)
    confirm_email = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="true: your address works again; emails start again.",
    )  # fmt: skip
