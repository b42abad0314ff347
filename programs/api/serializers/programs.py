"""Programs API serializers: programs, templates and managers."""

from __future__ import annotations

from dataclasses import fields

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.models import (
    MatchingMode,
    MeetingCadence,
    Program,
    ProgramFormat,
    ProgramManager,
    ProgramStatus,
)
from programs.program_templates import PROGRAM_TEMPLATES
from programs.services import (
    ProgramSettings,
)

PROGRAM_SETTING_NAMES = tuple(field.name for field in fields(ProgramSettings))


class ProgramManagerSerializer(serializers.ModelSerializer):
    """A program manager assigned to the program: the user, and since when."""

    id = serializers.IntegerField(source="user_id", read_only=True, help_text="The user's id.")
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    assigned_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = ProgramManager
        fields = ["id", "email", "full_name", "assigned_at"]


class ProgramManagerAssignSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(help_text="A member with the program manager role.")


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "purpose",
            "description",
            "format",
            "matching_mode",
            "default_mentor_capacity",
            "relationship_length_weeks",
            "meeting_cadence",
            "confidentiality_text",
            "status",
            "template",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProgramListSerializer(ProgramSerializer):
    cohort_count = serializers.IntegerField(read_only=True)
    open_cohort_count = serializers.IntegerField(
        read_only=True, help_text="Cohorts enrolling or matching."
    )

    class Meta(ProgramSerializer.Meta):
        fields = [*ProgramSerializer.Meta.fields, "cohort_count", "open_cohort_count"]
        read_only_fields = fields


class ProgramDetailSerializer(ProgramSerializer):
    """Needs `managers` (the program's ProgramManager rows) and `can_manage` in the context."""

    skills = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The skills mentors offer and mentees want: the options of skill questions.",
    )
    managers = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField(
        help_text="Whether you may change this program, its managers and its cohorts."
    )

    class Meta(ProgramSerializer.Meta):
        fields = [*ProgramSerializer.Meta.fields, "skills", "managers", "can_manage"]
        read_only_fields = fields

    @extend_schema_field(ProgramManagerSerializer(many=True))
    def get_managers(self, program: Program) -> list:
        return ProgramManagerSerializer(self.context["managers"], many=True).data

    def get_can_manage(self, program: Program) -> bool:
        return self.context["can_manage"]


class ProgramSettingsSerializer(serializers.Serializer):
    """The settings of a program. Only the name is required: on create, the rest default to the
    template's (or the platform's) defaults; on PATCH, to the program's current settings."""

    name = serializers.CharField(max_length=120)
    purpose = serializers.CharField(max_length=255, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    format = serializers.ChoiceField(choices=ProgramFormat.choices, required=False)
    matching_mode = serializers.ChoiceField(choices=MatchingMode.choices, required=False)
    default_mentor_capacity = serializers.IntegerField(min_value=1, max_value=50, required=False)
    relationship_length_weeks = serializers.IntegerField(min_value=1, max_value=156, required=False)
    meeting_cadence = serializers.ChoiceField(choices=MeetingCadence.choices, required=False)
    confidentiality_text = serializers.CharField(max_length=4000, allow_blank=True, required=False)

    def has_settings(self) -> bool:
        return any(name in self.validated_data for name in PROGRAM_SETTING_NAMES)

    def program_settings(self, base: dict) -> ProgramSettings:
        """The settings given in the request, the rest taken from `base`."""
        given = {
            name: value
            for name, value in self.validated_data.items()
            if name in PROGRAM_SETTING_NAMES
        }
        return ProgramSettings(**{**base, **given})


class ProgramCreateSerializer(ProgramSettingsSerializer):
    template = serializers.ChoiceField(
        choices=[(key, template.label) for key, template in PROGRAM_TEMPLATES.items()],
        required=False,
        allow_blank=True,
        help_text="Fills every setting not given here with the template's default.",
    )

    def program_settings_from_template(self) -> ProgramSettings:
        template = PROGRAM_TEMPLATES.get(self.validated_data.get("template", ""))
        # The service explains a missing purpose; a template supplies one.
        base = {"purpose": ""} | (template.initial() if template else {})
        return self.program_settings(base)


class ProgramUpdateSerializer(ProgramSettingsSerializer):
    status = serializers.ChoiceField(
        choices=ProgramStatus.choices,
        required=False,
        help_text="Archiving is refused while a cohort is under way.",
    )
    skills = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Replaces the skill list. Blanks and duplicates (ignoring case) are dropped.",
    )


def program_settings_of(program: Program) -> dict:
    return {name: getattr(program, name) for name in PROGRAM_SETTING_NAMES}


class ProgramTemplateDefaultsSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    description = serializers.CharField()
    format = serializers.ChoiceField(choices=ProgramFormat.choices)
    matching_mode = serializers.ChoiceField(choices=MatchingMode.choices)
    default_mentor_capacity = serializers.IntegerField()
    relationship_length_weeks = serializers.IntegerField()
    meeting_cadence = serializers.ChoiceField(choices=MeetingCadence.choices)


class ProgramTemplateSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Pass as `template` when creating a program.")
    label = serializers.CharField()
    summary = serializers.CharField()
    defaults = ProgramTemplateDefaultsSerializer(source="*")
