from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import TenantModel
from programs.models import Cohort, Enrolment, Mentorship, Program


class MatchingSettings(TenantModel):
    """How a program matches: criterion weights (0 off .. 10 must-have) and hard rules."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="matching_settings"
    )
    weights = models.JSONField(default=dict, blank=True)
    exclude_same_department = models.BooleanField(
        default=True, help_text="Never pair people from the same department."
    )
    exclude_reporting_line = models.BooleanField(
        default=True, help_text="Never pair someone with their own manager."
    )
    require_shared_language = models.BooleanField(
        default=True, help_text="Only pair people who speak a language in common."
    )
    max_timezone_difference_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Leave empty to allow any distance; 3 keeps pairs within three hours.",
    )
    seniority_gap_min = models.SmallIntegerField(
        default=1, help_text="How many experience steps the mentor should be ahead, at least."
    )
    seniority_gap_max = models.SmallIntegerField(
        default=3, help_text="… and at most; outside this range the experience score drops."
    )
    availability_target_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=2,
        help_text="Hours a week free at the same time that earn a pair full points.",
    )
    personality_modes = models.JSONField(default=dict, blank=True)
    request_expiry_days = models.PositiveSmallIntegerField(
        default=7, help_text="A mentor who does not answer a request in this time lets it expire."
    )
    suggestions_shown = models.PositiveSmallIntegerField(
        default=5, help_text="How many mentors a mentee sees suggested."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "matching settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(seniority_gap_min__lte=models.F("seniority_gap_max")),
                name="matching_gap_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_timezone_difference_hours__isnull=True)
                | Q(max_timezone_difference_hours__lte=12),
                name="matching_timezone_range",
            ),
            models.CheckConstraint(
                condition=Q(request_expiry_days__gte=1, request_expiry_days__lte=60),
                name="matching_request_expiry_range",
            ),
            models.CheckConstraint(
                condition=Q(suggestions_shown__gte=1, suggestions_shown__lte=20),
                name="matching_suggestions_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Matching settings of {self.program}"


class MatchRunMode(models.TextChoices):
    OPTIMAL = "optimal", "Best overall: the highest total score"
    STABLE = "stable", "Stable: no mentee and mentor would both rather swap"


class MatchRunStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"


class MatchRun(TenantModel):
    """One matching of a cohort: the parameters it ran with, its proposals and whom it could
    not match, kept so that every match can be explained later."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_runs")
    number = models.PositiveIntegerField()
    mode = models.CharField(max_length=20, choices=MatchRunMode.choices)
    maximize_matched = models.BooleanField(default=True)
    parameters = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=MatchRunStatus.choices, default=MatchRunStatus.DRAFT
    )
    summary = models.JSONField(default=dict)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="match_run_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=MatchRunStatus.values), name="match_run_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=MatchRunMode.values), name="match_run_mode_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "cohort", "status"])]

    def __str__(self) -> str:
        return f"Run {self.number} of {self.cohort}"


class MatchProposal(TenantModel):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    explanation = models.JSONField(default=list)
    locked = models.BooleanField(default=False)
    changed_by_admin = models.BooleanField(default=False)
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="match_proposal_one_per_mentee"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} with {self.mentor} ({self.score:.1f})"


class UnmatchedReason(models.TextChoices):
    NO_FEASIBLE_MENTOR = "no_feasible_mentor", "No mentor passes the rules"
    PLACES_TAKEN = "places_taken", "Every suitable mentor's places went to other mentees"
    REMOVED = "removed", "Removed from the proposals"


class UnmatchedMentee(TenantModel):
    """A mentee a run could not match, and why: which rules excluded which mentors."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=30, choices=UnmatchedReason.choices)
    # [{"rule": code, "label": words, "mentors": [names...], "count": n}, ...]
    exclusions = models.JSONField(default=list)
    feasible_mentors = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["mentee__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="unmatched_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee}: {self.get_reason_display()}"


class MentorshipRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the mentor"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MentorshipRequest(TenantModel):
    """A mentee asking a mentor to work together (self-select programs)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=20,
        choices=MentorshipRequestStatus.choices,
        default=MentorshipRequestStatus.PENDING,
    )
    response = models.TextField(blank=True, max_length=2000)
    score = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    # The status the people concerned were last emailed about: emails go out once per status.
    notified_status = models.CharField(max_length=20, blank=True)
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status="pending"),
                name="mentorship_request_one_pending_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MentorshipRequestStatus.values),
                name="mentorship_request_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "mentor", "status"]),
            models.Index(fields=["organization", "mentee", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} asks {self.mentor}"


class MentorExclusion(TenantModel):
    """A mentee's "not this person": never propose or suggest this mentor to them."""

    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="mentor_exclusion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} not with {self.mentor}"
