"""The reports pages: the program dashboard and, for owners, the reports' audit log."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("o/<slug:org_slug>/reports/", views.dashboard, name="dashboard"),
    path("o/<slug:org_slug>/reports/audit/", views.audit_log, name="audit_log"),
    path("o/<slug:org_slug>/export/", views.organization_export, name="organization_export"),
]
