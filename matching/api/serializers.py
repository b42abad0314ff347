"""Matching API serializers: settings, match runs and their review, self-select."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.engine.criteria import MAX_WEIGHT, MIN_WEIGHT, PERSONALITY_TRAITS
from matching.forms import PERSONALITY_MODE_CHOICES
from matching.models import (
    MatchingSettings,
    MatchProposal,
    MatchRun,
    MatchRunMode,
    MentorshipRequest,
    UnmatchedMentee,
)
from matching.services.settings import SETTING_FIELDS
from organizations.api.serializers import UserSummarySerializer
from programs.api.serializers import (
    EnrolmentCohortSerializer,
    EnrolmentProgramSerializer,
    ExplanationPartSerializer,
    ParticipantSerializer,
)

REQUEST_DIRECTIONS = [("sent", "Sent: you asked"), ("received", "Received: you were asked")]


# Settings


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The criterion, as a key of `weights`.")
    name = serializers.CharField()
    weight = serializers.IntegerField(min_value=MIN_WEIGHT, max_value=MAX_WEIGHT)


class MatchingSettingsSerializer(serializers.ModelSerializer):
    """Needs `criteria` (the program's criteria with their weights) in the context."""

    criteria = serializers.SerializerMethodField(
        help_text="What pairs are compared on, with the weight each counts for."
    )
    weights = serializers.SerializerMethodField(
        help_text=f"Criterion key -> weight, {MIN_WEIGHT} (off) to {MAX_WEIGHT} (must-have)."
    )
    personality_modes = serializers.DictField(
        child=serializers.ChoiceField(choices=PERSONALITY_MODE_CHOICES),
        read_only=True,
        help_text="Personality trait -> similar or complementary; a trait not given is similar.",
    )

    class Meta:
        model = MatchingSettings
        fields = ["criteria", "weights", *SETTING_FIELDS, "updated_at"]
        read_only_fields = fields

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, settings: MatchingSettings) -> list:
        return CriterionSerializer(self.context["criteria"], many=True).data

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_weights(self, settings: MatchingSettings) -> dict:
        return {criterion.key: criterion.weight for criterion in self.context["criteria"]}


class MatchingSettingsUpdateSerializer(serializers.Serializer):
    """The weights and rules to change; those not sent keep their value. One invalid value
    saves nothing; an error on a weight is keyed by its criterion under `weights`."""

    weights = serializers.DictField(
        child=serializers.IntegerField(min_value=MIN_WEIGHT, max_value=MAX_WEIGHT),
        required=False,
        help_text="Criterion key -> weight. At least one criterion must stay above 0.",
    )
    exclude_same_department = serializers.BooleanField(required=False)
    exclude_reporting_line = serializers.BooleanField(required=False)
    require_shared_language = serializers.BooleanField(required=False)
    max_timezone_difference_hours = serializers.IntegerField(
        min_value=0,
        max_value=12,
        allow_null=True,
        required=False,
        help_text="Null allows any distance.",
    )
    seniority_gap_min = serializers.IntegerField(min_value=-4, max_value=4, required=False)
    seniority_gap_max = serializers.IntegerField(min_value=-4, max_value=4, required=False)
    availability_target_hours = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("40"),
        required=False,
    )
    personality_modes = serializers.DictField(
        child=serializers.ChoiceField(choices=PERSONALITY_MODE_CHOICES),
        required=False,
        help_text=f"Trait ({', '.join(PERSONALITY_TRAITS)}) -> similar or complementary.",
    )
    request_expiry_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    suggestions_shown = serializers.IntegerField(min_value=1, max_value=20, required=False)

    def rule_values(self) -> dict:
        return {
            name: value for name, value in self.validated_data.items() if name in SETTING_FIELDS
        }


# Match runs


class RunCriterionSerializer(CriterionSerializer):
    method = serializers.CharField(help_text="How the two answers are compared.")


class RunRulesSerializer(serializers.Serializer):
    exclude_same_department = serializers.BooleanField()
    exclude_reporting_line = serializers.BooleanField()
    require_shared_language = serializers.BooleanField()
    max_timezone_difference_hours = serializers.FloatField(allow_null=True)
    seniority_gap_min = serializers.IntegerField()
    seniority_gap_max = serializers.IntegerField()
    availability_target_hours = serializers.FloatField()
    personality_modes = serializers.DictField(child=serializers.CharField())


class RunParametersSerializer(serializers.Serializer):
    """What the run was scored with, kept so that every match can be explained later."""

    mode = serializers.ChoiceField(choices=MatchRunMode.choices)
    maximize_matched = serializers.BooleanField()
    criteria = RunCriterionSerializer(many=True)
    rules = RunRulesSerializer()
    scored_at = serializers.DateTimeField()


class QualityBandSerializer(serializers.Serializer):
    band = serializers.CharField(help_text="A range of scores, e.g. 60-80.")
    count = serializers.IntegerField()


