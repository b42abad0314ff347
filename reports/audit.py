"""The reports' audit log: every report view and export is written here, append-only.

Exports leave the platform with the organisation's data, so each one is also written to the
organisation's audit log (organizations.audit), which the owners read beside the admin actions.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied

from organizations.audit import AuditAction, audit_record, person_label
from organizations.models import Membership, Role
from organizations.scope import organization_scope
from reports.forms import describe_filters, names_for, report_label
from reports.models import AuditEntry, ReportAction

# The report actions that take data out of the platform, and the format each one hands over.
EXPORT_FORMATS = {
    ReportAction.EXPORT_CSV: "CSV",
    ReportAction.EXPORT_XLSX: "XLSX",
    ReportAction.EXPORT_PDF: "PDF",
    ReportAction.EXPORT_PARTICIPANTS: "CSV",
    ReportAction.SCHEDULED_REPORT: "by email",
}


def _export_words(report: str, export_format: str, filters: dict, rows: int | None) -> str:
    """ "Progress report (CSV, 42 rows): Program: Leadership; 1 Jan 2026 to 31 Mar 2026"."""
    programs, cohorts = names_for([SimpleNamespace(filters=filters)])
    size = "" if rows is None else f", {rows} row{'' if rows == 1 else 's'}"
    scope = "; ".join(describe_filters(filters, programs, cohorts))
    return f"{report_label(report)} ({export_format}{size})" + (f": {scope}" if scope else "")


def audit(
    membership: Membership, action: str, report: str, filters: dict, rows: int | None = None
) -> AuditEntry:
    """Write who viewed or exported what, when, with which filters; an export also goes to the
    organisation's audit log."""
    user = membership.user
    organization = membership.organization
    with organization_scope(organization):
        entry = AuditEntry.objects.create(
            organization=organization, user=user, user_label=person_label(user),
            action=action, report=report, filters=filters, rows=rows,
        )  # fmt: skip
        if action in EXPORT_FORMATS:
            audit_record(
                organization=organization,
                actor=user,
                action=AuditAction.REPORT_EXPORTED,
                target_label=_export_words(report, EXPORT_FORMATS[action], filters, rows),
                details={"report": report, "action": action, "filters": filters, "rows": rows},
            )
    return entry


def audit_log_for(membership: Membership, limit: int = 200) -> list[AuditEntry]:
    """The reports' view log, newest first: the organisation's owners read it."""
    if membership.role != Role.OWNER:
        raise PermissionDenied("Only the organisation's owners read the reports' audit log.")
    with organization_scope(membership.organization):
        return list(AuditEntry.objects.all()[:limit])
