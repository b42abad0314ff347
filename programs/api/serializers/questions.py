"""Programs API serializers: profile questions."""

from __future__ import annotations

from dataclasses import fields

from rest_framework import serializers

from programs.models import (
    Comparison,
    ProfileQuestion,
    QuestionAudience,
    QuestionKind,
)
from programs.services import (
    QuestionSettings,
)

QUESTION_SETTING_NAMES = tuple(field.name for field in fields(QuestionSettings))
QUESTION_MOVE_DIRECTIONS = [("up", "Up"), ("down", "Down")]


class QuestionSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The answer options (single and multiple choice questions only).",
    )
    partner = serializers.IntegerField(
        source="partner_id",
        read_only=True,
        allow_null=True,
        help_text="The question of the other side this one is matched with.",
    )

    class Meta:
        model = ProfileQuestion
        fields = [
            "id",
            "key",
            "audience",
            "kind",
            "label",
            "help_text",
            "required",
            "position",
            "choices",
            "partner",
            "comparison",
            "is_standard",
        ]
        read_only_fields = fields


class QuestionSettingsSerializer(serializers.Serializer):
    """A question's settings. On create, label, audience and kind are required; on PATCH every
    field is optional and those not sent keep their current value. A mentee question is paired
    with a mentor question (and the other way round) by `partner_id` and `comparison`; to unpair
    it, send both as null and ""."""

    label = serializers.CharField(allow_blank=True)
    audience = serializers.ChoiceField(choices=QuestionAudience.choices)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    help_text = serializers.CharField(allow_blank=True, required=False)
    required = serializers.BooleanField(required=False)
    choices = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Answer options, for single and multiple choice questions: at least two.",
    )
    partner_id = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="The question of the other side compared with this one.",
    )
    comparison = serializers.ChoiceField(
        choices=Comparison.choices,
        allow_blank=True,
        required=False,
        help_text="How the two answers are compared for matching; empty when not matched on.",
    )

    def question_settings(self, base: dict | None = None) -> QuestionSettings:
        """The settings given in the request, the rest taken from `base`."""
        return QuestionSettings(**{**(base or {}), **self.validated_data})


def question_settings_of(question: ProfileQuestion) -> dict:
    return {name: getattr(question, name) for name in QUESTION_SETTING_NAMES}


class QuestionMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(
        choices=QUESTION_MOVE_DIRECTIONS,
        help_text="Swap the question with its neighbour above (up) or below (down).",
    )
