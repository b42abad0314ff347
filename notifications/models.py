"""Notifications: one row per thing a person is told, in the app and (if they want) by email.

The row's `dedupe_key` (kind, object, occurrence) is unique: a scan that runs twice, a task that
is delivered twice or two workers at once insert it once, and its email state moves from
pending to sent once. Preferences belong to the person (every organisation they are in).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from notifications.kinds import KIND_CHOICES
from organizations.models import TenantModel
from programs.models import Mentorship, Program


class EmailState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    DIGEST = "digest", "Waiting for the daily digest"
    DIGESTED = "digested", "Sent in a digest"
    NONE = "none", "Not emailed"  # email off for this kind, or no longer relevant
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Not sent: the address bounces"


class Notification(TenantModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications",
    )  # fmt: skip
    # Where the email goes: the user's address, or an invitee's who has no account yet.
    email = models.EmailField(blank=True)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    # Unique (see Meta): one row per kind, object, occurrence and person.
    dedupe_key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=4000)
    url = models.CharField(max_length=500, blank=True)
    action = models.CharField(max_length=60, blank=True)  # the email button's words
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    # Shown in the notification centre (off when the person turned in-app off for the kind).
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    # Not before (quiet hours move it to their end, in the person's time zone).
    email_due_at = models.DateTimeField(null=True, blank=True)
    # After this an email is pointless (a reminder of a meeting that started).
    expires_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)
    # The call that inserted it: the rows one call created together.
    batch = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # A constraint rather than unique=True: the same unique index, without the second
        # (LIKE) index PostgreSQL would get for a unique text field, which nothing reads and
        # every insert would write.
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="notification_dedupe_key")
        ]
        indexes = [
            models.Index(
                fields=["user", "organization", "-created_at"],
                name="notification_centre",
                condition=Q(in_app=True),
            ),
            # The bell's unread count, on every page.
            models.Index(
                fields=["user", "organization"],
                name="notification_unread",
                condition=Q(in_app=True, read_at__isnull=True),
            ),
            models.Index(
                fields=["email_state", "email_due_at"],
                name="notification_email_due",
                condition=Q(email_state__in=["pending", "digest"]),
            ),
            models.Index(fields=["organization", "mentorship", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Digest(models.TextChoices):
    OFF = "off", "Send each email as it happens"
    DAILY = "daily", "One email a day with everything"


class NotificationPreferences(models.Model):
    """A person's choices, for every organisation they are in. `channels` holds only what
    differs from each kind's default: {"meeting_reminder": {"email": false}}."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    channels = models.JSONField(default=dict, blank=True)
    # No email between these times, in the person's time zone; start after end wraps midnight.
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    digest = models.CharField(max_length=10, choices=Digest.choices, default=Digest.OFF)
    digest_hour = models.PositiveSmallIntegerField(default=8)
    # Set when the address bounced: no email is tried until the person confirms it again.
    email_bounced_at = models.DateTimeField(null=True, blank=True)
    email_bounce_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__gte=0) & Q(digest_hour__lte=23),
                name="notification_digest_hour_valid",
            ),
            models.CheckConstraint(
                condition=(Q(quiet_start__isnull=True) & Q(quiet_end__isnull=True))
                | (Q(quiet_start__isnull=False) & Q(quiet_end__isnull=False)),
                name="notification_quiet_hours_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"


def default_inactive_days() -> list[int]:
    return [7, 14, 21]


class ProgramNudgeSettings(TenantModel):
    """Which nudges a program runs and when (one row per program, made on first use)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="+")
    # Kinds the program switched off (for all its people).
    disabled = models.JSONField(default=list, blank=True)
    # Days without a message or a meeting after which a pair hears of it; the last one also
    # tells the program's managers.
    inactive_days = models.JSONField(default=default_inactive_days, blank=True)
    milestone_due_days = models.PositiveSmallIntegerField(default=3)
    agreement_after_days = models.PositiveSmallIntegerField(default=7)
    request_expiry_hours = models.PositiveSmallIntegerField(default=24)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Nudges of {self.program_id}"
