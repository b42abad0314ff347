from __future__ import annotations

from rest_framework import serializers


class PersonalAccountSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    timezone = serializers.CharField()
    locale = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)
    mfa_enabled = serializers.BooleanField(help_text="An authenticator app is set up.")
    mfa_methods = serializers.ListField(child=serializers.CharField())


class PersonalOrganizationSerializer(serializers.Serializer):
    organization = serializers.DictField(help_text="Its name and slug.")
    membership = serializers.DictField(help_text="Your role and when you joined.")
    programs_managed = serializers.ListField(child=serializers.DictField())
    enrolments = serializers.ListField(
        child=serializers.DictField(), help_text="Each with your profile answers."
    )
    mentorship_requests = serializers.ListField(
        child=serializers.DictField(),
        help_text="Sent and received; only your own words (your message, or your answer).",
    )
    mentors_excluded = serializers.ListField(child=serializers.DictField())
    mentorships = serializers.ListField(
        child=serializers.DictField(),
        help_text="With the partners' names, the agreement and your confirmations of it.",
    )
    messages = serializers.ListField(
        child=serializers.DictField(),
        help_text="The messages you wrote, with their conversation; never anyone else's.",
    )
    message_reports = serializers.ListField(child=serializers.DictField())
    goals = serializers.ListField(child=serializers.DictField(), help_text="With milestones.")
    milestone_comments = serializers.ListField(child=serializers.DictField())
    goal_progress_notes = serializers.ListField(child=serializers.DictField())
    check_ins = serializers.ListField(
        child=serializers.DictField(), help_text="The check-ins you wrote."
    )
    meetings = serializers.ListField(
        child=serializers.DictField(),
        help_text="Your mentorships' meetings, with the shared notes and your private note.",
    )
    shared_items = serializers.ListField(
        child=serializers.DictField(), help_text="What you shared, files included by name."
    )
    notifications = serializers.ListField(child=serializers.DictField())
    survey_responses = serializers.ListField(
        child=serializers.DictField(),
        help_text="Answers to anonymous questions are never linked to you, so never listed.",
    )
    calendar_feeds = serializers.ListField(child=serializers.DictField())
    scheduled_reports = serializers.ListField(child=serializers.DictField())


class PersonalDataSerializer(serializers.Serializer):
    """Everything the platform holds about you (documents the download's shape)."""

    format = serializers.CharField(help_text="mentorship-personal-data/1")
    exported_at = serializers.DateTimeField()
    account = PersonalAccountSerializer()
    email_addresses = serializers.ListField(child=serializers.DictField())
    api_tokens = serializers.ListField(
        child=serializers.DictField(), help_text="Names and dates; never the token or its hash."
    )
    notification_preferences = serializers.DictField(allow_null=True)
    organizations = PersonalOrganizationSerializer(many=True)


class AccountEraseSerializer(serializers.Serializer):
    email = serializers.CharField(
        max_length=254, help_text="Your account's email address, to confirm."
    )

    def validate_email(self, value: str) -> str:
        user = self.context["user"]
        if value.strip().lower() != user.email.lower():
            raise serializers.ValidationError(
                f"That is not this account's address. Send {user.email} to confirm."
            )
        return value


class AccountErasedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    organizations = serializers.IntegerField(help_text="Organisations you were a member of.")
    mentorships_ended = serializers.IntegerField()
