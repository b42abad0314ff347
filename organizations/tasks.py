from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from organizations.invitation_links import invitation_accept_path
from organizations.models import Invitation, InvitationStatus, Organization
from organizations.scope import organization_scope

# Fan-out: one task per this many invitations, never one per person.
INVITATION_EMAIL_BATCH = 200


def _send_once(organization: Organization, invitation_id: int) -> None:
    """Email one invitation link, once.

    The row is claimed (email_sent_at set) before sending, so a redelivered task or a second worker
    finds it claimed and sends nothing; a failed send releases the claim for the retry.
    """
    claimed = Invitation.objects.filter(pk=invitation_id, email_sent_at__isnull=True).update(
        email_sent_at=timezone.now()
    )
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if not claimed or invitation is None or invitation.status != InvitationStatus.PENDING:
        return
    context = {
        "invitation": invitation,
        "accept_url": settings.SITE_URL.rstrip("/") + invitation_accept_path(invitation),
    }
    try:
        send_mail(
            subject=f"You are invited to {organization.name} on Mentorship",
            message=render_to_string("organizations/email/invitation.txt", context),
            html_message=render_to_string("organizations/email/invitation.html", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except OSError:
        Invitation.objects.filter(pk=invitation_id).update(email_sent_at=None)
        raise


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(organization_id: int, invitation_id: int) -> None:
    send_invitation_emails(organization_id, [invitation_id])


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_emails(organization_id: int, invitation_ids: list[int]) -> None:
    """Email a batch of invitations. A retry after a failure skips the ones already sent."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    with organization_scope(organization):
        for invitation_id in invitation_ids:
            _send_once(organization, invitation_id)


def enqueue_invitation_emails(organization_id: int, invitation_ids: list[int]) -> None:
    """Send the emails in batches (call on commit)."""
    for start in range(0, len(invitation_ids), INVITATION_EMAIL_BATCH):
        send_invitation_emails.delay(
            organization_id, invitation_ids[start : start + INVITATION_EMAIL_BATCH]
        )
