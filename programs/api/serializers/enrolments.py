"""Programs API serializers: participants, imports and profiles."""

from __future__ import annotations

from rest_framework import serializers

from programs.models import (
    CohortStatus,
    Enrolment,
    EnrolmentRole,
    ProfileQuestion,
    QuestionKind,
)
from programs.standard_questions import LANGUAGES


class EnrolmentSerializer(serializers.ModelSerializer):
    """A participant of a cohort, as those who run the program see them."""

    # Optional: an empty string when nobody gave it (so not documented as an email format).
    manager_email = serializers.CharField(read_only=True)

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
    """The standard error shape; `rows` lists every problem of the file by line when the file
    could be read (a file that cannot be read at all has its reason under `fields.file`)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    rows = ImportRowErrorSerializer(many=True, required=False)


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
