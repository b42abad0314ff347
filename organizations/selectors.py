"""Reads of organisations, memberships and invitations. Every read takes the organisation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from organizations.models import Invitation, InvitationStatus, Membership, Organization
from organizations.scope import organization_scope


def memberships_of_user(user: User) -> QuerySet[Membership]:
    """Every organisation the user belongs to: the one deliberate cross-tenant read."""
    if not user.is_authenticated:
        return Membership.all_organizations.none()
    return (
        Membership.all_organizations.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def open_invitations_for_user(user: User) -> list[Invitation]:
    """Open invitations addressed to the user's (verified) login email, in any organisation.

    A cross-tenant read on purpose: the invitee is not a member yet. Only invitations to the
    address they proved they own at sign-up, and only ones that still work.
    """
    if not user.is_authenticated:
        return []
    invitations = (
        Invitation.all_organizations.filter(
            email__iexact=user.email, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("organization", "invited_by")
        .order_by("-created_at")
    )
    member_of = set(
        Membership.all_organizations.filter(user=user).values_list("organization_id", flat=True)
    )
    return [
        invitation
        for invitation in invitations
        if invitation.status == InvitationStatus.PENDING
        and invitation.organization_id not in member_of
    ]


def get_organization_by_slug(slug: str) -> Organization:
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404("No such organisation.") from None


def get_membership_for(user: User, organization: Organization) -> Membership:
    """The user's membership of the organisation; 404 when there is none (no existence oracle)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such organisation.")
    with organization_scope(organization):
        try:
            return Membership.objects.select_related("organization", "user").get(user=user)
        except Membership.DoesNotExist:
            raise Http404("No such organisation.") from None


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    with organization_scope(organization):
        return (
            Membership.objects.filter(organization=organization)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )


def get_member_for(*, organization: Organization, membership_id: int) -> Membership:
    with organization_scope(organization):
        try:
            return Membership.objects.select_related("user").get(pk=membership_id)
        except (Membership.DoesNotExist, ValueError, TypeError):
            raise Http404("No such member.") from None


def open_invitations_of(*, organization: Organization) -> QuerySet[Invitation]:
    with organization_scope(organization):
        return (
            Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
            .select_related("invited_by")
            .order_by("-created_at")
        )


def get_invitation_for(*, organization: Organization, invitation_id: int) -> Invitation:
    with organization_scope(organization):
        try:
            return Invitation.objects.select_related("invited_by").get(pk=invitation_id)
        except (Invitation.DoesNotExist, ValueError, TypeError):
            raise Http404("No such invitation.") from None
