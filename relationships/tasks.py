"""The daily health snapshot, for the reports' trend."""

from __future__ import annotations

from celery import shared_task

from organizations.models import Organization
from relationships.services import health_snapshots_take


@shared_task(acks_late=True, reject_on_worker_lost=True)
def take_health_snapshots() -> None:
    """Beat, daily: one task per organisation (each keeps its own snapshot in batches)."""
    for organization_id in Organization.objects.values_list("pk", flat=True):
        take_health_snapshots_of_organization.delay(organization_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def take_health_snapshots_of_organization(organization_id: int) -> None:
    """Idempotent: run twice the same day, the day's rows are brought up to date."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        health_snapshots_take(organization=organization)
