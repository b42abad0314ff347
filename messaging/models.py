from __future__ import annotations

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
        indexes = [models.Index(fields=["organization", "kind"])]

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
