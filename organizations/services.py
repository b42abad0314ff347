"""Writes of organisations, memberships and invitations. Each is one transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.text import slugify

from accounts.models import User
from mentorship.ratelimit import invitations_take
from organizations.audit import AuditAction, audit_record, person_label
from organizations.events import member_joined
from organizations.invitation_links import read_invitation_token
from organizations.models import (
    MEMBER_MANAGER_ROLES,
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Role,
)
from organizations.realtime import sockets_close, sockets_refresh_access
from organizations.scope import organization_scope
from organizations.tasks import send_invitation_email

RESERVED_SLUGS = frozenset({"new", "admin", "api", "static", "media", "ws", "healthz", "accounts"})
INVALID_LINK_MESSAGE = "This invitation link is not valid. Check that you copied all of it."


def _require_member_manager(membership: Membership) -> None:
    if membership.role not in MEMBER_MANAGER_ROLES:
        raise PermissionDenied("Only owners and admins manage members.")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "organisation"
    if base in RESERVED_SLUGS:
        base = f"{base}-org"
    candidate, suffix = base, 2
    while Organization.objects.filter(slug=candidate).exists():
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate


@transaction.atomic
def organization_create(*, actor: User, name: str, slug: str = "") -> Organization:
    """Create an organisation; its creator becomes its first owner."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the organisation a name."})
    if slug:
        slug = slugify(slug)
        if slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{slug}” is reserved; choose another address."})
        if Organization.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": "That address is taken; choose another."})
    else:
        slug = _unique_slug(name)
    organization = Organization.objects.create(name=name, slug=slug)
    with organization_scope(organization):
        Membership.objects.create(organization=organization, user=actor, role=Role.OWNER)
    return organization


@transaction.atomic
def organization_update(
    *, actor_membership: Membership, name: str, require_mfa_for_staff: bool
) -> Organization:
    _require_member_manager(actor_membership)
    organization = actor_membership.organization
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the organisation a name."})
    if (
        require_mfa_for_staff != organization.require_mfa_for_staff
        and actor_membership.role != Role.OWNER
    ):
        raise PermissionDenied(
            "Only the organisation's owners turn the two-factor requirement on or off."
        )
    old_name, old_require_mfa = organization.name, organization.require_mfa_for_staff
    organization.name = name
    organization.require_mfa_for_staff = require_mfa_for_staff
    organization.save(update_fields=["name", "require_mfa_for_staff"])
    if name != old_name:
        audit_record(
            organization=organization,
            actor=actor_membership.user,
            action=AuditAction.ORGANIZATION_SETTINGS_CHANGED,
            target_label=f"name: {old_name} -> {name}",
            details={"field": "name", "from": old_name, "to": name},
        )
    if require_mfa_for_staff != old_require_mfa:
        audit_record(
            organization=organization,
            actor=actor_membership.user,
            action=AuditAction.ORGANIZATION_MFA_CHANGED,
            target_label="two-factor authentication required for owners, admins and report "
            f"viewers: {'off -> on' if require_mfa_for_staff else 'on -> off'}",
            details={"field": "require_mfa_for_staff", "from": old_require_mfa,
                     "to": require_mfa_for_staff},
        )  # fmt: skip
    return organization


def _owner_count(organization: Organization) -> int:
    return Membership.objects.filter(organization=organization, role=Role.OWNER).count()


@transaction.atomic
def membership_change_role(
    *, actor_membership: Membership, membership: Membership, role: str
) -> Membership:
    """Owners change any role; admins change roles below admin. The last owner stays an owner."""
    _require_member_manager(actor_membership)
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    organization = actor_membership.organization
    with organization_scope(organization):
        membership = (
            Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        )
        if actor_membership.role != Role.OWNER and (
            role in (Role.OWNER, Role.ADMIN) or membership.role in (Role.OWNER, Role.ADMIN)
        ):
            raise PermissionDenied("Only an owner can grant or change the owner and admin roles.")
        if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(organization) <= 1:
            raise ValidationError({"role": "An organisation needs at least one owner."})
        old_role = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        if role != old_role:
            audit_record(
                organization=organization,
                actor=actor_membership.user,
                action=AuditAction.MEMBER_ROLE_CHANGED,
                target_label=f"{person_label(membership.user)}: {Role(old_role).label.lower()} "
                f"-> {Role(role).label.lower()}",
                details={"user_id": membership.user_id, "person": person_label(membership.user),
                         "from": old_role, "to": role},
            )  # fmt: skip
    sockets_refresh_access(organization_id=organization.pk, user_ids=[membership.user_id])
    return membership


