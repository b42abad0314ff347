"""Reports API routes: the dashboard's numbers and the owners' audit log."""

from django.urls import path

from reports.api import views

urlpatterns = [
    path(
        "orgs/<slug:org_slug>/reports/dashboard/",
        views.DashboardView.as_view(),
        name="api_report_dashboard",
    ),
    path(
        "orgs/<slug:org_slug>/reports/funnel/",
        views.FunnelView.as_view(),
        name="api_report_funnel",
    ),
    path(
        "orgs/<slug:org_slug>/reports/health/",
        views.HealthView.as_view(),
        name="api_report_health",
    ),
    path(
        "orgs/<slug:org_slug>/reports/audit/",
        views.AuditLogView.as_view(),
        name="api_report_audit",
    ),
    path(
        "orgs/<slug:org_slug>/export/",
        views.OrganizationExportView.as_view(),
        name="api_organization_export",
    ),
]
