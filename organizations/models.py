from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organizations.scope import TenantManager, TenantScopeError, _current_organization_id


class Organization(models.Model):
    """A tenant: one company or community running mentorship programs."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=50, unique=True)
    require_mfa_for_staff = models.BooleanField(
        default=False,
        help_text="Owners, admins and report viewers must use two-factor authentication.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """Base for every row owned by an organisation.

    `objects` is scoped to the organisation in scope and fails closed; `all_organizations` is the
    explicit escape hatch. Saving a row into another organisation than the one in scope raises.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()
    all_organizations = models.Manager()  # noqa: DJ012 - the named escape hatch sits beside objects

    class Meta:
        abstract = True
        base_manager_name = "all_organizations"

    def save(self, *args, **kwargs) -> None:
        scoped_id = _current_organization_id.get()
        if scoped_id is not None and self.organization_id != scoped_id:
            raise TenantScopeError("Refusing to save a row into an organisation outside the scope.")
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    PROGRAM_MANAGER = "program_manager", "Program manager"
    REPORT_VIEWER = "report_viewer", "Report viewer"
    MEMBER = "member", "Member"


ROLE_DESCRIPTIONS = {
    Role.OWNER: "Everything, including the organisation's settings and its owners.",
    Role.ADMIN: "Manages members, invitations and every program.",
    Role.PROGRAM_MANAGER: "Runs the programs they are assigned to.",
    Role.REPORT_VIEWER: "Sees program health and exports reports, never private content.",
    Role.MEMBER: "Takes part in programs as a mentor or mentee.",
}

MEMBER_MANAGER_ROLES = frozenset({Role.OWNER, Role.ADMIN})
STAFF_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.REPORT_VIEWER})


class Membership(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_unique_user_per_org"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]
        indexes = [models.Index(fields=["user", "organization"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.get_role_display()})"

    @property
    def can_manage_members(self) -> bool:
        return self.role in MEMBER_MANAGER_ROLES


def _invitation_key() -> str:
    return secrets.token_urlsafe(24)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class Invitation(TenantModel):
    """A single-use, expiring link that makes the person with this email a member."""

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    key = models.CharField(max_length=64, default=_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organization_id}"

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING
