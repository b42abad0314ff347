"""Operators' admin. Tenant models are listed across organisations through the named escape hatch."""

from django.contrib import admin

from organizations.audit import organization_delete_with_audit_log
from organizations.models import Invitation, Membership, Organization


class AllOrganizationsAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.all_organizations.select_related("organization")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "require_mfa_for_staff", "created_at"]
    search_fields = ["name", "slug"]

    # The audit log refuses deletes (a database trigger on PostgreSQL) except on this path.
    def delete_model(self, request, obj: Organization) -> None:
        organization_delete_with_audit_log(obj)

    def delete_queryset(self, request, queryset) -> None:
        for organization in queryset:
            organization_delete_with_audit_log(organization)


@admin.register(Membership)
class MembershipAdmin(AllOrganizationsAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organization__slug"]
    raw_id_fields = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(AllOrganizationsAdmin):
    list_display = [
        "email",
        "organization",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    search_fields = ["email", "organization__slug"]
    raw_id_fields = ["organization", "invited_by", "accepted_by"]
    exclude = ["key"]
