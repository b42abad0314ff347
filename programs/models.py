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


class QuestionAudience(models.TextChoices):
    MENTEE = "mentee", "Mentees"
    MENTOR = "mentor", "Mentors"
    BOTH = "both", "Mentors and mentees"


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    SKILLS = "skills", "Skills from the program's skill list"
    SCALE = "scale", "Scale from 1 to 5"
    TEXT = "text", "Free text"
    TIMEZONE = "timezone", "Time zone"
    LANGUAGES = "languages", "Languages"
    AVAILABILITY = "availability", "Weekly availability"
    PERSONALITY = "personality", "Personality questionnaire (ten items)"


# Kinds whose answer options the admin lists on the question itself.
KINDS_WITH_CHOICES = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})


class Comparison(models.TextChoices):
    OVERLAP = "overlap", "Overlap (share items)"
    SIMILARITY = "similarity", "Similarity"
    SAME = "same", "Same answer"
    DIFFERENT = "different", "Different answer"
    DISTANCE = "distance", "Distance (closer is better)"


class ProfileQuestion(TenantModel):
    """One question of a program's profile form, optionally paired with another for matching.

    A mentee question mapped to its partner mentor question (e.g. "skills I want to grow" <->
    "skills I can teach") with a comparison becomes a matching criterion.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60)
    audience = models.CharField(max_length=10, choices=QuestionAudience.choices)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    label = models.CharField(max_length=255)
    help_text = models.CharField(max_length=255, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    choices = models.JSONField(default=list, blank=True)
    partner = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comparison = models.CharField(max_length=20, choices=Comparison.choices, blank=True)
    is_standard = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "key"], name="question_unique_key_per_program"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=QuestionAudience.values), name="question_audience_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_mapped(self) -> bool:
        return bool(self.comparison)


class EnrolmentRole(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


class EnrolmentState(models.TextChoices):
    INVITED = "invited", "Invited"
    APPLIED = "applied", "Applied"
    APPROVED = "approved", "Approved"
    PROFILE_COMPLETE = "profile_complete", "Profile complete"
    MATCHED = "matched", "Matched"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Enrolment(TenantModel):
    """A person's place in a cohort, as a mentor or a mentee, from invitation to match.

    Invited people may not have an account yet: the email identifies them until they accept.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=10, choices=EnrolmentRole.choices)
    state = models.CharField(
        max_length=20, choices=EnrolmentState.choices, default=EnrolmentState.INVITED
    )
    mentor_capacity = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Mentees this mentor takes on; empty means the program default.",
    )
    department = models.CharField(max_length=120, blank=True)
    manager_email = models.EmailField(blank=True)
    invitation_key = models.CharField(max_length=64, default=_random_key, editable=False)
    invitation_expires_at = models.DateTimeField(null=True, blank=True)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    profile_completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "role", "full_name", "email"]
        constraints = [
            models.UniqueConstraint(
                "cohort",
                models.functions.Lower("email"),
                name="enrolment_one_per_person_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(role__in=EnrolmentRole.values), name="enrolment_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=EnrolmentState.values), name="enrolment_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(mentor_capacity__isnull=True)
                | Q(mentor_capacity__gte=1, mentor_capacity__lte=50),
                name="enrolment_capacity_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "cohort", "state"]),
            models.Index(fields=["organization", "user"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.email} ({self.get_role_display()})"


class ProfileAnswer(TenantModel):
    """One answer of an enrolled person. The question's key, label and kind are kept with it,
    so the answer stays readable when the question is edited or removed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ProfileQuestion, null=True, on_delete=models.SET_NULL, related_name="answers"
    )
    question_key = models.SlugField(max_length=60)
    question_label = models.CharField(max_length=255)
    question_kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "question_key"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_label}: {self.value}"
