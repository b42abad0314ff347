"""Scheduled reports by email (see reports.exports.scheduled)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from organizations.models import Organization
from reports.exports.scheduled import due_scheduled_reports, scheduled_report_send


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_scheduled_reports() -> int:
    """Beat, daily: one task per subscription due today (each builds a whole workbook).
    Returns how many were queued."""
    today = timezone.localdate()
    due = due_scheduled_reports(today)
    for organization_id, scheduled_id in due:
        send_scheduled_report.delay(organization_id, scheduled_id, today.isoformat())
    return len(due)


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
    max_retries=5,
)  # fmt: skip
def send_scheduled_report(organization_id: int, scheduled_id: int, day: str) -> None:
    """Idempotent: the subscription is claimed for the day before anything is sent."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        scheduled_report_send(
            organization=organization,
            scheduled_id=scheduled_id,
            today=datetime.date.fromisoformat(day),
        )
