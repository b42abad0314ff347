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


class AuditAction(models.TextChoices):
    """Every admin action the organisation's audit log records, as `<noun>.<verb>`."""

    MEMBER_ROLE_CHANGED = "member.role_changed", "Role changed"
    MEMBER_REMOVED = "member.removed", "Member removed"
    INVITATION_CREATED = "invitation.created", "Invitation created"
    INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"
    MATCHES_PUBLISHED = "matches.published", "Matches published"
    REPORT_EXPORTED = "report.exported", "Report exported"
    AUDIT_EXPORTED = "audit.exported", "Audit log exported"
    ORGANIZATION_EXPORTED = "organization.exported", "Organisation exported"
    ORGANIZATION_SETTINGS_CHANGED = "organization.settings_changed", "Settings changed"
    ORGANIZATION_MFA_CHANGED = "organization.mfa_changed", "Two-factor requirement changed"
    PROGRAM_ARCHIVED = "program.archived", "Program archived"
    PROGRAM_DELETED = "program.deleted", "Program deleted"
    ACCOUNT_ERASED = "account.erased", "Account erased"


class AuditLogAppendOnlyError(RuntimeError):
    """An audit event was about to be changed or deleted: the log is append-only."""


class AuditEventQuerySet(models.QuerySet):
    """Refuses bulk changes: an audit event, once written, stays as written.

    The one update let through is `actor=None`, which Django runs when a person's account is
    deleted (the foreign key is SET_NULL): the entry keeps the name in `actor_label`.
    """

    def update(self, **kwargs):
        if kwargs == {"actor": None}:
            return super().update(**kwargs)
        raise AuditLogAppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogAppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogAppendOnlyError("Audit events cannot be changed.")


class AuditEventTenantManager(TenantManager.from_queryset(AuditEventQuerySet)):
    pass


class AuditEvent(TenantModel):
    """One admin action in an organisation, written once and never changed or deleted.

    The labels are copied at the time of the action so that the line still reads correctly after
    the actor or the target is renamed or erased. On PostgreSQL a trigger refuses every UPDATE but
    the one clearing `actor` when an account is deleted, and every DELETE unless the transaction
    has set `mentorship.audit_purge` to 'on', which only the organisation-deletion path does (see
    `organizations.audit.organization_delete_with_audit_log`).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=400)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    target_label = models.CharField(max_length=1000, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AuditEventTenantManager()
    all_organizations = models.Manager.from_queryset(AuditEventQuerySet)()

    class Meta:
        ordering = ["-created_at", "-id"]
        base_manager_name = "all_organizations"
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="auditevent_org_created"),
            models.Index(
                fields=["organization", "action", "-created_at"], name="auditevent_org_action"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} by {self.actor_label} at {self.created_at:%Y-%m-%d %H:%M}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogAppendOnlyError("Audit events cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogAppendOnlyError("Audit events cannot be deleted.")
