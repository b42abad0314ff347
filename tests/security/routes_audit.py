"""The organisation's audit log routes in the tenant-isolation walk (see tests/security/routes.py).

All three are lists of Alpha's entries: the world's invitations were sent by Alpha's owner, whose
name carries the marker, and a role change names Alpha's member too. Bravo must never see them.
"""

from __future__ import annotations

from organizations import services
from organizations.models import AuditAction, AuditEvent, Role
from tests.conftest import World
from tests.security.routes import TenantRoute


def _role_changed(world: World) -> dict:
    """Alpha's owner has changed a role once: the log has an entry naming two of Alpha's people."""
    written = AuditEvent.all_organizations.filter(
        organization=world.alpha, action=AuditAction.MEMBER_ROLE_CHANGED
    ).exists()
    if not written:
        services.membership_change_role(
            actor_membership=world.alpha_owner_membership,
            membership=world.alpha_member_membership,
            role=Role.REPORT_VIEWER,
        )
        services.membership_change_role(
            actor_membership=world.alpha_owner_membership,
            membership=world.alpha_member_membership,
            role=Role.MEMBER,
        )
    return {}


AUDIT_ROUTES: dict[str, TenantRoute] = {
    "organizations:audit_log": TenantRoute(_role_changed, is_list=True),
    # A download (streamed): reading it as a list is tests/organizations/test_audit.py's job.
    "organizations:audit_log_csv": TenantRoute(_role_changed),
    "api_audit_events": TenantRoute(_role_changed, is_list=True),
}