@transaction.atomic
def membership_remove(*, actor_membership: Membership, membership: Membership) -> None:
    """Remove a member. Admins cannot remove owners or admins; the last owner cannot leave."""
    organization = actor_membership.organization
    is_self = membership.pk == actor_membership.pk
    if not is_self:
        _require_member_manager(actor_membership)
        if actor_membership.role != Role.OWNER and membership.role in (Role.OWNER, Role.ADMIN):
            raise PermissionDenied("Only an owner can remove an owner or an admin.")
    with organization_scope(organization):
        if membership.role == Role.OWNER and _owner_count(organization) <= 1:
            raise ValidationError(
                "An organisation needs at least one owner; make someone else owner first."
            )
        Membership.objects.filter(pk=membership.pk).delete()
        audit_record(
            organization=organization,
            actor=actor_membership.user,
            action=AuditAction.MEMBER_REMOVED,
            target_label=f"{person_label(membership.user)} ({Role(membership.role).label.lower()})",
            details={"user_id": membership.user_id, "person": person_label(membership.user),
                     "role": membership.role, "left": is_self},
        )  # fmt: skip
    # Whatever they had open in this organisation stops now: chat, notifications.
    sockets_close(organization_id=organization.pk, user_id=membership.user_id)


@transaction.atomic
def invitation_create(
    *, actor_membership: Membership, email: str, role: str = Role.MEMBER
) -> Invitation:
    """Invite an email address. A newer invitation replaces an open one for the same address.
    Each invitation sent counts against the pace limits of invitations (mentorship.ratelimit)."""
    _require_member_manager(actor_membership)
    organization = actor_membership.organization
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    if role == Role.OWNER and actor_membership.role != Role.OWNER:
        raise PermissionDenied("Only an owner can invite another owner.")
    with organization_scope(organization):
        if Membership.objects.filter(user__email__iexact=email).exists():
            raise ValidationError({"email": f"{email} is already a member of {organization.name}."})
        invitations_take(organization_id=organization.pk, user_id=actor_membership.user_id, count=1)
        now = timezone.now()
        replaced = Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organization=organization, email=email, role=role, invited_by=actor_membership.user
        )
        audit_record(
            organization=organization,
            actor=actor_membership.user,
            action=AuditAction.INVITATION_CREATED,
            target_label=f"{email} as {Role(role).label.lower()}",
            details={"invitation_id": invitation.pk, "email": email, "role": role,
                     "replaced": replaced},
        )  # fmt: skip
    transaction.on_commit(lambda: send_invitation_email.delay(organization.pk, invitation.pk))
    return invitation


