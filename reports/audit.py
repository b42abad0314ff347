"""The reports' audit log: every report view and export is written here, append-only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from organizations.models import Membership, Role
from organizations.scope import organization_scope
from reports.models import AuditEntry


def audit(
    membership: Membership, action: str, report: str, filters: dict, rows: int | None = None
) -> AuditEntry:
    """Write who viewed or exported what, when, with which filters."""
    user = membership.user
    with organization_scope(membership.organization):
        return AuditEntry.objects.create(
            organization=membership.organization, user=user,
            user_label=f"{user.full_name} <{user.email}>" if user.full_name else user.email,
            action=action, report=report, filters=filters, rows=rows,
        )  # fmt: skip


def audit_log_for(membership: Membership, limit: int = 200) -> list[AuditEntry]:
    """The organisation's audit log, newest first: its owners read it."""
    if membership.role != Role.OWNER:
        raise PermissionDenied("Only the organisation's owners read the reports' audit log.")
    with organization_scope(membership.organization):
        return list(AuditEntry.objects.all()[:limit])
