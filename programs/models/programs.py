from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from organizations.models import TenantModel


class ProgramFormat(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    GROUP = "group", "Group (one mentor, several mentees)"


class MatchingMode(models.TextChoices):
    ADMIN_LED = "admin_led", "Admin-led: you match everyone in bulk"
    SELF_SELECT = "self_select", "Self-select: mentees choose from suggestions, mentors approve"
    BOTH = "both", "Both: bulk matching, and mentees may also choose"


class MeetingCadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class Program(TenantModel):
    """A mentoring initiative: how people are matched and how long they work together."""

    name = models.CharField(max_length=120)
    purpose = models.CharField(
        max_length=255, help_text="One sentence participants read first: what the program is for."
    )
    description = models.TextField(blank=True)
    format = models.CharField(
        max_length=20, choices=ProgramFormat.choices, default=ProgramFormat.ONE_TO_ONE
    )
    matching_mode = models.CharField(
        max_length=20, choices=MatchingMode.choices, default=MatchingMode.ADMIN_LED
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        default=1, help_text="How many mentees a mentor takes on, unless set per mentor."
    )
    relationship_length_weeks = models.PositiveSmallIntegerField(default=26)
    meeting_cadence = models.CharField(
        max_length=20, choices=MeetingCadence.choices, default=MeetingCadence.FORTNIGHTLY
    )
    status = models.CharField(
        max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    template = models.CharField(max_length=40, blank=True)
    skills = models.JSONField(
        default=list, blank=True, help_text="The skills mentors offer and mentees want, by name."
    )
    confidentiality_text = models.TextField(
        blank=True,
        max_length=4000,
        help_text="The confidentiality promise every new pair's agreement starts from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", models.functions.Lower("name"), name="program_unique_name_per_org"
            ),
            models.CheckConstraint(
                condition=Q(default_mentor_capacity__gte=1, default_mentor_capacity__lte=50),
                name="program_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(relationship_length_weeks__gte=1, relationship_length_weeks__lte=156),
                name="program_length_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProgramStatus.values), name="program_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name


class ProgramManager(TenantModel):
    """A program manager assigned to a program: they see and run only their programs."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="manager_assignments"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="program_manager_unique"),
        ]
        indexes = [models.Index(fields=["organization", "user"])]

    def __str__(self) -> str:
        return f"{self.user} manages {self.program}"


def _random_key() -> str:
    return secrets.token_urlsafe(24)


# Migration 0003 refers to the key generator by this name.
_enrolment_key = _random_key


class CohortStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ENROLLING = "enrolling", "Enrolling"
    MATCHING = "matching", "Matching"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"


# Mentees choose their mentor (from suggestions) in these modes.
SELF_SELECT_MODES = (MatchingMode.SELF_SELECT, MatchingMode.BOTH)
# Pairs are formed (by a match run or a request) while a cohort is in these states.
MATCHABLE_COHORT_STATES = (CohortStatus.MATCHING, CohortStatus.ACTIVE)


class Cohort(TenantModel):
    """One intake of a program: people enrol, get matched and work together between two dates."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=120)
    enrolment_opens_on = models.DateField()
    enrolment_closes_on = models.DateField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    target_mentors = models.PositiveIntegerField(default=0)
    target_mentees = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=CohortStatus.choices, default=CohortStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    applications_open = models.BooleanField(
        default=False,
        help_text="People with the application link can apply while enrolment is open.",
    )
    applications_need_approval = models.BooleanField(
        default=True, help_text="A program manager approves each application."
    )
    application_key = models.CharField(max_length=64, default=_random_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                "program", models.functions.Lower("name"), name="cohort_unique_name_per_program"
            ),
            models.CheckConstraint(
                condition=Q(enrolment_closes_on__gte=F("enrolment_opens_on")),
                name="cohort_enrolment_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__gte=F("enrolment_closes_on")),
                name="cohort_starts_after_enrolment_closes",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="cohort_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CohortStatus.values), name="cohort_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name
