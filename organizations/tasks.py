from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from organizations.invitation_links import invitation_accept_path
from organizations.models import Invitation, InvitationStatus, Organization
from organizations.scope import organization_scope


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(organization_id: int, invitation_id: int) -> None:
    """Email the invitation link once.

    The row is claimed (email_sent_at set) before sending, so a redelivered task or a second worker
    finds it claimed and sends nothing; a failed send releases the claim for the retry.
    """
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    with organization_scope(organization):
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
