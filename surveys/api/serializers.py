"""Surveys API serializers. The results are the aggregates of surveys/aggregate.py as they are:
the same anonymity rules as the results page (an anonymous question answered by fewer than 5
people gives nothing but `hidden`; its texts carry no role nor name)."""

from __future__ import annotations

from rest_framework import serializers

from programs.models import EnrolmentRole
from surveys.models import Survey, SurveyMoment, SurveyQuestion, SurveyQuestionKind, SurveyResponse


class SurveyQuestionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=SurveyQuestionKind.choices, read_only=True)
    choices = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The options of a single-choice question; empty for the other kinds.",
    )
    anonymous = serializers.BooleanField(
        read_only=True,
        help_text="Its answers are shown only in totals of at least 5 people, never who.",
    )

    class Meta:
        model = SurveyQuestion
        fields = [
            "id",
            "position",
            "kind",
            "label",
            "help_text",
            "required",
            "choices",
            "anonymous",
        ]
        read_only_fields = fields


class SurveySerializer(serializers.ModelSerializer):
    moment = serializers.ChoiceField(
        choices=SurveyMoment.choices,
        read_only=True,
        help_text="mid_point: from the day halfway between a mentorship's start and its planned "
        "end; closing: from 14 days before its planned end, or once it is completed.",
    )
    is_active = serializers.BooleanField(
        read_only=True, help_text="Sent to the pairs (only a survey with questions is)."
    )
    questions = SurveyQuestionSerializer(many=True, read_only=True)
    response_count = serializers.IntegerField(read_only=True, help_text="How many answered it.")

    class Meta:
        model = Survey
        fields = ["id", "moment", "title", "intro", "is_active", "response_count", "questions"]
        read_only_fields = fields


class BucketSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="A scale point, an NPS score (0-10) or an option.")
    count = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="The share of the question's answers, 0-100.")


class TextAnswerSerializer(serializers.Serializer):
    text = serializers.CharField()
    count = serializers.IntegerField(help_text="How many gave this same text (anonymous only).")
    role = serializers.CharField(
        help_text="mentor or mentee; blank for an anonymous question's texts."
    )
    name = serializers.CharField(
        help_text="Who wrote it: for the program's managers, and only for questions that are "
        "not anonymous; blank otherwise."
    )


class QuestionSummarySerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    position = serializers.IntegerField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=SurveyQuestionKind.choices)
    anonymous = serializers.BooleanField()
    hidden = serializers.BooleanField(
        help_text="An anonymous question answered by fewer than 5 people: nothing else is given."
    )
    hidden_reason = serializers.CharField()
    answers = serializers.IntegerField(allow_null=True, help_text="null when hidden.")
    average = serializers.FloatField(allow_null=True, help_text="Scale (1-5) and NPS (0-10).")
    distribution = BucketSerializer(many=True, help_text="Scale and NPS: every point.")
    promoters = serializers.IntegerField(allow_null=True, help_text="NPS: answers of 9-10.")
    passives = serializers.IntegerField(allow_null=True, help_text="NPS: answers of 7-8.")
    detractors = serializers.IntegerField(allow_null=True, help_text="NPS: answers of 0-6.")
    nps = serializers.IntegerField(
        allow_null=True, help_text="% promoters minus % detractors, from -100 to 100."
    )
    options = BucketSerializer(many=True, help_text="Single choice: every option.")
    texts = TextAnswerSerializer(many=True, help_text="Free text answers.")


class SurveyResultsSerializer(serializers.Serializer):
    survey = SurveySerializer()
    cohort = serializers.IntegerField(allow_null=True, help_text="The cohort filter, if any.")
    responses = serializers.IntegerField(help_text="How many people answered (in the cohort).")
    questions = QuestionSummarySerializer(many=True)


class ResultsQuerySerializer(serializers.Serializer):
    cohort = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Only this cohort's answers."
    )


class AnswerInputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    value = serializers.JSONField(
        allow_null=True,
        help_text="scale: an integer 1-5; nps: an integer 0-10; single_choice: one of the "
        "question's options; text: a string (at most 2,000 characters).",
    )


class SurveyRespondSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(
        many=True, help_text="One per question answered; every required question needs one."
    )


class SurveyResponseSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=EnrolmentRole.choices, read_only=True)

    class Meta:
        model = SurveyResponse
        fields = ["id", "survey", "mentorship", "role", "submitted_at"]
        read_only_fields = fields
