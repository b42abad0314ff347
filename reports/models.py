"""What the reports keep: an append-only audit log of who viewed or exported which report,
with which filters, and the scheduled reports report viewers receive by email."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organizations.models import TenantModel


class ReportAction(models.TextChoices):
    VIEW_DASHBOARD = "view_dashboard", "Viewed the dashboard"
    API_READ = "api_read", "Read a report through the API"
    EXPORT_CSV = "export_csv", "Exported CSV"
    EXPORT_XLSX = "export_xlsx", "Exported XLSX"
    EXPORT_PDF = "export_pdf", "Exported PDF"
    EXPORT_PARTICIPANTS = "export_participants", "Exported the participants"
    SCHEDULED_REPORT = "scheduled_report", "Scheduled report emailed"


class AuditEntry(TenantModel):
    """One view or export of a report: who, what, when, with which filters. Rows are only ever
    added (see reports.audit)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    # Kept as written at the time: the person may leave or be renamed.
    user_label = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=30, choices=ReportAction.choices)
    report = models.CharField(max_length=60)
    filters = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_label} {self.action} {self.report}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Every Monday"
    MONTHLY = "monthly", "On the first of each month"


class ScheduledReport(TenantModel):
    """A progress report emailed to report viewers on a schedule (one per person and
    program)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    format = models.CharField(max_length=10, default="xlsx")
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"], name="scheduled_report_one_per_person_and_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} report of {self.program_id}"
