"""Messaging API serializers: conversations, their history, sending, read receipts, reports.

A message is answered as `services.message_payload` shapes it, exactly as the chat socket sends
it; `MessageSerializer` documents that shape. The rules on a message's text and client key live
in the services, so the request serializers take the values as sent and leave them to those.
"""

from __future__ import annotations

from rest_framework import serializers

from messaging.models import ConversationKind, MessageReport
from messaging.selectors import HISTORY_PAGE

HISTORY_PAGE_MAX = 100


class ConversationSerializer(serializers.Serializer):
    """A conversation as you see it (from a `selectors.ConversationEntry`)."""

    id = serializers.IntegerField(source="conversation.pk", read_only=True)
    kind = serializers.ChoiceField(
        source="conversation.kind", choices=ConversationKind.choices, read_only=True
    )
    title = serializers.CharField(
        read_only=True, help_text="The other people of a mentorship, or the cohort or program."
    )
    unread = serializers.IntegerField(
        read_only=True, help_text="Messages after the last one you read."
    )
    last_sequence = serializers.IntegerField(
        source="conversation.last_sequence",
        read_only=True,
        help_text="The sequence number of the newest message; 0 before the first.",
    )
    last_message_at = serializers.DateTimeField(
        source="conversation.last_message_at", read_only=True, allow_null=True
    )
    can_write = serializers.BooleanField(source="access.can_write", read_only=True)
    closed_because = serializers.CharField(
        source="access.closed_because",
        read_only=True,
        help_text="Why you cannot write here, in words; empty when you can.",
    )


class MessageSenderSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="A user's id.")
    name = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The file's name as sent (cleaned).")
    content_type = serializers.CharField(help_text="Checked against the file's content.")
    size = serializers.IntegerField(help_text="In bytes.")
    is_image = serializers.BooleanField()
    url = serializers.CharField(
        help_text="Download address for the browser (session). API clients download from "
        "/api/v1/orgs/{org_slug}/attachments/{id}/."
    )


class MessageSerializer(serializers.Serializer):
    """A message, exactly as the chat socket sends it too (`services.message_payload`)."""

    id = serializers.IntegerField()
    conversation = serializers.IntegerField(help_text="The conversation's id.")
    sequence = serializers.IntegerField(
        help_text="Its place in the conversation: 1, 2, 3... with no gaps."
    )
    sender = MessageSenderSerializer(allow_null=True, help_text="Null once the sender is gone.")
    body = serializers.CharField(allow_blank=True, help_text="Empty once deleted.")
    client_key = serializers.CharField(
        allow_blank=True, help_text="The key the sender's client gave it, if any."
    )
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    attachments = AttachmentSerializer(
        many=True, help_text="Files sent with it; none once deleted."
    )


class HistoryQuerySerializer(serializers.Serializer):
    before = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="Older history: the messages before this sequence number.",
    )
    after = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="Catching up: the messages after the last sequence number you saw.",
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=HISTORY_PAGE_MAX,
        default=HISTORY_PAGE,
        help_text=f"How many messages at most (1 to {HISTORY_PAGE_MAX}).",
    )

    def validate(self, attrs: dict) -> dict:
        if "before" in attrs and "after" in attrs:
            raise serializers.ValidationError({"after": ["Give either before or after, not both."]})
        return attrs


class HistorySerializer(serializers.Serializer):
    messages = MessageSerializer(many=True, help_text="In sequence order, oldest first.")
    has_more = serializers.BooleanField(
        help_text="Whether there are more: older ones (before, or neither given) or newer ones "
        "(after)."
    )


class MessageSendSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=False,
        help_text="The text; at most the platform's message length (5000 characters unless "
        "configured otherwise). Required unless files are attached.",
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        default=list,
        help_text="Files to send with it (multipart/form-data): allowed types and size as "
        "configured (PDF, images, text, office documents; 10 MB and 5 files unless configured "
        "otherwise). Each file's content must match its type.",
    )
    client_key = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="1 to 64 letters, digits, hyphens or underscores, unique to this message: "
        "sending again with the same key answers the message already saved (200) instead of "
        "saving it twice.",
    )


class MessageEditSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Required: the new text."
    )


class ReadSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(
        min_value=0,
        help_text="The sequence number of the last message you read (a higher number counts "
        "as the newest message).",
    )


class ReadStateSerializer(serializers.Serializer):
    last_read_sequence = serializers.IntegerField(
        help_text="How far you have read; it never moves back."
    )


class MessageReportSendSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="What is wrong with the message; the program's managers read it.",
    )


class MessageReportSerializer(serializers.ModelSerializer):
    message = serializers.IntegerField(source="message_id", read_only=True)

    class Meta:
        model = MessageReport
        fields = ["id", "message", "reason", "created_at"]
        read_only_fields = fields
