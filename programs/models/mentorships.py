from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import TenantModel
from programs.models.profiles import Enrolment
from programs.models.programs import Cohort, MeetingCadence

DEFAULT_CONFIDENTIALITY = (
    "What we discuss stays between us. Neither of us shares the other's personal matters with "
    "anyone else without asking first. Program managers see that we meet and how it goes, "
    "never what we say."
)


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"


# A mentorship in one of these states holds the mentor's place and the mentee.
OPEN_MENTORSHIP_STATES = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


class MentorshipOrigin(models.TextChoices):
    MATCH_RUN = "match_run", "Matched by the program"
    REQUEST = "request", "Requested by the mentee"


class Mentorship(TenantModel):
    """A mentor working with one mentee (or, in a group program, several) within a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    status = models.CharField(
        max_length=20, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE
    )
    origin = models.CharField(max_length=20, choices=MentorshipOrigin.choices)
    match_score = models.FloatField(null=True, blank=True)
    match_explanation = models.JSONField(default=list, blank=True)
    started_on = models.DateField()
    ends_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MentorshipStatus.values), name="mentorship_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=MentorshipOrigin.values), name="mentorship_origin_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "cohort", "status"]),
            models.Index(fields=["organization", "mentor", "status"]),
        ]

    def __str__(self) -> str:
        return f"Mentorship {self.pk} in {self.cohort}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MENTORSHIP_STATES


class MentorshipMentee(TenantModel):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="members")
    mentee = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "mentee"], name="mentorship_mentee_once"),
        ]
        indexes = [models.Index(fields=["organization", "mentee"])]

    def __str__(self) -> str:
        return f"{self.mentee} in {self.mentorship}"


class MentorshipEndReason(TenantModel):
    """Why a mentorship ended early, in the words of each person in it."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="end_reasons")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # "mentor", "mentee" or "program_manager" (a manager who ended it).
    role = models.CharField(max_length=20)
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "user"], name="mentorship_end_reason_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:60]


AGREEMENT_CONTENT_FIELDS = (
    "channels",
    "meeting_cadence",
    "response_time",
    "goals_scope",
    "off_limits",
    "confidentiality",
)


class ContactChannel(models.TextChoices):
    CHAT = "chat", "Chat here on the platform"
    VIDEO = "video", "Video calls"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


class ResponseTime(models.TextChoices):
    SAME_DAY = "same_day", "The same working day"
    TWO_DAYS = "two_days", "Within two working days"
    WEEK = "week", "Within a week"


class Agreement(TenantModel):
    """How a pair will work together, as both last confirmed it. Every change raises the
    version, keeps the previous text as a revision and asks everyone to confirm again."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    version = models.PositiveIntegerField(default=1)
    channels = models.JSONField(default=list)
    meeting_cadence = models.CharField(
        max_length=20, choices=MeetingCadence.choices, default=MeetingCadence.FORTNIGHTLY
    )
    response_time = models.CharField(
        max_length=20, choices=ResponseTime.choices, default=ResponseTime.TWO_DAYS
    )
    goals_scope = models.TextField(blank=True, max_length=2000)
    off_limits = models.TextField(blank=True, max_length=2000)
    confidentiality = models.TextField(max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Agreement v{self.version} of {self.mentorship}"


class AgreementRevision(TenantModel):
    """One version of an agreement as it was written, kept when a newer one replaces it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "version"], name="agreement_revision_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.version}"


class AgreementConfirmation(TenantModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="confirmations")
    version = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "version", "user"], name="agreement_confirmed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} confirmed version {self.version}"
