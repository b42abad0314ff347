"""The organisation's audit log: admin actions, written once, read by owners.

Services call `audit_record` inside their own transaction, so an action that rolls back leaves no
entry. Nothing changes or deletes an entry: the model, its querysets and (on PostgreSQL) a trigger
refuse. The one exception is deleting a whole organisation, which goes through
`organization_delete_with_audit_log` and takes its log with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet

from organizations.models import AuditAction, AuditEvent, Membership, Organization, Role
from organizations.scope import organization_scope

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "AuditAction",
    "AuditEvent",
    "audit_events_for",
    "audit_record",
    "organization_delete_with_audit_log",
    "person_label",
]

AUDIT_PURGE_SETTING = "mentorship.audit_purge"


def person_label(user: User | None) -> str:
    """How a person is written in the log: "Ada Lovelace <ada@example.org>", or the email alone."""
    if user is None:
        return "The platform"
    full_name = (getattr(user, "full_name", "") or "").strip()
    return f"{full_name} <{user.email}>" if full_name else user.email


def audit_record(
    *,
    organization: Organization,
    actor: User | None,
    action: AuditAction | str,
    target_label: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the organisation's audit log.

    Call it inside the acting service's transaction: when the action rolls back, so does its entry.
    `actor` None means the platform acted on its own (a scheduled job); the label says so.
    """
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}; add it to AuditAction first.")
    with organization_scope(organization):
        return AuditEvent.objects.create(
            organization=organization,
            actor=actor,
            actor_label=person_label(actor),
            action=action,
            target_label=target_label[:1000],
            details=details or {},
        )


def audit_events_for(
    membership: Membership,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The organisation's audit log, newest first, filtered; only its owners read it.

    `since` is inclusive and `until` exclusive, so a date range is [first day, day after last).
    The queryset is bound to the organisation explicitly, so it can be evaluated outside a scope.
    """
    if membership.role != Role.OWNER:
        raise PermissionDenied("Only the organisation's owners read its audit log.")
    events = AuditEvent.all_organizations.filter(organization_id=membership.organization_id)
    if action:
        events = events.filter(action=action)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    return events.order_by("-created_at", "-id")


@contextmanager
def _audit_purge_allowed() -> Iterator[None]:
    """Let the PostgreSQL trigger accept DELETEs on the audit table inside the block only.

    The setting is local to the transaction, and switched off again on the way out, so that an
    outer transaction the deletion runs in does not keep the permission after it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [AUDIT_PURGE_SETTING])
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [AUDIT_PURGE_SETTING])


@transaction.atomic
def organization_delete_with_audit_log(organization: Organization) -> None:
    """Delete an organisation and everything it owns, its audit log included.

    For operators only (the Django admin, a management command): the product offers no way to
    delete an organisation. The purge setting is local to this transaction, so no other delete
    ever reaches the audit table.
    """
    with _audit_purge_allowed():
        organization.delete()