@transaction.atomic
def invitation_ensure_for_participant(*, actor_membership: Membership, email: str) -> Invitation:
    """An open member invitation for `email`, reusing one already out; for program managers
    inviting a participant (they cannot invite people into other roles). A new one counts
    against the pace limits of invitations (mentorship.ratelimit)."""
    if actor_membership.role not in (*MEMBER_MANAGER_ROLES, Role.PROGRAM_MANAGER):
        raise PermissionDenied("Only owners, admins and program managers invite participants.")
    organization = actor_membership.organization
    email = email.strip().lower()
    with organization_scope(organization):
        existing = (
            Invitation.objects.filter(
                email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None and existing.status == InvitationStatus.PENDING:
            return existing
        invitations_take(organization_id=organization.pk, user_id=actor_membership.user_id, count=1)
        if existing is not None:  # expired: replace it with a fresh one
            existing.revoked_at = timezone.now()
            existing.save(update_fields=["revoked_at"])
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=Role.MEMBER,
            invited_by=actor_membership.user,
        )
        audit_record(
            organization=organization,
            actor=actor_membership.user,
            action=AuditAction.INVITATION_CREATED,
            target_label=f"{email} as {Role.MEMBER.label.lower()}",
            details={"invitation_id": invitation.pk, "email": email, "role": Role.MEMBER,
                     "replaced": int(existing is not None)},
        )  # fmt: skip
    transaction.on_commit(lambda: send_invitation_email.delay(organization.pk, invitation.pk))
    return invitation


@transaction.atomic
def invitation_revoke(*, actor_membership: Membership, invitation: Invitation) -> Invitation:
    _require_member_manager(actor_membership)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(f"This invitation is already {invitation.status.label.lower()}.")
    invitation.revoked_at = timezone.now()
    with organization_scope(actor_membership.organization):
        invitation.save(update_fields=["revoked_at"])
    audit_record(
        organization=actor_membership.organization,
        actor=actor_membership.user,
        action=AuditAction.INVITATION_REVOKED,
        target_label=f"{invitation.email} as {Role(invitation.role).label.lower()}",
        details={"invitation_id": invitation.pk, "email": invitation.email,
                 "role": invitation.role},
    )  # fmt: skip
    return invitation


class InvitationError(ValidationError):
    """The invitation link cannot be used; the message says why, for the person holding it."""


class InvitationNotFoundError(InvitationError):
    """The link does not point to an invitation of this organisation (mistyped, or forged)."""


def invitation_from_token(*, organization: Organization, token: str) -> Invitation:
    """The invitation a link points to, or InvitationError saying why the link is unusable."""
    decoded = read_invitation_token(organization_id=organization.pk, token=token)
    if decoded is None:
        raise InvitationNotFoundError(INVALID_LINK_MESSAGE)
    invitation_id, key = decoded
    with organization_scope(organization):
        invitation = (
            Invitation.objects.select_related("organization", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
    if invitation is None or not constant_time_compare(invitation.key, key):
        raise InvitationNotFoundError(INVALID_LINK_MESSAGE)
    return invitation


def check_invitation_usable(invitation: Invitation, user: User) -> None:
    status = invitation.status
    if status == InvitationStatus.ACCEPTED:
        raise InvitationError("This invitation has already been used. Each link works once.")
    if status == InvitationStatus.REVOKED:
        raise InvitationError("This invitation was withdrawn. Ask an admin to invite you again.")
    if status == InvitationStatus.EXPIRED:
        raise InvitationError("This invitation has expired. Ask an admin to send you a new one.")
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            f"This invitation was sent to {invitation.email}, but you are signed in as {user.email}. "
            "Sign in with the invited address to accept it."
        )


@transaction.atomic
def invitation_accept(*, user: User, organization: Organization, token: str) -> Membership:
    """Use an invitation once: the invited person (by email) becomes a member with its role."""
    invitation = invitation_from_token(organization=organization, token=token)
    with organization_scope(organization):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_invitation_usable(invitation, user)
        if Membership.objects.filter(user=user).exists():
            raise InvitationError(f"You are already a member of {organization.name}.")
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organization=organization, user=user, role=invitation.role
                )
        except IntegrityError:
            raise InvitationError(f"You are already a member of {organization.name}.") from None
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        membership.organization = organization
        member_joined(membership)
    return membership


@transaction.atomic
def membership_join_by_link(*, organization: Organization, user: User) -> Membership:
    """Someone holding a program's application link joins the organisation as a member (or is
    one already). The link is the program manager's to share; it grants only the member role."""
    with organization_scope(organization):
        membership = (
            Membership.objects.select_related("organization", "user").filter(user=user).first()
        )
        if membership is not None:
            return membership
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organization=organization, user=user, role=Role.MEMBER
                )
        except IntegrityError:  # joined a moment ago in another tab
            return Membership.objects.select_related("organization", "user").get(user=user)
        membership.organization = organization
        member_joined(membership)
    return membership
