from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import TenantModel
from programs.models.programs import Cohort, Program, _random_key


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
