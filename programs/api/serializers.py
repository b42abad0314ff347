from __future__ import annotations

from dataclasses import fields

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.models import (
    Cohort,
    CohortStatus,
    Comparison,
    Enrolment,
    EnrolmentRole,
    MatchingMode,
    MeetingCadence,
    ProfileQuestion,
    Program,
    ProgramFormat,
    ProgramManager,
    ProgramStatus,
    QuestionAudience,
    QuestionKind,
)
from programs.program_templates import PROGRAM_TEMPLATES
from programs.services import (
    COHORT_TRANSITIONS,
    CohortSettings,
    ProgramSettings,
    QuestionSettings,
)
from programs.standard_questions import LANGUAGES

PROGRAM_SETTING_NAMES = tuple(field.name for field in fields(ProgramSettings))
COHORT_SETTING_NAMES = tuple(field.name for field in fields(CohortSettings))
QUESTION_SETTING_NAMES = tuple(field.name for field in fields(QuestionSettings))


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


class CohortSerializer(serializers.ModelSerializer):
    program = serializers.IntegerField(source="program_id", read_only=True)
    next_statuses = serializers.SerializerMethodField(
        help_text="Where the cohort may move next (see the transition endpoint)."
    )

    class Meta:
        model = Cohort
        fields = [
            "id",
            "program",
            "name",
            "enrolment_opens_on",
            "enrolment_closes_on",
            "starts_on",
            "ends_on",
            "target_mentors",
            "target_mentees",
            "status",
            "status_changed_at",
            "next_statuses",
            "created_at",
        ]
        read_only_fields = fields

    def get_next_statuses(self, cohort: Cohort) -> list[str]:
        return sorted(COHORT_TRANSITIONS[cohort.status])


class CohortSettingsSerializer(serializers.Serializer):
    """The settings of a cohort; dates are ISO dates (2027-01-31). On PATCH all are optional."""

    name = serializers.CharField(max_length=120)
    enrolment_opens_on = serializers.DateField()
    enrolment_closes_on = serializers.DateField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target_mentors = serializers.IntegerField(min_value=0, default=0)
    target_mentees = serializers.IntegerField(min_value=0, default=0)

    def cohort_settings(self, base: dict | None = None) -> CohortSettings:
        """The settings given in the request, the rest taken from `base`."""
        return CohortSettings(**{**(base or {}), **self.validated_data})


def cohort_settings_of(cohort: Cohort) -> dict:
    return {name: getattr(cohort, name) for name in COHORT_SETTING_NAMES}


class CohortTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CohortStatus.choices)
    force = serializers.BooleanField(
        default=False,
        help_text="Move even though the cohort's dates say not yet (e.g. match before enrolment "
        "closes). Some moves cannot be forced.",
    )


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
        choices=[("up", "Up"), ("down", "Down")],
        help_text="Swap the question with its neighbour above (up) or below (down).",
    )


class EnrolmentSerializer(serializers.ModelSerializer):
    """A participant of a cohort, as those who run the program see them."""

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "state",
            "department",
            "manager_email",
            "mentor_capacity",
            "profile_completed_at",
            "created_at",
        ]
        read_only_fields = fields


class EnrolmentInviteSerializer(serializers.Serializer):
    """A member of the organisation is enrolled straight away (approved); anyone else is sent
    the organisation's invitation and their place waits as invited."""

    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150, allow_blank=True, required=False, default="")
    role = serializers.ChoiceField(choices=EnrolmentRole.choices)
    department = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    mentor_capacity = serializers.IntegerField(
        min_value=1,
        max_value=50,
        allow_null=True,
        required=False,
        default=None,
        help_text="Mentors only: how many mentees they take on; empty means the program default.",
    )


class EnrolmentImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV (UTF-8) with the columns email, name, role, and optionally department "
        "and manager_email."
    )


class EnrolmentImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField(help_text="Rows imported.")
    enrolled_members = serializers.IntegerField(help_text="Members enrolled straight away.")
    invited = serializers.IntegerField(help_text="People invited to the organisation by email.")


class ImportRowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The line of the file (the header is line 1).")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportRejectedSerializer(serializers.Serializer):
    """The standard error shape, with every problem of the file by line."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    rows = ImportRowErrorSerializer(many=True)


class EnrolmentProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EnrolmentCohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=CohortStatus.choices)


class MyEnrolmentSerializer(serializers.ModelSerializer):
    """One of your own places in a cohort."""

    program = EnrolmentProgramSerializer(source="cohort.program", read_only=True)
    cohort = EnrolmentCohortSerializer(read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "program", "cohort", "role", "state"]
        read_only_fields = fields


def answer_options(question: ProfileQuestion, skills: list[str]) -> list[str]:
    """The options an answer is picked from; empty for kinds answered freely."""
    if question.kind == QuestionKind.SKILLS:
        return list(skills)
    if question.kind == QuestionKind.LANGUAGES:
        return list(LANGUAGES)
    return list(question.choices)


class ProfileQuestionSerializer(serializers.ModelSerializer):
    """Needs `skills` (the program's skill list) in the context."""

    choices = serializers.SerializerMethodField(
        help_text="The options to choose from (choice, skills and languages questions)."
    )

    class Meta:
        model = ProfileQuestion
        fields = ["key", "label", "kind", "required", "choices", "help_text"]
        read_only_fields = fields

    def get_choices(self, question: ProfileQuestion) -> list[str]:
        return answer_options(question, self.context["skills"])


class ProfileSerializer(serializers.Serializer):
    questions = ProfileQuestionSerializer(many=True, read_only=True)
    answers = serializers.DictField(
        read_only=True, help_text="Your answers so far, keyed by question key."
    )


class ProfileUpdateSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="Every answer, keyed by question key; a question left out is unanswered. "
        "One invalid answer stores none, and the errors are keyed by question key."
    )
