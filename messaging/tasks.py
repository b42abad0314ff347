"""Emails of messaging: a reported message reaches the program's managers, once; people away
from chat hear of unread messages, once per conversation per period (messaging.offline)."""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from messaging import offline
from messaging.access import conversation_program
from messaging.models import MessageReport
from organizations.models import MEMBER_MANAGER_ROLES, Membership, Organization
from organizations.scope import organization_scope
from programs.selectors import program_managers_of


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_report_to_managers(organization_id: int, report_id: int) -> None:
    """Tell the program's managers (or, if it has none, the organisation's owners and admins)
    that a message was reported. The report is claimed before sending: a redelivery sends
    nothing more."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    with organization_scope(organization):
        claimed = MessageReport.objects.filter(pk=report_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return
        report = MessageReport.objects.select_related(
            "message__conversation__mentorship__cohort__program",
            "message__conversation__cohort__program",
            "message__conversation__program",
        ).get(pk=report_id)
        program = conversation_program(report.message.conversation)
        program.organization = organization
        recipients = [m.user.email for m in program_managers_of(program)]
        if not recipients:
            recipients = list(
                Membership.objects.filter(role__in=MEMBER_MANAGER_ROLES).values_list(
                    "user__email", flat=True
                )
            )
    url = settings.SITE_URL.rstrip("/") + reverse(
        "messaging:reports", kwargs={"org_slug": organization.slug, "program_id": program.pk}
    )
    context = {"program": program, "organization": organization, "report": report, "url": url}
    try:
        send_mail(
            subject=f"A message was reported in {program.name}",
            message=render_to_string("messaging/email/message_reported.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:
        with organization_scope(organization):
            MessageReport.objects.filter(pk=report_id).update(notified_at=None)
        raise


@shared_task(acks_late=True)
def email_unread_messages() -> None:
    """The beat scan (every few minutes): find, in every organisation, who is due an email
    about unread messages, and hand them to email_unread_batch a batch at a time. It sends
    nothing itself, so a slow mail server never holds up the scan, and two overlapping scans
    only enqueue pairs that the batches' claims then dedupe."""
    now = timezone.now()
    for organization in Organization.objects.order_by("pk").iterator():
        for items in offline.unread_email_batches(organization=organization, now=now):
            transaction.on_commit(partial(email_unread_batch.delay, organization.pk, items))


# A failed batch retries a few times quickly; a longer outage is left to the next scans, which
# find the pairs due again (their claims were deleted). SMTPException is an OSError.
@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def email_unread_batch(organization_id: int, items: list[list[int]]) -> None:
    """Email one batch of [conversation id, user id] pairs of one organisation; idempotent."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    offline.unread_emails_send(organization=organization, items=items, now=timezone.now())
