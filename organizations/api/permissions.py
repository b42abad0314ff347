"""DRF permissions for /api/v1/orgs/<org_slug>/...: membership first, then role."""

from __future__ import annotations

from rest_framework import exceptions, permissions

from organizations.access import missing_required_mfa
from organizations.models import MEMBER_MANAGER_ROLES, Membership, Role


class IsOrganizationMember(permissions.BasePermission):
    """Non-members get 404, exactly as for an organisation that does not exist."""

    def has_permission(self, request, view) -> bool:
        organization = getattr(view, "organization", None)
        if organization is None or not request.user.is_authenticated:
            raise exceptions.NotFound()
        membership = (
            Membership.objects.filter(user=request.user)
            .select_related("organization", "user")
            .first()
        )
        if membership is None:
            raise exceptions.NotFound()
        if missing_required_mfa(membership):
            raise MfaRequiredError()
        view.membership = membership
        return True


class MfaRequiredError(exceptions.PermissionDenied):
    default_detail = (
        "This organisation requires two-factor authentication for your role. "
        "Turn it on in your account settings, then try again."
    )
    default_code = "mfa_required"


class HasOrganizationRole(IsOrganizationMember):
    """Members whose role is not in `roles` get 403 (they know the organisation exists)."""

    roles: frozenset[str] = frozenset()
    message = "Your role in this organisation does not allow this."

    def has_permission(self, request, view) -> bool:
        super().has_permission(request, view)
        return view.membership.role in self.roles


class CanManageMembers(HasOrganizationRole):
    roles = MEMBER_MANAGER_ROLES
    message = "Only owners and admins manage members and invitations."


class CanSeeMembers(HasOrganizationRole):
    roles = frozenset(Role.values) - {Role.MEMBER}
    message = "Participants cannot list the organisation's members."


class ReadOnlyOrManageMembers(IsOrganizationMember):
    """Everyone in the organisation reads; owners and admins write."""

    def has_permission(self, request, view) -> bool:
        super().has_permission(request, view)
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.membership.role not in MEMBER_MANAGER_ROLES:
            raise exceptions.PermissionDenied("Only owners and admins change the organisation.")
        return True
