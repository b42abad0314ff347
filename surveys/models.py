"""A program's two surveys (at each mentorship's mid-point and at its end), their questions,
and the answers of the people in each pair.

Answers are stored with who gave them, so a person answers once and the non-anonymous answers
can be read per mentorship. Answers to a question marked anonymous are read only through
surveys/aggregate.py, which returns totals of at least MIN_GROUP people and never who said what.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organizations.models import TenantModel
from programs.models import EnrolmentRole, Mentorship, Program


class SurveyMoment(models.TextChoices):
    MID_POINT = "mid_point", "Mid-point"
    CLOSING = "closing", "Closing"


# The order the surveys come in a mentorship.
MOMENTS = (SurveyMoment.MID_POINT, SurveyMoment.CLOSING)


class SurveyQuestionKind(models.TextChoices):
    SCALE = "scale", "Scale from 1 to 5"
    NPS = "nps", "Recommendation from 0 to 10 (NPS)"
    SINGLE_CHOICE = "single_choice", "One option from a list"
    TEXT = "text", "Free text"


class Survey(TenantModel):
    """What a program asks its pairs at one moment of their mentorship. Sent only while active."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="surveys")
    moment = models.CharField(max_length=20, choices=SurveyMoment.choices)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, max_length=2000)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "moment"], name="survey_one_per_program_and_moment"
            ),
            models.CheckConstraint(
                condition=Q(moment__in=SurveyMoment.values), name="survey_moment_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "is_active"])]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(TenantModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=SurveyQuestionKind.choices)
    label = models.CharField(max_length=255)
    help_text = models.CharField(max_length=255, blank=True)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    anonymous = models.BooleanField(
        default=False, help_text="Answers are shown only in totals of at least five people."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SurveyQuestionKind.values), name="survey_question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SurveyResponse(TenantModel):
    """One person's answers to one survey for one mentorship."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="survey_responses"
    )
    # Kept when the account goes, so the answers still count in the totals.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=10, choices=EnrolmentRole.choices)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "mentorship", "respondent"],
                name="survey_response_once_per_person",
            ),
            models.CheckConstraint(
                condition=Q(role__in=EnrolmentRole.values), name="survey_response_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "survey", "submitted_at"])]

    def __str__(self) -> str:
        return f"Response to {self.survey_id} for mentorship {self.mentorship_id}"


class SurveyAnswer(TenantModel):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    # An answered question stays (the services refuse to remove it): its answers count.
    question = models.ForeignKey(SurveyQuestion, on_delete=models.RESTRICT, related_name="answers")
    value = models.JSONField()
    # The answer to a scale or NPS question as a number (the same as `value`), so scores are
    # averaged in SQL without reading JSON; empty for the other kinds.
    score = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="survey_answer_once_per_question"
            ),
        ]
        indexes = [models.Index(fields=["organization", "question"])]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"