class RunSummarySerializer(serializers.Serializer):
    mentees = serializers.IntegerField(help_text="Mentees waiting with a complete profile.")
    mentors = serializers.IntegerField()
    places = serializers.IntegerField(help_text="The mentors' free places.")
    matched = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    incomplete_mentees = serializers.IntegerField(
        help_text="Mentees left out because their profile is not complete."
    )
    mean_score = serializers.FloatField(allow_null=True)
    median_score = serializers.FloatField(allow_null=True)
    lowest_score = serializers.FloatField(allow_null=True)
    quality = QualityBandSerializer(many=True)
    excluded_pairs_by_rule = serializers.DictField(
        child=serializers.IntegerField(), help_text="Rule -> pairs it ruled out."
    )


class MatchRunSerializer(serializers.ModelSerializer):
    created_by = UserSummarySerializer(read_only=True, allow_null=True)
    based_on = serializers.IntegerField(
        source="based_on_id",
        read_only=True,
        allow_null=True,
        help_text="The run this one re-ran, keeping its locked pairs.",
    )
    published_by = serializers.IntegerField(
        source="published_by_id", read_only=True, allow_null=True, help_text="A user's id."
    )
    summary = RunSummarySerializer(read_only=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "number",
            "mode",
            "maximize_matched",
            "status",
            "summary",
            "based_on",
            "created_by",
            "created_at",
            "published_by",
            "published_at",
        ]
        read_only_fields = fields


class MatchRunDetailSerializer(MatchRunSerializer):
    parameters = RunParametersSerializer(read_only=True)

    class Meta(MatchRunSerializer.Meta):
        fields = [*MatchRunSerializer.Meta.fields, "parameters"]
        read_only_fields = fields


class MatchRunStartSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=MatchRunMode.choices, default=MatchRunMode.OPTIMAL)
    maximize_matched = serializers.BooleanField(
        default=True,
        help_text="Best overall only: match as many mentees as possible first, then the best "
        "pairs.",
    )


class ProposalSerializer(serializers.ModelSerializer):
    mentee = ParticipantSerializer(read_only=True)
    mentor = ParticipantSerializer(read_only=True)
    explanation = ExplanationPartSerializer(many=True, read_only=True)

    class Meta:
        model = MatchProposal
        fields = ["id", "mentee", "mentor", "score", "explanation", "locked", "changed_by_admin"]
        read_only_fields = fields


class ExclusionSerializer(serializers.Serializer):
    rule = serializers.CharField()
    label = serializers.CharField(help_text="The rule in words.")
    count = serializers.IntegerField(help_text="How many mentors the rule excluded.")
    mentors = serializers.ListField(
        child=serializers.CharField(), help_text="The first few of them, by name."
    )


class UnmatchedSerializer(serializers.ModelSerializer):
    mentee = ParticipantSerializer(read_only=True)
    exclusions = ExclusionSerializer(
        many=True, read_only=True, help_text="Which rules excluded which mentors."
    )

    class Meta:
        model = UnmatchedMentee
        fields = ["id", "mentee", "reason", "exclusions", "feasible_mentors"]
        read_only_fields = fields


class SwapSerializer(serializers.Serializer):
    first = serializers.IntegerField(help_text="A proposal's id.")
    second = serializers.IntegerField(help_text="Another proposal's id.")


class ProposalLockSerializer(serializers.Serializer):
    locked = serializers.BooleanField(help_text="A locked pair is kept when the run is re-run.")


class PublishedSerializer(serializers.Serializer):
    run = MatchRunDetailSerializer()
    mentorships = serializers.ListField(
        child=serializers.IntegerField(), help_text="The ids of the mentorships started."
    )


# Self-select


class SuggestionSerializer(serializers.Serializer):
    mentor = ParticipantSerializer()
    score = serializers.FloatField()
    places_left = serializers.IntegerField()
    requested = serializers.BooleanField(help_text="Whether you have asked them and wait.")
    parts = ExplanationPartSerializer(many=True, help_text="The score, criterion by criterion.")


class MentorshipRequestSerializer(serializers.ModelSerializer):
    """Needs `user_id` (the reader) in the context."""

    direction = serializers.SerializerMethodField()
    program = EnrolmentProgramSerializer(source="cohort.program", read_only=True)
    cohort = EnrolmentCohortSerializer(read_only=True)
    mentee = ParticipantSerializer(read_only=True)
    mentor = ParticipantSerializer(read_only=True)
    explanation = ExplanationPartSerializer(many=True, read_only=True)
    mentorship = serializers.IntegerField(
        source="mentorship_id",
        read_only=True,
        allow_null=True,
        help_text="The mentorship the request started, once accepted.",
    )

    class Meta:
        model = MentorshipRequest
        fields = [
            "id",
            "direction",
            "program",
            "cohort",
            "mentee",
            "mentor",
            "status",
            "message",
            "response",
            "score",
            "explanation",
            "created_at",
            "expires_at",
            "responded_at",
            "mentorship",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=REQUEST_DIRECTIONS))
    def get_direction(self, request: MentorshipRequest) -> str:
        return "received" if request.mentor.user_id == self.context["user_id"] else "sent"


class MentorshipRequestSendSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(help_text="Your place in the cohort, as a mentee.")
    mentor = serializers.IntegerField(help_text="The mentor's enrolment id (see suggestions).")
    message = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text="Why this mentor, and what you hope to work on together.",
    )


class MentorshipRequestDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        default="",
        help_text="Optional; the mentee reads it.",
    )
