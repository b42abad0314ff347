from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from organizations.models import Organization
from programs.services import cohorts_advance_by_date


@shared_task(acks_late=True)
def advance_cohorts_by_date() -> int:
    """Daily scan: move every organisation's cohorts whose dates say so. Idempotent: a cohort
    already moved no longer matches, so a second tick moves nothing."""
    today = timezone.localdate()
    moved = 0
    for organization in Organization.objects.only("pk", "slug").iterator():
        moved += len(cohorts_advance_by_date(organization=organization, today=today))
    return moved
