from __future__ import annotations

from django.db import models
from django.db.models import Q

from organizations.models import TenantModel
from programs.models import Mentorship


class HealthStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    AT_RISK = "at_risk", "At risk"


class HealthSnapshot(TenantModel):
    """A mentorship's health as it was on one day (taken daily for the reports' trend)."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="health_snapshots"
    )
    taken_on = models.DateField()
    status = models.CharField(max_length=20, choices=HealthStatus.choices)
    reasons = models.JSONField(default=list)
    signals = models.JSONField(default=dict)

    class Meta:
        ordering = ["-taken_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "taken_on"], name="health_snapshot_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(status__in=HealthStatus.values), name="health_snapshot_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "taken_on", "status"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.taken_on}"
