"""The reports routes in the tenant-isolation walk (see tests/security/routes.py).

The dashboard is read as a list: its program filter names Alpha's program (which carries the
marker), so Bravo's dashboard must never show it. The audit log is a list of Alpha's entries,
one of them written by Alpha's owner (whose name carries the marker)."""

from __future__ import annotations

from organizations.scope import organization_scope
from reports.audit import audit
from reports.models import AuditEntry, ReportAction
from tests.conftest import World
from tests.security.routes import TenantRoute


def _audited(world: World) -> dict:
    """Alpha's owner has viewed the dashboard once: the audit log has a row of Alpha's."""
    with organization_scope(world.alpha):
        seen = AuditEntry.objects.filter(user=world.alpha_owner).exists()
    if not seen:
        audit(world.alpha_owner_membership, ReportAction.VIEW_DASHBOARD, "dashboard", {})
    return {}


REPORTS_ROUTES: dict[str, TenantRoute] = {
    "reports:dashboard": TenantRoute(is_list=True),
    "reports:audit_log": TenantRoute(_audited, is_list=True),
    "api_report_dashboard": TenantRoute(),
    "api_report_funnel": TenantRoute(),
    "api_report_health": TenantRoute(),
    "api_report_audit": TenantRoute(_audited, is_list=True),
}
