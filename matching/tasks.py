"""Emails about mentorship requests, and the periodic expiry of unanswered ones."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from matching.models import MentorshipRequest, MentorshipRequestStatus
from organizations.models import Organization
from organizations.scope import organization_scope

# Who hears about each change of a request, and the subject they read.
_EMAILS = {
    MentorshipRequestStatus.PENDING: ("mentor", "{mentee} would like you as their mentor"),
    MentorshipRequestStatus.DECLINED: ("mentee", "{mentor} cannot take you on this time"),
    MentorshipRequestStatus.EXPIRED: ("mentee", "Your request to {mentor} has expired"),
}


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_request_email(organization_id: int, request_id: int, status: str) -> None:
    """Email the person a request change concerns, once per status: the request is claimed by
    recording the status as notified before sending, so a redelivered task sends nothing."""
    if status not in _EMAILS:
        return
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    with organization_scope(organization):
        claimed = (
            MentorshipRequest.objects.filter(pk=request_id, status=status)
            .exclude(notified_status=status)
            .update(notified_status=status)
        )
        if not claimed:
            return
        request = MentorshipRequest.objects.select_related(
            "mentee", "mentor", "cohort__program"
        ).get(pk=request_id)
    recipient_role, subject = _EMAILS[status]
    recipient = request.mentor if recipient_role == "mentor" else request.mentee
    names = {
        "mentee": request.mentee.full_name or request.mentee.email,
        "mentor": request.mentor.full_name or request.mentor.email,
    }
    context = {
        "request": request,
        "names": names,
        "organization": organization,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("matching:requests", kwargs={"org_slug": organization.slug}),
    }
    try:
        send_mail(
            subject=subject.format(**names),
            message=render_to_string(f"matching/email/request_{status}.txt", context),
            from_email=None,
            recipient_list=[recipient.email],
        )
    except OSError:
        MentorshipRequest.objects.filter(pk=request_id).update(notified_status="")
        raise


@shared_task(acks_late=True)
def expire_mentorship_requests() -> int:
    from matching.services.requests import mentorship_requests_expire

    return mentorship_requests_expire()
