from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import TenantModel
from programs.models import Cohort, Mentorship, Program


class ConversationKind(models.TextChoices):
    MENTORSHIP = "mentorship", "Private conversation of a mentorship"
    COHORT = "cohort", "Group chat of a cohort"
    ANNOUNCEMENTS = "announcements", "Announcements of a program"


class Conversation(TenantModel):
    """A place to talk. Who may read and write is not stored here: it follows the mentorship,
    the cohort's enrolments or the program's managers, so it changes the moment they do."""

    kind = models.CharField(max_length=20, choices=ConversationKind.choices)
    mentorship = models.OneToOneField(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="conversation"
    )
    cohort = models.OneToOneField(
        Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="group_chat"
    )
    program = models.OneToOneField(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="announcements"
    )
    # The sequence number of the newest message; each message takes the next one.
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="mentorship", mentorship__isnull=False, cohort__isnull=True, program__isnull=True)
                    | Q(kind="cohort", cohort__isnull=False, mentorship__isnull=True, program__isnull=True)
                    | Q(kind="announcements", program__isnull=False, mentorship__isnull=True, cohort__isnull=True)
                ),
                name="conversation_kind_matches_its_subject",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["organization", "kind"]),
            # The offline-email scan reads recently active conversations.
            models.Index(fields=["organization", "last_message_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class Message(TenantModel):
    """One message. `sequence` increases within its conversation: a client that saw up to N
    asks for everything after N. `client_key` makes a resend of the same message a no-op."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sequence = models.PositiveBigIntegerField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(blank=True)
    client_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["conversation", "sequence"]
        # The offline-email scan reads a conversation's recent messages by time.
        indexes = [models.Index(fields=["conversation", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sequence"], name="message_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["conversation", "client_key"],
                condition=~Q(client_key=""),
                name="message_client_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.sequence} of conversation {self.conversation_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ReadState(TenantModel):
    """How far a person has read a conversation (their read receipt)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_states"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_sequence = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="read_state_once"),
        ]
        indexes = [models.Index(fields=["organization", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} up to {self.last_read_sequence}"


class MessageReport(TenantModel):
    """A participant flags one message for the program managers (safety). They see that
    message, and only that message, of a private conversation."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the program managers were emailed: they are emailed once.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="message_reported_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Report of message {self.message_id}"


def attachment_path(attachment: Attachment, filename: str) -> str:
    """Where an attachment is stored: under its organisation and conversation, in a folder of its
    own so two files of the same name never collide. Never served from this path: every download
    goes through an access check."""
    suffix = PurePath(filename).suffix.lower()
    return (
        f"attachments/{attachment.organization_id}/{attachment.conversation_id}/"
        f"{uuid.uuid4().hex}{suffix}"
    )


class Attachment(TenantModel):
    """A file sent with a message, stored through Django's storage."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    # The name the sender gave it (cleaned), shown and offered on download.
    name = models.CharField(max_length=200)
    # From the allowed types, by extension and checked against the content; never the client's.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ChatConnection(TenantModel):
    """An open chat socket: who is connected right now, so that people reading live are not
    also emailed. A socket refreshes `seen_at` as it pings; rows of a server that died go stale
    and stop counting (messaging.presence.CONNECTION_STALE_AFTER)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["organization", "user", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.channel_name}"


class UnreadEmail(TenantModel):
    """One email about unread messages of one conversation, to one person, in one period: the
    row is the dedupe key (a second scan, a redelivered task or a second worker finds it and
    sends nothing). `through_sequence` is the newest message it told about; the next email only
    tells about later ones."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="unread_emails"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateTimeField()
    through_sequence = models.PositiveBigIntegerField()
    unread_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user", "period_start"],
                name="unread_email_once_per_period",
            ),
        ]
        indexes = [models.Index(fields=["organization", "user", "conversation"])]

    def __str__(self) -> str:
        return f"Unread email to {self.user_id} about {self.conversation_id}"
