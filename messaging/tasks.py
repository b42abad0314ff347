"""Emails of messaging: a reported message reaches the program's managers, once."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

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
