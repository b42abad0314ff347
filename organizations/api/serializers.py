from __future__ import annotations

from rest_framework import serializers

from accounts.models import User
from organizations.audit_log import audit_sentence
from organizations.models import AuditAction, AuditEvent, Invitation, Membership, Organization, Role


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class OrganizationSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this organisation.")

    class Meta:
        model = Organization
        fields = ["slug", "name", "require_mfa_for_staff", "created_at", "role"]
        read_only_fields = ["slug", "created_at", "role"]

    def get_role(self, organization: Organization) -> str | None:
        return self.context.get("roles", {}).get(organization.pk)


class OrganizationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=50, required=False, allow_blank=True)


class MemberSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = ["id", "user", "created_at"]


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    invited_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "invited_by", "created_at", "expires_at"]


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(
        source="actor_id",
        allow_null=True,
        help_text="The acting person's user id; null once their account is deleted, or when the "
        "platform acted on its own.",
    )
    actor_label = serializers.CharField(help_text="The acting person as they were named then.")
    action = serializers.ChoiceField(choices=AuditAction.choices)
    action_label = serializers.CharField(source="get_action_display")
    target_label = serializers.CharField(help_text="What the action was about, as written then.")
    description = serializers.SerializerMethodField(help_text="The entry as a sentence.")

    class Meta:
        model = AuditEvent
        fields = [
            "id", "created_at", "actor", "actor_label", "action", "action_label", "target_label",
            "description", "details",
        ]  # fmt: skip

    def get_description(self, event: AuditEvent) -> str:
        return audit_sentence(event)
